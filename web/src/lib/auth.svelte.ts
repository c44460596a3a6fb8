// Browser sign-in when AUTH_TOKEN is set: the token is exchanged at POST /api/auth/session for an
// HttpOnly cookie; a 401 anywhere shows the sign-in screen without losing the page's state.
import { api, onUnauthorized, unwrap } from "../api/client";

class Auth {
  /** null until /api/auth/status answered. */
  required = $state<boolean | null>(null);
  signedIn = $state(false);
  expired = $state(false);

  constructor() {
    onUnauthorized(() => {
      if (this.signedIn) this.expired = true;
      this.signedIn = false;
      this.required = true;
    });
  }

  async refresh(): Promise<void> {
    try {
      const status = await unwrap(api.GET("/api/auth/status"));
      const s = status as { auth_required?: boolean; authenticated?: boolean };
      this.required = s.auth_required ?? false;
      this.signedIn = !this.required || (s.authenticated ?? false);
    } catch {
      // The server is down or old: let the views show their own errors.
      this.required = false;
      this.signedIn = true;
    }
  }

  async signIn(token: string): Promise<void> {
    await unwrap(api.POST("/api/auth/session", { body: { token } }));
    this.signedIn = true;
    this.expired = false;
  }

  async signOut(): Promise<void> {
    await unwrap(api.DELETE("/api/auth/session"));
    this.signedIn = false;
    this.expired = false;
  }
}

export const auth = new Auth();
