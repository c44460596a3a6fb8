// The canonical path of a request, computed at most once per request and shared by every control
// that decides on it (headers, rate limits, bearer auth). Decisions stay those of `canonicalPath`:
// this module only stops each middleware from re-parsing the same URL.
import type { Context } from "hono";
import { canonicalPath, rawPathOf } from "./canonical-path.js";

interface Paths {
  /** canonicalPath(rawPathOf(url)): the raw, still percent-encoded path. */
  raw?: string | null;
  /** canonicalPath(new URL(url).pathname): the path after WHATWG URL normalisation. */
  parsed?: string | null;
}

// Kept on Hono's request object, which lives exactly as long as the request's context (a property
// rather than a WeakMap entry: a WeakMap entry per request is extra work for every scavenge).
const PATHS = Symbol("promptforge.requestPaths");
type WithPaths = { [PATHS]?: Paths };

function pathsOf(c: Context): Paths {
  const req = c.req as unknown as WithPaths;
  let paths = req[PATHS];
  if (paths === undefined) {
    paths = {};
    req[PATHS] = paths;
  }
  return paths;
}

/** `canonicalPath(rawPathOf(c.req.url))`, memoised for the request. */
export function canonicalRequestPath(c: Context): string | null {
  const paths = pathsOf(c);
  if (paths.raw === undefined) paths.raw = canonicalPath(rawPathOf(c.req.url));
  return paths.raw;
}

// Characters WHATWG URL leaves alone in a path (no percent-encoding, no backslash rewriting), and
// dot segments, which it resolves: a raw path made only of the former and free of the latter is
// byte-for-byte its own `URL.pathname`, so the parse can be skipped.
const URL_STABLE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** The path `new URL(url).pathname` yields, parsing only when the raw path could differ from it. */
export function urlPathname(url: string): string {
  const raw = rawPathOf(url);
  if (URL_STABLE_PATH.test(raw) && !DOT_SEGMENT.test(raw)) return raw;
  return new URL(url).pathname;
}

/** `canonicalPath(new URL(c.req.url).pathname)`, memoised for the request. */
export function canonicalUrlPath(c: Context): string | null {
  const paths = pathsOf(c);
  if (paths.parsed === undefined) paths.parsed = canonicalPath(urlPathname(c.req.url));
  return paths.parsed;
}
