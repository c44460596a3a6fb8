// Sets a header on the response a middleware got back from `next()` without rebuilding it.
// Hono's `c.header()` after the response exists copies the whole Response (and under
// @hono/node-server turns a string body into a stream); mutating its Headers does the same job
// in place. Responses with immutable headers (`Response.redirect`, a proxied `fetch`) fall back
// to `c.header()`, which copies them first.
import type { Context } from "hono";

export function setResponseHeader(c: Context, name: string, value: string | undefined): void {
  try {
    const headers = c.res.headers;
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
