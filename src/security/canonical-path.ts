// One canonical form of a request path for security decisions (auth scope, exemptions,
// cache policy), so `//`, `%2e%2e`, `%2f`, `%61pi` or `/API/` can never steer a request
// around a check. Anything ambiguous is rejected rather than guessed at.

const SAFE_DECODED_SEGMENT = /^[^\u0000-\u001f\u007f/\\%]*$/;
/** `/` or non-empty segments of RFC 3986 unreserved characters, optionally one trailing slash. */
const PLAIN_PATH = /^(?:\/|(?:\/[A-Za-z0-9._~-]+)+\/?)$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * Canonical lowercase path, or `null` when the path is malformed or ambiguous.
 *
 * - the query string and fragment are dropped; the path must start with `/`;
 * - each segment is percent-decoded once (invalid escapes or invalid UTF-8 → null);
 * - a decoded segment may not contain `/`, `\`, `%` (double encoding) or control characters;
 * - empty segments (`//`) and dot segments (`.`, `..`, also as `%2e`) → null: browsers and
 *   fetch resolve them before sending, so only crafted requests carry them;
 * - one trailing slash is dropped (`/api/health/` → `/api/health`);
 * - the result is lowercased, because decisions compare against lowercase route literals.
 */
export function canonicalPath(rawPath: string): string | null {
  // Most requests: unreserved characters only, so decoding is the identity and only empty and dot
  // segments can be refused — the same answer as the general path below, without its allocations.
  if (PLAIN_PATH.test(rawPath) && !DOT_SEGMENT.test(rawPath)) {
    const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath;
    return path.toLowerCase();
  }
  let path = rawPath;
  const cut = path.search(/[?#]/);
  if (cut !== -1) path = path.slice(0, cut);
  if (!path.startsWith("/") || path.includes("\\")) return null;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  if (path === "/") return "/";
  const segments = path.slice(1).split("/");
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === "") return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (!SAFE_DECODED_SEGMENT.test(decoded)) return null;
    if (decoded === "." || decoded === "..") return null;
    out.push(decoded.toLowerCase());
  }
  return `/${out.join("/")}`;
}

/** The raw (still percent-encoded) path of a request URL, without query or fragment. */
export function rawPathOf(url: string): string {
  const schemeEnd = url.indexOf("://");
  const start = schemeEnd === -1 ? 0 : url.indexOf("/", schemeEnd + 3);
  if (start === -1) return "/";
  const rest = url.slice(start);
  const cut = rest.search(/[?#]/);
  return cut === -1 ? rest : rest.slice(0, cut);
}

/** `true` for `prefix` itself and anything under `prefix/` (canonical paths only). */
export function isUnderPrefix(canonical: string, prefix: string): boolean {
  return canonical === prefix || canonical.startsWith(`${prefix}/`);
}

// Controls (CR/LF included), DEL, C1 and the bidi/invisible characters a decoded path can carry.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A (decoded) request path as it may appear in a message or a log line: every control, bidi or
 * invisible character percent-encoded again, so `/%0d%0aSet-Cookie` or `/%1b[2J` is echoed as
 * written, never as a line break or a terminal escape; clipped to 300 characters.
 */
export function printablePath(path: string): string {
  const clipped = path.length > 300 ? `${path.slice(0, 300)}…` : path;
  return clipped.replace(UNPRINTABLE, (ch) => encodeURIComponent(ch));
}
