// Browser sessions after signing in with the API token: opaque random ids, HMAC-signed with
// their expiry so forged or altered values are rejected cheaply, and tracked server-side so
// sign-out revokes them. Sessions live in memory: a restart (or a new token) signs everyone out.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface SessionManagerOptions {
  /** HMAC key; defaults to 32 random bytes per process. */
  secret?: string | Uint8Array;
  /** Session lifetime (default 12 h). */
  ttlMs?: number;
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** Upper bound on live sessions; the oldest is dropped beyond it (default 1 000). */
  maxSessions?: number;
}

export interface IssuedSession {
  value: string;
  expiresAt: number;
}

export interface SessionManager {
  issue(): IssuedSession;
  verify(value: string): boolean;
  revoke(value: string): void;
  revokeAll(): void;
  readonly size: number;
}

const SESSION_FORMAT = /^([A-Za-z0-9_-]{43})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/;

export function createSessionManager(options: SessionManagerOptions = {}): SessionManager {
  const secret = options.secret ?? randomBytes(32);
  const ttlMs = options.ttlMs ?? 12 * 60 * 60 * 1000;
  const clock = options.clock ?? Date.now;
  const maxSessions = options.maxSessions ?? 1000;
  const live = new Map<string, number>(); // id → expiresAt, insertion-ordered

  const sign = (id: string, expiresAt: number): string =>
    createHmac("sha256", secret).update(`pf-session\n${id}\n${expiresAt}`).digest("base64url");

  const parse = (value: string): { id: string; expiresAt: number } | null => {
    const m = SESSION_FORMAT.exec(value);
    if (!m) return null;
    const [, id, exp, mac] = m;
    const expected = Buffer.from(sign(id, Number(exp)));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { id, expiresAt: Number(exp) };
  };

  const prune = (now: number): void => {
    for (const [id, exp] of live) if (exp <= now) live.delete(id);
  };

  return {
    issue() {
      const now = clock();
      prune(now);
      const id = randomBytes(32).toString("base64url");
      const expiresAt = now + ttlMs;
      live.set(id, expiresAt);
      while (live.size > maxSessions) {
        const oldest = live.keys().next().value;
        if (oldest === undefined) break;
        live.delete(oldest);
      }
      return { value: `${id}.${expiresAt}.${sign(id, expiresAt)}`, expiresAt };
    },
    verify(value) {
      const parsed = parse(value);
      if (!parsed) return false;
      const stored = live.get(parsed.id);
      if (stored === undefined || stored !== parsed.expiresAt) return false;
      if (stored <= clock()) {
        live.delete(parsed.id);
        return false;
      }
      return true;
    },
    revoke(value) {
      const parsed = parse(value);
      if (parsed) live.delete(parsed.id);
    },
    revokeAll() {
      live.clear();
    },
    get size() {
      return live.size;
    },
  };
}

export interface SessionCookieOptions {
  /** Cookie name (default `pf_session`). */
  name?: string;
  /** Add `Secure` (pass `isHttpsRequest(c, trustProxy)`). */
  secure: boolean;
  /** Max-Age in seconds; omit for a browser-session cookie. */
  maxAgeSeconds?: number;
}

export const DEFAULT_SESSION_COOKIE = "pf_session";

/** `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. */
export function serializeSessionCookie(value: string, options: SessionCookieOptions): string {
  const parts = [`${options.name ?? DEFAULT_SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

/** `Set-Cookie` value that deletes the session cookie. */
export function clearSessionCookie(options: Omit<SessionCookieOptions, "maxAgeSeconds">): string {
  return serializeSessionCookie("", { ...options, maxAgeSeconds: 0 });
}
