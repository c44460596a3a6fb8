// The internal-signing replay cache shared by every instance (REDIS_URL): one `SET key 1 NX PX`
// per authenticated request id — set only when absent, expiring with the id's signature window —
// so a signed request accepted by one instance is refused as a replay by every other one.
import type { Redis } from "ioredis";
import { AppError } from "../core/errors.js";
import type { SharedReplayCache } from "./internal-signing.js";

export interface RedisReplayCacheOptions {
  /** Prefix of every key (default "pf:replay:"). */
  keyPrefix?: string;
}

export function createRedisReplayCache(client: Redis, options: RedisReplayCacheOptions = {}): SharedReplayCache {
  const prefix = options.keyPrefix ?? "pf:replay:";
  return {
    async remember(id, expiresAt, now) {
      let reply: string | null;
      try {
        reply = await client.set(prefix + id, "1", "PX", Math.max(1, Math.ceil(expiresAt - now)), "NX");
      } catch (error) {
        throw new AppError(
          "service_unavailable",
          "Redis (REDIS_URL) is unreachable, so a signed request cannot be checked for replay; retry shortly.",
          { retryable: true, cause: error },
        );
      }
      return reply === "OK";
    },
  };
}
