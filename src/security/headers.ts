// Security headers on every response, errors included (set after the downstream chain, which
// Hono has already turned into a response via onError when a handler threw).
import type { MiddlewareHandler } from "hono";
import { isUnderPrefix } from "./canonical-path.js";
import { canonicalRequestPath } from "./request-path.js";
import { isHttpsRequest } from "./request-scheme.js";
import { HeaderBlock, setResponseHeader, setResponseHeaderBlock } from "./response-header.js";

export interface SecurityHeadersOptions {
  /** Honour `X-Forwarded-Proto: https` for HSTS. Default false. */
  trustProxy?: boolean;
  /** Paths that get `Cache-Control: no-store` (default `/api`, `/internal`, `/mcp` and malformed paths). */
  noStore?: (canonicalPath: string | null) => boolean;
  /** Override the Content-Security-Policy (e.g. for the offline API docs page). */
  contentSecurityPolicy?: string;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
].join("; ");

export const HSTS = "max-age=31536000; includeSubDomains";

const NO_STORE_PREFIXES = ["/api", "/internal", "/mcp"];
const defaultNoStore = (path: string | null): boolean =>
  path === null || NO_STORE_PREFIXES.some((p) => isUnderPrefix(path, p));

/** The headers every response carries (also the raw responses of src/security/node-server.ts). */
export const FIXED_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const noStore = options.noStore ?? defaultNoStore;
  const fixed = {
    ...FIXED_SECURITY_HEADERS,
    "Content-Security-Policy": options.contentSecurityPolicy ?? CONTENT_SECURITY_POLICY,
    "X-Powered-By": undefined,
  };
  // Validated once, written as one piece of the head (src/security/response-header.ts).
  const block = new HeaderBlock(fixed);
  const blockNoStore = new HeaderBlock({ ...fixed, "Cache-Control": "no-store" });
  return async (c, next) => {
    await next();
    setResponseHeaderBlock(c, noStore(canonicalRequestPath(c)) ? blockNoStore : block);
    if (isHttpsRequest(c, options.trustProxy)) setResponseHeader(c, "Strict-Transport-Security", HSTS);
  };
}
