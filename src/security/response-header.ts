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

// RFC 9110 token and field-value characters: what Node's own header checks accept, minus obs-text.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
// Names Node reads while it writes the head (framing, keep-alive, date): never in a block.
const NODE_MANAGED = new Set([
  "connection",
  "content-length",
  "transfer-encoding",
  "date",
  "expect",
  "trailer",
  "keep-alive",
  "upgrade",
]);

/**
 * A fixed set of response headers, validated once and kept as the ready text of the response head
 * (`Name: value\r\n…`), so a response served by Node pays for neither per-header validation nor
 * per-header objects. `undefined` values remove the name. Like {@link setResponseHeader}, a block
 * replaces same-named headers of any case the handler set.
 */
export class HeaderBlock {
  /** Every lowercase name the block sets or removes. */
  readonly names: ReadonlySet<string>;
  /** The names with a value, in order, as given. */
  readonly entries: readonly (readonly [string, string])[];
  /** The entries as head lines, each ending in CRLF. */
  readonly text: string;

  constructor(headers: Readonly<Record<string, string | undefined>>) {
    const names = new Set<string>();
    const entries: [string, string][] = [];
    for (const [name, value] of Object.entries(headers)) {
      const key = name.toLowerCase();
      if (!TOKEN.test(name)) throw new TypeError(`header block: ${JSON.stringify(name)} is not a valid header name`);
      if (NODE_MANAGED.has(key)) throw new TypeError(`header block: ${name} is managed by Node and cannot be fixed`);
      if (names.has(key)) throw new TypeError(`header block: ${name} is given twice`);
      names.add(key);
      if (value === undefined) continue;
      if (!FIELD_VALUE.test(value))
        throw new TypeError(`header block: the value of ${name} has a control or non-ASCII character`);
      entries.push([name, value]);
    }
    this.names = names;
    this.entries = entries;
    this.text = entries.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  }
}

/** A handler's headers without the names `drop` says are forced, then `add`. */
function overlay(
  headers: Headers | undefined,
  drop: (lowerName: string) => boolean,
  add: Iterable<[string, string]>,
): Headers {
  if (Array.isArray(headers)) {
    // Node's flat [name, value, name, value…] form.
    const out: OutgoingHttpHeader[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!drop(lower(String(headers[i])))) out.push(headers[i], headers[i + 1]);
    }
    for (const [name, value] of add) out.push(name, value);
    return out;
  }
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) if (!drop(lower(name))) out[name] = headers[name];
  for (const [name, value] of add) out[name] = value;
  return out;
}

function* forcedEntries(forced: Forced | undefined, block: HeaderBlock | undefined): Generator<[string, string]> {
  if (block !== undefined) {
    for (const [name, value] of block.entries)
      if (forced === undefined || !(lower(name) in forced)) yield [name, value];
  }
  for (const name in forced) {
    const value = forced[name];
    if (value !== undefined) yield [name, value];
  }
}

type StoreHeader = (this: ServerResponse, firstLine: string, headers: unknown) => void;
const nodeStoreHeader = (ServerResponse.prototype as unknown as { _storeHeader?: StoreHeader })._storeHeader;
/**
 * Node's ServerResponse.writeHead builds the head by calling `_storeHeader(statusLine, headers)`
 * with the status line first (Node 20, 22 and 24). Where that holds, a block's text is appended to
 * the status line there; where it does not, the block's entries go through the headers like any other.
 */
const BLOCK_IN_HEAD =
  typeof nodeStoreHeader === "function" &&
  /this\._storeHeader\(/.test(Function.prototype.toString.call(ServerResponse.prototype.writeHead));

/**
 * Node's response with the security chain's headers applied when the head is written, whatever
 * wrote it: a Hono response, @hono/node-server's own 500, or an implicit head on first write.
 */
export class SecureServerResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Set by {@link setResponseHeader}; `undefined` until a middleware forces a header. */
  forcedHeaders: Forced | undefined = undefined;
  /** Set by {@link setResponseHeaderBlock}. */
  forcedBlock: HeaderBlock | undefined = undefined;
  /** The block text `_storeHeader` appends to the status line of the head being written. */
  #headText: string | undefined = undefined;

  override writeHead(statusCode: number, reasonOrHeaders?: string | Headers, maybeHeaders?: Headers): this {
    const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
    let headers = reason === undefined ? (reasonOrHeaders as Headers | undefined) : maybeHeaders;
    const forced = this.forcedHeaders;
    let block = this.forcedBlock;
    if (forced !== undefined || block !== undefined) {
      this.forcedHeaders = undefined;
      this.forcedBlock = undefined;
      const blockNames = block?.names;
      const drop = (name: string) => (forced !== undefined && name in forced) || (blockNames?.has(name) ?? false);
      // Headers set earlier with setHeader() merge under writeHead's: drop the forced names there too.
      for (const name of this.getHeaderNames()) if (drop(name)) this.removeHeader(name);
      // A single forced header over a block name wins: the block then goes in entry by entry.
      if (block !== undefined && BLOCK_IN_HEAD && !Object.keys(forced ?? {}).some((name) => blockNames?.has(name))) {
        this.#headText = block.text;
        block = undefined;
      }
      headers = overlay(headers, drop, forcedEntries(forced, block));
    }
    try {
      return super.writeHead(statusCode, reason, headers);
    } finally {
      this.#headText = undefined;
    }
  }

  /** @internal Node's head builder (see {@link BLOCK_IN_HEAD}). */
  _storeHeader(firstLine: string, headers: unknown): void {
    const text = this.#headText;
    this.#headText = undefined;
    (nodeStoreHeader as StoreHeader).call(this, text === undefined ? firstLine : firstLine + text, headers);
  }
}

function nodeResponse(c: Context): SecureServerResponse | null {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof SecureServerResponse && !outgoing.headersSent ? outgoing : null;
}

/** Sets every header of `block` (removing its `undefined` names), as one step. */
export function setResponseHeaderBlock(c: Context, block: HeaderBlock): void {
  const outgoing = nodeResponse(c);
  if (outgoing !== null && outgoing.forcedBlock === undefined) {
    outgoing.forcedBlock = block;
    // A single header set before the block is replaced by the block, as if set in that order.
    const forced = outgoing.forcedHeaders;
    if (forced !== undefined) for (const name of block.names) delete forced[name];
    return;
  }
  const valued = new Set<string>();
  for (const [name, value] of block.entries) {
    valued.add(lower(name));
    setResponseHeader(c, name, value);
  }
  for (const name of block.names) if (!valued.has(name)) setResponseHeader(c, name, undefined);
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
