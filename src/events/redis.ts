// The one Redis connection of an instance (REDIS_URL), shared by the rate limiter, the replay
// cache and health. Commands fail fast while Redis is unreachable (no offline queue, one try):
// the caller answers 503 instead of hanging, and ioredis keeps reconnecting in the background,
// so the instance recovers by itself when Redis returns.
import { createRequire } from "node:module";
import type { Redis } from "ioredis";

/** ioredis loads only when REDIS_URL is set: a start without Redis does not load its ~55 modules. */
const requireIoredis = () => createRequire(import.meta.url)("ioredis") as typeof import("ioredis");

export interface RedisConnection {
  readonly client: Redis;
  /** True while connected and ready. */
  readonly ready: boolean;
  /** One PING within `timeoutMs`; false when Redis does not answer. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  /** Called on connection errors (deduplicated: once per outage, not per reconnect attempt). */
  onError?: (error: Error) => void;
  onReady?: () => void;
}

export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): RedisConnection {
  const { Redis: RedisClient } = requireIoredis();
  const client = new RedisClient(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    // Reconnect quickly at first, then every second at most.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    options.onError?.(error);
  });
  client.on("ready", () => {
    if (down) options.onReady?.();
    down = false;
  });
  return {
    client,
    get ready() {
      return client.status === "ready";
    },
    async ping(timeoutMs = 1000) {
      if (client.status !== "ready") return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await Promise.race([
          client.ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
          }),
        ]);
        return answer === "PONG";
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
