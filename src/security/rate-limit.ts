// Per-client sliding-window rate limiting. The memory store keeps an exact sliding log (the
// timestamps of the accepted requests still inside the window), so a burst at t≈0 keeps the
// client refused until each of those requests is a full window old — no fixed-window reset.
import type { Context, MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response.js";
import { setResponseHeader } from "./response-header.js";

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
  /** Accepted request times, oldest first, from index `head` on; never more than the limit of them. */
  log: number[];
  /** Entries before `head` have left the window (dropped lazily, so a hit never shifts the array). */
  head: number;
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
    else entry = { log: [], head: 0 };
    const horizon = now - windowMs;
    let head = entry.head;
    while (head < entry.log.length && entry.log[head] <= horizon) head++;
    if (head > 0 && (head === entry.log.length || head * 2 > entry.log.length)) {
      entry.log = entry.log.slice(head);
      head = 0;
    }
    entry.head = head;
    const log = entry.log;
    const count = log.length - head;

    let result: RateLimitResult;
    if (limit <= 0) {
      result = { allowed: false, remaining: 0, resetMs: windowMs, retryAfterMs: windowMs };
    } else if (count < limit) {
      log.push(now);
      result = { allowed: true, remaining: limit - count - 1, resetMs: log[head] + windowMs - now, retryAfterMs: 0 };
    } else {
      // The oldest logged request leaves the window at log[head] + windowMs; that frees one slot.
      const retryAfterMs = log[head] + windowMs - now;
      result = { allowed: false, remaining: 0, resetMs: retryAfterMs, retryAfterMs };
    }
    if (log.length > head) this.#entries.set(key, entry);
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

/** Context key of the `RateLimit-Remaining` a limit has put on this response (the lowest wins). */
const REPORTED_REMAINING = "rateLimitReportedRemaining";

const seconds = (ms: number): string => String(Math.max(0, Math.ceil(ms / 1000)));

/** 429 `rate_limited` with `Retry-After`; `RateLimit-Limit/-Remaining/-Reset` on every counted response. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const clock = options.clock ?? Date.now;
  const limitHeader = String(options.limit);
  const prefix = `${options.keyPrefix}:`;
  // The in-memory store answers synchronously; skipping its promise saves a microtask per request.
  const store = options.store;
  const memory = store instanceof MemoryRateLimitStore ? store : null;
  const skip = options.skip;
  const limited: MiddlewareHandler = async (c, next) => {
    const key = prefix + options.clientIp(c);
    const now = clock();
    const result = memory
      ? memory.hitSync(key, now, options.windowMs, options.limit)
      : await store.hit(key, now, options.windowMs, options.limit);
    const remaining = String(result.remaining);
    const reset = seconds(result.resetMs);
    if (!result.allowed) {
      c.set(REPORTED_REMAINING, result.remaining);
      return errorResponse(c, 429, "rate_limited", "Too many requests; retry later", {
        "RateLimit-Limit": limitHeader,
        "RateLimit-Remaining": remaining,
        "RateLimit-Reset": reset,
        "Retry-After": seconds(result.retryAfterMs),
      });
    }
    await next();
    // Stacked limits (API + optimize family): report the one closest to refusing, not the last one.
    // What an inner limit reported is kept on the context: reading it back from the response's
    // headers would build a web Headers object for every request.
    const reported = c.get(REPORTED_REMAINING) as number | undefined;
    if (reported !== undefined && reported <= result.remaining) return;
    c.set(REPORTED_REMAINING, result.remaining);
    setResponseHeader(c, "RateLimit-Limit", limitHeader);
    setResponseHeader(c, "RateLimit-Remaining", remaining);
    setResponseHeader(c, "RateLimit-Reset", reset);
  };
  // A skipped request goes straight on, without an async frame of its own.
  return skip === undefined ? limited : (c, next) => (skip(c) ? next() : limited(c, next));
}
