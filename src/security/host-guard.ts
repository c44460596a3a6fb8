// DNS-rebinding defence: a loopback-bound server answers only to loopback Host names (and
// ALLOWED_HOSTS), so a hostile page whose name re-resolves to 127.0.0.1 gets 403. `originGuard`
// adds MCP's rule: a browser Origin that is not ours is refused.
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";
import { isLoopbackHost, loopbackOrigins, normalizeOrigin } from "./loopback.js";

export interface HostGuardOptions {
  /** The address the server binds to (`HOST` / `MCP_HOST`). */
  bindHost: string;
  /** Extra accepted Host values, `name` (any port) or `name:port`. */
  allowedHosts?: readonly string[];
  /** Force the check on or off; default: on when `bindHost` is loopback. */
  enabled?: boolean;
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/;

function splitHost(value: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  return m ? { name: m[1], port: m[2] ?? null } : null;
}

export function isAllowedHost(value: string | undefined, allowedHosts: readonly string[] = []): boolean {
  if (!value) return false;
  const host = value.trim().toLowerCase();
  if (LOOPBACK_HOST.test(host)) return true;
  const parsed = splitHost(host);
  if (!parsed) return false;
  return allowedHosts.some((entry) => {
    const allowed = splitHost(entry.trim().toLowerCase());
    if (!allowed || allowed.name !== parsed.name) return false;
    return allowed.port === null || allowed.port === parsed.port;
  });
}

/** Scheme and authority of a URL (`http://127.0.0.1:8000`): all that `new URL(url).host` depends on. */
function urlAuthority(url: string): string {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd === -1) return url;
  const end = url.slice(schemeEnd + 3).search(/[/?#]/);
  return end === -1 ? url : url.slice(0, schemeEnd + 3 + end);
}

/** Distinct (URL authority, Host header) pairs whose verdict is remembered; a client sending many others only churns it. */
const VERDICT_CACHE_SIZE = 256;

export function hostGuard(options: HostGuardOptions): MiddlewareHandler {
  const enabled = options.enabled ?? isLoopbackHost(options.bindHost);
  // The verdict is a pure function of the URL's authority and the Host header, and a server sees
  // the same few pairs over and over: decide each pair once instead of parsing a URL per request.
  const verdicts = new Map<string, boolean>();
  const decide = (url: string, header: string | undefined): boolean => {
    const key = `${urlAuthority(url)}\n${header ?? ""}\n${header === undefined ? 0 : 1}`;
    let ok = verdicts.get(key);
    if (ok === undefined) {
      const urlHost = new URL(url).host;
      ok =
        isAllowedHost(urlHost, options.allowedHosts) &&
        (header === undefined || isAllowedHost(header, options.allowedHosts));
      if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.clear();
      verdicts.set(key, ok);
    }
    return ok;
  };
  return (c, next) => {
    if (!enabled) return next();
    if (!decide(c.req.url, c.req.header("host")))
      return Promise.resolve(errorResponse(c, 403, "invalid_host", "Host not allowed"));
    return next();
  };
}

export interface OriginGuardOptions {
  /** Ports whose loopback origins are ours (e.g. the API/UI port and the MCP port). */
  ports: readonly number[];
  /** Further allowed origins (`PUBLIC_URL`). */
  allowedOrigins?: readonly string[];
}

/** 403 `forbidden` when an `Origin` header is present and is `null` or not one of ours; absent passes. */
export function originGuard(options: OriginGuardOptions): MiddlewareHandler {
  const allowed = new Set(options.ports.flatMap(loopbackOrigins));
  for (const o of options.allowedOrigins ?? []) {
    const n = normalizeOrigin(o);
    if (n) allowed.add(n);
  }
  return (c, next) => {
    const origin = c.req.header("origin");
    if (origin === undefined) return next();
    const normalized = origin === "null" ? null : normalizeOrigin(origin);
    if (normalized === null || !allowed.has(normalized)) {
      return Promise.resolve(errorResponse(c, 403, "forbidden", "Origin not allowed"));
    }
    return next();
  };
}
