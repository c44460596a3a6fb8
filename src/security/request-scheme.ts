// Whether a request reached us over HTTPS: direct TLS, or a trusted proxy's X-Forwarded-Proto.
import type { Context } from "hono";

export function isHttpsRequest(c: Context, trustProxy = false): boolean {
  if (c.req.url.startsWith("https:")) return true;
  if (!trustProxy) return false;
  // A proxy chain appends; the right-most value is what the proxy next to us saw.
  const forwarded = c.req.header("x-forwarded-proto");
  if (!forwarded) return false;
  const last = forwarded.split(",").at(-1)?.trim().toLowerCase();
  return last === "https";
}
