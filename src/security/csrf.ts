// Cross-site request forgery defence for state-changing requests: Fetch Metadata first, then an
// Origin allow-list; requests carrying neither (CLI, SDKs) pass. Cookie sessions rely on this.
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";
import { loopbackOrigins, normalizeOrigin } from "./loopback.js";

export interface CsrfOptions {
  /** The port this server listens on (or a getter, when it is known only after listen). */
  port: number | (() => number);
  /** Public origins the UI is served from (`PUBLIC_URL`, comma-separated in config). */
  publicUrls?: readonly string[];
  /** With a trusted proxy, also allow `X-Forwarded-Proto://X-Forwarded-Host`. Default false. */
  trustProxy?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const SAME_SITE_VALUES = new Set(["same-origin", "none"]);

/** Every method other than GET, HEAD and OPTIONS counts as state-changing. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export function allowedOrigins(options: { port: number; publicUrls?: readonly string[] }): Set<string> {
  const set = new Set(loopbackOrigins(options.port));
  for (const url of options.publicUrls ?? []) {
    const origin = normalizeOrigin(url);
    if (origin) set.add(origin);
  }
  return set;
}

export function csrf(options: CsrfOptions): MiddlewareHandler {
  const portOf = typeof options.port === "function" ? options.port : () => options.port as number;
  let cached: { port: number; set: Set<string> } | null = null;
  const allowedSet = () => {
    const port = portOf();
    if (!cached || cached.port !== port)
      cached = { port, set: allowedOrigins({ port, publicUrls: options.publicUrls }) };
    return cached.set;
  };
  return (c, next) => {
    const allowed = allowedSet();
    if (!isStateChanging(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && !SAME_SITE_VALUES.has(site.trim().toLowerCase())) {
      return Promise.resolve(errorResponse(c, 403, "forbidden", "Cross-site request refused"));
    }
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      const normalized = origin === "null" ? null : normalizeOrigin(origin);
      if (normalized === null || !isAllowed(normalized)) {
        return Promise.resolve(errorResponse(c, 403, "forbidden", "Cross-site request refused"));
      }
    }
    return next();

    function isAllowed(o: string): boolean {
      if (allowed.has(o)) return true;
      if (!options.trustProxy) return false;
      const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
      const proto = c.req.header("x-forwarded-proto")?.split(",").at(-1)?.trim().toLowerCase();
      if (!host || (proto !== "http" && proto !== "https")) return false;
      return normalizeOrigin(`${proto}://${host}`) === o;
    }
  };
}
