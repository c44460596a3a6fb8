// Cross-site request forgery defence for state-changing requests: Fetch Metadata first, then an
// Origin allow-list; requests carrying neither (CLI, SDKs) pass. Cookie sessions rely on this.
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";
import { loopbackOrigins, normalizeOrigin } from "./loopback.js";

export interface CsrfOptions {
  /** The port this server listens on; its loopback origins are always allowed. */
  port: number;
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

export function allowedOrigins(options: Pick<CsrfOptions, "port" | "publicUrls">): Set<string> {
  const set = new Set(loopbackOrigins(options.port));
  for (const url of options.publicUrls ?? []) {
    const origin = normalizeOrigin(url);
    if (origin) set.add(origin);
  }
  return set;
}

export function csrf(options: CsrfOptions): MiddlewareHandler {
  const allowed = allowedOrigins(options);
  return async (c, next) => {
    if (!isStateChanging(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && !SAME_SITE_VALUES.has(site.trim().toLowerCase())) {
      return errorResponse(c, 403, "forbidden", "Cross-site request refused");
    }
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      const normalized = origin === "null" ? null : normalizeOrigin(origin);
      if (normalized === null || !isAllowed(normalized)) {
        return errorResponse(c, 403, "forbidden", "Cross-site request refused");
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
