// Per-client sliding-window rate limiting. The memory store keeps an exact sliding log (the
// timestamps of the accepted requests still inside the window), so a burst at t≈0 keeps the
// client refused until each of those requests is a full window old — no fixed-window reset.
import type { Context, MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";

export interface RateLimitResult {
  allowed: boolean;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Milliseconds until the oldest counted request leaves the window (remaining goes up). */
  resetMs: number;
  /** Milliseconds until one more request would be accepted (0 when allowed). */
  retryAfterMs: number;
}

/** Where hits are counted; a Redis implementation can sit behind the same interface. */
export interface RateLimitStore {
  hit(key: string, now: number, windowMs: number, limit: number): Promise<RateLimitResult>;
}

export interface MemoryRateLimitStoreOptions {
  /** Distinct keys kept at most; the least recently used key is dropped beyond it (default 50 000). */
  maxKeys?: number;
}

interface Entry {
  /** Accepted request times, oldest first; never longer than the limit. */
  log: number[];
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly maxKeys: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 50_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  async hit(key: string, now: number, windowMs: number, limit: number): Promise<RateLimitResult> {
    return this.hitSync(key, now, windowMs, limit);
  }

  hitSync(key: string, now: number, windowMs: number, limit: number): RateLimitResult {
    let entry = this.#entries.get(key);
    if (entry)
      this.#entries.delete(key); // re-inserted below: Map order doubles as LRU order
    else entry = { log: [] };
    const log = entry.log;
    const horizon = now - windowMs;
    let expired = 0;
    while (expired < log.length && log[expired] <= horizon) expired++;
    if (expired > 0) log.splice(0, expired);

    let result: RateLimitResult;
    if (limit <= 0) {
      result = { allowed: false, remaining: 0, resetMs: windowMs, retryAfterMs: windowMs };
    } else if (log.length < limit) {
      log.push(now);
      result = { allowed: true, remaining: limit - log.length, resetMs: log[0] + windowMs - now, retryAfterMs: 0 };
    } else {
      // The oldest logged request leaves the window at log[0] + windowMs; that frees one slot.
      const retryAfterMs = log[0] + windowMs - now;
      result = { allowed: false, remaining: 0, resetMs: retryAfterMs, retryAfterMs };
    }
    if (log.length > 0) this.#entries.set(key, entry);
    while (this.#entries.size > this.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return result;
  }
}

export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in milliseconds (e.g. 60 000). */
  windowMs: number;
  store: RateLimitStore;
  /** Separates independent limits sharing a store, e.g. `api` and `optimize`. */
  keyPrefix: string;
  /** The client key, e.g. `clientIpResolver({ trustProxy })`. */
  clientIp: (c: Context) => string;
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** Requests not counted at all (e.g. `GET /api/health`). */
  skip?: (c: Context) => boolean;
}

const seconds = (ms: number): string => String(Math.max(0, Math.ceil(ms / 1000)));

/** 429 `rate_limited` with `Retry-After`; `RateLimit-Limit/-Remaining/-Reset` on every counted response. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const clock = options.clock ?? Date.now;
  return async (c, next) => {
    if (options.skip?.(c)) return next();
    const key = `${options.keyPrefix}:${options.clientIp(c)}`;
    const result = await options.store.hit(key, clock(), options.windowMs, options.limit);
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(options.limit),
      "RateLimit-Remaining": String(result.remaining),
      "RateLimit-Reset": seconds(result.resetMs),
    };
    if (!result.allowed) {
      return errorResponse(c, 429, "rate_limited", "Too many requests; retry later", {
        ...headers,
        "Retry-After": seconds(result.retryAfterMs),
      });
    }
    await next();
    // Stacked limits (API + optimize family): report the one closest to refusing, not the last one.
    const reported = c.res.headers.get("RateLimit-Remaining");
    if (reported !== null && Number(reported) <= result.remaining) return;
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
