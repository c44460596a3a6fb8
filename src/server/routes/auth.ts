// Browser sign-in with the API token: the token is exchanged once for an HttpOnly, SameSite=Strict
// session cookie (Secure over HTTPS). Cookie-authenticated requests still pass the CSRF check.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { tokensMatch, UNAUTHORIZED_MESSAGE } from "../../security/bearer-auth.js";
import { isHttpsRequest } from "../../security/request-scheme.js";
import {
  clearSessionCookie,
  DEFAULT_SESSION_COOKIE,
  type SessionManager,
  serializeSessionCookie,
} from "../../security/session.js";
import { HttpError } from "../errors.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponse, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const StatusSchema = z
  .object({
    auth_required: z.boolean().meta({ description: "Whether the API needs a token (AUTH_TOKEN is set)" }),
    authenticated: z.boolean().meta({ description: "Whether this request carries a valid token or session" }),
  })
  .meta({ id: "AuthStatus" });
const SessionBody = z.object({ token: z.string().min(1).max(1000) });

export function registerAuthRoutes(http: OpenAPIHono, deps: HttpDeps, sessions: SessionManager): void {
  const { app } = deps;
  const token = app.config.authToken;
  const secure = (c: Parameters<typeof isHttpsRequest>[0]) => isHttpsRequest(c, app.config.trustProxy);

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/auth/status",
      operationId: "getAuthStatus",
      tags: ["auth"],
      summary: "Does the UI need to sign in?",
      responses: jsonResponse(StatusSchema, "Sign-in state"),
    },
    (c) => {
      if (!token) return c.json({ auth_required: false, authenticated: true });
      const header = c.req.header("authorization");
      const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
      const cookie = getCookie(c, DEFAULT_SESSION_COOKIE);
      const authenticated =
        (bearer !== undefined && tokensMatch(bearer, token)) || (cookie !== undefined && sessions.verify(cookie));
      return c.json({ auth_required: true, authenticated });
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/auth/session",
      operationId: "createSession",
      tags: ["auth"],
      summary: "Exchange the API token for a session cookie",
      description: "Without `AUTH_TOKEN` on the server this succeeds with any token and sets no cookie.",
      body: { schema: SessionBody },
      responses: {
        "204": {
          description: "Signed in; the `pf_session` cookie is set (when the server has `AUTH_TOKEN`)",
          headers: { "Set-Cookie": { description: "The HttpOnly session cookie", schema: { type: "string" } } },
        },
        "401": errorResponse(401, "The token does not match `AUTH_TOKEN` (`unauthorized`)", {
          "WWW-Authenticate": { description: '`Bearer realm="promptforge"`', schema: { type: "string" } },
        }),
      },
    },
    (c, { body }) => {
      if (!token) return c.body(null, 204);
      if (!tokensMatch(body.token, token)) {
        throw new HttpError(401, "unauthorized", UNAUTHORIZED_MESSAGE, {
          headers: { "WWW-Authenticate": 'Bearer realm="promptforge"' },
        });
      }
      const session = sessions.issue();
      const maxAgeSeconds = Math.floor((session.expiresAt - Date.now()) / 1000);
      c.header("Set-Cookie", serializeSessionCookie(session.value, { secure: secure(c), maxAgeSeconds }));
      return c.body(null, 204);
    },
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/auth/session",
      operationId: "deleteSession",
      tags: ["auth"],
      summary: "Sign out: revoke the session and clear the cookie",
      responses: { "204": { description: "Signed out" } },
    },
    (c) => {
      const cookie = getCookie(c, DEFAULT_SESSION_COOKIE);
      if (cookie) sessions.revoke(cookie);
      c.header("Set-Cookie", clearSessionCookie({ secure: secure(c) }));
      return c.body(null, 204);
    },
  );
}
