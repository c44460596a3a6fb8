// Signed MCP → backend calls (`/internal/*`): HMAC-SHA256 over timestamp, request id, method,
// path and body hash, a ±5-minute window and a replay cache of request ids.
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";

export { type LoadedSecret, loadOrCreateSecret, type SecretFileOptions } from "./secret-file.js";

export const TIMESTAMP_HEADER = "X-PF-Timestamp";
export const REQUEST_ID_HEADER = "X-PF-Request-Id";
export const SIGNATURE_HEADER = "X-PF-Signature";
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const SIGNATURE = /^v1=[0-9a-f]{64}$/;

type Body = string | Uint8Array | undefined | null;

export interface SignInput {
  secret: string;
  method: string;
  /** Path plus query string exactly as the server will see it, e.g. `/internal/mcp-event`. */
  path: string;
  body?: Body;
  clock?: () => number;
  id?: string;
}

function sha256hex(body: Body): string {
  return createHash("sha256")
    .update(body ?? "")
    .digest("hex");
}

function signature(secret: string, timestamp: string, id: string, method: string, path: string, body: Body): string {
  const payload = `${timestamp}\n${id}\n${method.toUpperCase()}\n${path}\n${sha256hex(body)}`;
  return `v1=${createHmac("sha256", secret).update(payload).digest("hex")}`;
}

/** Headers that authenticate one request. */
export function signRequest(input: SignInput): Record<string, string> {
  const timestamp = String(Math.floor((input.clock ?? Date.now)() / 1000));
  const id = input.id ?? randomUUID();
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [REQUEST_ID_HEADER]: id,
    [SIGNATURE_HEADER]: signature(input.secret, timestamp, id, input.method, input.path, input.body),
  };
}

/** Remembers request ids until their signature window has passed. Fails closed when full. */
export interface ReplayCache {
  /** `false` when the id was already seen (or the cache is full of live ids). */
  remember(id: string, expiresAt: number, now: number): boolean;
  readonly size: number;
}

/**
 * A replay cache shared by several instances (e.g. Redis, replay-cache-redis.ts): the same answer,
 * asynchronously. It rejects (an AppError `service_unavailable`) when the store cannot be reached,
 * and the request is then refused with 503, never let through unchecked.
 */
export interface SharedReplayCache {
  remember(id: string, expiresAt: number, now: number): Promise<boolean>;
}

export function createReplayCache(options: { maxEntries?: number } = {}): ReplayCache {
  const maxEntries = options.maxEntries ?? 100_000;
  const seen = new Map<string, number>(); // id → expiresAt, insertion-ordered
  return {
    remember(id, expiresAt, now) {
      const existing = seen.get(id);
      if (existing !== undefined && existing > now) return false;
      if (existing !== undefined) seen.delete(id);
      if (seen.size >= maxEntries) {
        for (const [key, exp] of seen) {
          if (exp > now) continue;
          seen.delete(key);
        }
      }
      // Evicting a live id would allow its replay, so a cache full of live ids refuses instead.
      if (seen.size >= maxEntries) return false;
      seen.set(id, expiresAt);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

export type VerifyFailure = "missing_headers" | "stale_timestamp" | "bad_signature" | "replayed";
export type VerifyResult = { ok: true; requestId: string } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secret: string;
  method: string;
  path: string;
  body?: Body;
  /** Header lookup (case-insensitive), e.g. `(n) => c.req.header(n)`. */
  header: (name: string) => string | undefined;
  replayCache: ReplayCache;
  clock?: () => number;
  windowMs?: number;
}

/** Everything but the replay check: headers, time window and signature. */
type SignatureCheck =
  | { ok: true; requestId: string; expiresAt: number; now: number }
  | { ok: false; reason: VerifyFailure };

function checkSignature(input: Omit<VerifyInput, "replayCache">): SignatureCheck {
  const now = (input.clock ?? Date.now)();
  const windowMs = input.windowMs ?? SIGNATURE_WINDOW_MS;
  const timestamp = input.header(TIMESTAMP_HEADER);
  const id = input.header(REQUEST_ID_HEADER);
  const given = input.header(SIGNATURE_HEADER);
  if (!timestamp || !id || !given || !/^\d{1,12}$/.test(timestamp) || !REQUEST_ID.test(id) || !SIGNATURE.test(given)) {
    return { ok: false, reason: "missing_headers" };
  }
  const signedAt = Number(timestamp) * 1000;
  if (Math.abs(now - signedAt) > windowMs) return { ok: false, reason: "stale_timestamp" };
  const expected = signature(input.secret, timestamp, id, input.method, input.path, input.body);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given))) return { ok: false, reason: "bad_signature" };
  return { ok: true, requestId: id, expiresAt: signedAt + windowMs, now };
}

export function verifySignedRequest(input: VerifyInput): VerifyResult {
  const checked = checkSignature(input);
  if (!checked.ok) return checked;
  // Only authenticated ids enter the cache, so strangers cannot fill it.
  if (!input.replayCache.remember(checked.requestId, checked.expiresAt, checked.now)) {
    return { ok: false, reason: "replayed" };
  }
  return { ok: true, requestId: checked.requestId };
}

export interface InternalAuthOptions {
  secret: string;
  clock?: () => number;
  /** In memory by default; a shared one (Redis) makes a replay to any instance fail. */
  replayCache?: ReplayCache | SharedReplayCache;
  windowMs?: number;
  /** Told why a request was refused (for logs; never sent to the client). */
  onReject?: (reason: VerifyFailure) => void;
}

/** Hono middleware for `/internal/*`: 401 `unauthorized` unless the request is correctly signed. */
export function internalAuth(options: InternalAuthOptions): MiddlewareHandler {
  const replayCache = options.replayCache ?? createReplayCache();
  return async (c, next) => {
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const checked = checkSignature({
      secret: options.secret,
      method: c.req.method,
      path: `${url.pathname}${url.search}`,
      body,
      header: (n) => c.req.header(n),
      clock: options.clock,
      windowMs: options.windowMs,
    });
    let reason: VerifyFailure | null = checked.ok ? null : checked.reason;
    if (checked.ok) {
      let fresh: boolean;
      try {
        // Only authenticated ids enter the cache, so strangers cannot fill it.
        fresh = await replayCache.remember(checked.requestId, checked.expiresAt, checked.now);
      } catch {
        return errorResponse(
          c,
          503,
          "service_unavailable",
          "The replay check (Redis, REDIS_URL) is unreachable; retry shortly.",
        );
      }
      if (!fresh) reason = "replayed";
    }
    if (reason !== null) {
      options.onReject?.(reason);
      return errorResponse(c, 401, "unauthorized", "Request signature rejected");
    }
    return next();
  };
}

export interface SignedFetchOptions {
  baseUrl: string;
  secret: string;
  clock?: () => number;
  fetch?: typeof fetch;
}

export interface SignedRequestInit {
  method?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A fetch that signs every request, e.g. for the MCP process posting to `/internal/mcp-event`. */
export function createSignedFetch(
  options: SignedFetchOptions,
): (path: string, init?: SignedRequestInit) => Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  return (path, init = {}) => {
    const url = new URL(path, options.baseUrl);
    const method = (init.method ?? "GET").toUpperCase();
    const signed = signRequest({
      secret: options.secret,
      method,
      path: `${url.pathname}${url.search}`,
      body: init.body,
      clock: options.clock,
    });
    return doFetch(url, {
      method,
      // (The cast keeps the type valid under the DOM library too, where BodyInit is narrower.)
      body: init.body as RequestInit["body"],
      headers: { ...init.headers, ...signed },
      signal: init.signal,
    });
  };
}
