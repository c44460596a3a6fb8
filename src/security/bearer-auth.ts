// Bearer-token authentication for the API (AUTH_TOKEN) and MCP (MCP_AUTH_TOKEN): constant-time
// comparison, one identical 401 for missing and wrong credentials, never a query-string token,
// and decisions taken on the canonical path so encoded or doubled slashes cannot dodge it.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { errorResponse } from "./error-response.js";
import { canonicalRequestPath } from "./request-path.js";

export { canonicalPath } from "./canonical-path.js";

export interface BearerAuthOptions {
  /** The expected token; empty or undefined turns the middleware off. */
  token: string | undefined;
  /** `WWW-Authenticate` realm (default `promptforge`). */
  realm?: string;
  /** Which canonical paths need auth (default: all). */
  protect?: (canonicalPath: string) => boolean;
  /** Requests let through without credentials; see `exemptRoutes`. */
  exempt?: (c: Context, canonicalPath: string) => boolean;
  /** Also accept a browser session cookie (the CSRF check must run for every request). */
  sessionCookie?: { name: string; verify: (value: string) => boolean };
}

export const UNAUTHORIZED_MESSAGE = "Authentication required";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time token comparison; hashing first hides length differences. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Exact `METHOD /canonical/path` matches, e.g. `exemptRoutes(["GET /api/health"])`; GET also covers HEAD. */
export function exemptRoutes(routes: readonly string[]): (c: Context, canonicalPath: string) => boolean {
  const set = new Set(
    routes.map((r) => {
      const [method = "", path = ""] = r.trim().split(/\s+/);
      return `${method.toUpperCase()} ${path.toLowerCase()}`;
    }),
  );
  return (c, path) => {
    const method = c.req.method.toUpperCase();
    return set.has(`${method} ${path}`) || (method === "HEAD" && set.has(`GET ${path}`));
  };
}

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const token = options.token ?? "";
  const realm = (options.realm ?? "promptforge").replace(/["\\]/g, "");
  const protect = options.protect ?? (() => true);
  return (c, next) => {
    // Ambiguous paths are refused with or without a token: the answer never depends on AUTH_TOKEN.
    const path = canonicalRequestPath(c);
    if (path === null) return Promise.resolve(errorResponse(c, 400, "invalid_path", "Malformed request path"));
    if (token === "") return next();
    if (!protect(path) || options.exempt?.(c, path)) return next();

    const header = c.req.header("authorization");
    let ok = false;
    if (header !== undefined) {
      const m = BEARER.exec(header);
      // Compare even when malformed so a bad header costs the same as a wrong token.
      ok = tokensMatch(m?.[1] ?? "", token) && m !== null;
    } else if (options.sessionCookie) {
      const value = getCookie(c, options.sessionCookie.name);
      ok = value !== undefined && value !== "" && options.sessionCookie.verify(value);
    }
    if (ok) return next();
    return Promise.resolve(
      errorResponse(c, 401, "unauthorized", UNAUTHORIZED_MESSAGE, {
        "WWW-Authenticate": `Bearer realm="${realm}"`,
      }),
    );
  };
}
