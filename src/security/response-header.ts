// Sets a header on the response a middleware got back from `next()` without rebuilding it.
//
// Served by Node (startServer, the MCP listener), the response object is a
// `SecureServerResponse`: the header is recorded on it and applied in `writeHead`, over whatever
// the handler's response says for the same name. A web `Headers` object is never touched on that
// path, so a handler's plain-object response stays on @hono/node-server's fast path (building and
// converting undici `Headers` per request cost more than the rest of the security chain).
//
// Anywhere else (`app.request()` in tests, another adapter) the response's Headers are mutated in
// place; Hono's `c.header()` after the response exists copies the whole Response (and under
// @hono/node-server turns a string body into a stream). Responses with immutable headers
// (`Response.redirect`, a proxied `fetch`) fall back to `c.header()`, which copies them first.
//
// Either way the client sees the same headers: the value set here wins over the handler's, and
// `undefined` removes the header.
import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Context } from "hono";

/** Forced headers of one response: lowercase name → value (`undefined`: removed). */
type Forced = Record<string, string | undefined>;

const lowerNames = new Map<string, string>();
function lower(name: string): string {
  let l = lowerNames.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    // Names are code constants; the bound only guards against a caller passing request data.
    if (lowerNames.size < 256) lowerNames.set(name, l);
  }
  return l;
}

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];

/** A handler's headers with the forced ones laid over them (same-named ones of any case replaced). */
function overlay(headers: Headers | undefined, forced: Forced): Headers {
  if (Array.isArray(headers)) {
    // Node's flat [name, value, name, value…] form.
    const out: OutgoingHttpHeader[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!(lower(String(headers[i])) in forced)) out.push(headers[i], headers[i + 1]);
    }
    for (const [name, value] of forcedEntries(forced)) out.push(name, value);
    return out;
  }
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) if (!(lower(name) in forced)) out[name] = headers[name];
  for (const [name, value] of forcedEntries(forced)) out[name] = value;
  return out;
}

function* forcedEntries(forced: Forced): Generator<[string, string]> {
  for (const name in forced) {
    const value = forced[name];
    if (value !== undefined) yield [name, value];
  }
}

/**
 * Node's response with the security chain's headers applied when the head is written, whatever
 * wrote it: a Hono response, @hono/node-server's own 500, or an implicit head on first write.
 */
export class SecureServerResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Set by {@link setResponseHeader}; `undefined` until a middleware forces a header. */
  forcedHeaders: Forced | undefined = undefined;

  override writeHead(statusCode: number, reasonOrHeaders?: string | Headers, maybeHeaders?: Headers): this {
    const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
    let headers = reason === undefined ? (reasonOrHeaders as Headers | undefined) : maybeHeaders;
    const forced = this.forcedHeaders;
    if (forced !== undefined) {
      this.forcedHeaders = undefined;
      // Headers set earlier with setHeader() merge under writeHead's: drop the forced names there too.
      for (const name in forced) if (this.hasHeader(name)) this.removeHeader(name);
      headers = overlay(headers, forced);
    }
    return super.writeHead(statusCode, reason, headers);
  }
}

function nodeResponse(c: Context): SecureServerResponse | null {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof SecureServerResponse && !outgoing.headersSent ? outgoing : null;
}

export function setResponseHeader(c: Context, name: string, value: string | undefined): void {
  const outgoing = nodeResponse(c);
  if (outgoing !== null) {
    outgoing.forcedHeaders ??= {};
    outgoing.forcedHeaders[lower(name)] = value;
    return;
  }
  try {
    const headers = c.res.headers;
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/** `serverOptions` for @hono/node-server's `serve` that make every response a {@link SecureServerResponse}. */
export const SECURE_SERVER_OPTIONS = { ServerResponse: SecureServerResponse } as const;
