// The rate-limit store shared by every instance: the same exact sliding log as the in-memory
// store (rate-limit.ts), kept as a Redis sorted set per client key (score = request time) and
// updated atomically by one Lua script, so concurrent requests on different instances can never
// both take the last slot. Each key expires one window after its newest request.
import type { Redis } from "ioredis";
import { AppError } from "../core/errors.js";
import type { RateLimitResult, RateLimitStore } from "./rate-limit.js";

/**
 * KEYS[1] = the client key; ARGV = now (ms), window (ms), limit, a unique member.
 * Returns {allowed 0|1, remaining, resetMs, retryAfterMs} — the memory store's semantics:
 * requests at or before now − window have left; an accepted request is logged; a refused one is not.
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if limit <= 0 then
  return {0, 0, window, window}
end
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
  return {1, limit - count - 1, oldest + window - now, 0}
end
local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
local retry = oldest + window - now
return {0, 0, retry, retry}
`;

type SlidingWindowClient = Redis & {
  pfSlidingWindow(key: string, now: number, windowMs: number, limit: number, member: string): Promise<number[]>;
};

export interface RedisRateLimitStoreOptions {
  /** Prefix of every key (default "pf:rl:"). */
  keyPrefix?: string;
}

export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: SlidingWindowClient;
  readonly #prefix: string;
  #counter = 0;
  readonly #nonce = Math.random().toString(36).slice(2, 10);

  constructor(client: Redis, options: RedisRateLimitStoreOptions = {}) {
    if (!("pfSlidingWindow" in client)) {
      client.defineCommand("pfSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
    }
    this.#client = client as SlidingWindowClient;
    this.#prefix = options.keyPrefix ?? "pf:rl:";
  }

  async hit(key: string, now: number, windowMs: number, limit: number): Promise<RateLimitResult> {
    // Two requests in the same millisecond are two log entries: the member carries a counter.
    const member = `${now}-${this.#nonce}-${this.#counter++}`;
    let reply: number[];
    try {
      reply = await this.#client.pfSlidingWindow(this.#prefix + key, now, windowMs, limit, member);
    } catch (error) {
      throw new AppError(
        "service_unavailable",
        "Redis (REDIS_URL) is unreachable, so the rate limit cannot be checked; retry shortly.",
        { retryable: true, cause: error },
      );
    }
    const [allowed, remaining, resetMs, retryAfterMs] = reply.map(Number);
    return { allowed: allowed === 1, remaining, resetMs, retryAfterMs };
  }
}
