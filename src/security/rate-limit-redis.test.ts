// The Redis rate-limit store against a real redis-server: the memory store's exact semantics
// (checked side by side on the same hit sequence), one shared window for several clients, TTLs,
// and a clear 503 error while Redis is down, recovering when it returns.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisService, redisService, requireService } from "../../test/helpers/services.js";
import { isAppError } from "../core/errors.js";
import { createRedisConnection } from "../events/redis.js";
import { MemoryRateLimitStore } from "./rate-limit.js";
import { RedisRateLimitStore } from "./rate-limit-redis.js";

const availability = await redisService();
const ready = requireService("Redis", availability);

describe.skipIf(!ready)("RedisRateLimitStore", () => {
  let service: RedisService;
  let client: Redis;
  beforeAll(() => {
    service = availability.service as RedisService;
    client = new Redis(service.url, { maxRetriesPerRequest: 1 });
    client.on("error", () => undefined);
  });
  afterAll(async () => {
    client?.disconnect();
    await service?.stop();
  });

  it("gives the same answers as the memory store for the same hits", async () => {
    const redis = new RedisRateLimitStore(client, { keyPrefix: `t1:${Date.now()}:` });
    const memory = new MemoryRateLimitStore();
    const window = 60_000;
    // A burst, a refused stretch, requests leaving the window one by one, exact edges.
    const times = [0, 0, 1, 2, 10_000, 30_000, 59_999, 60_000, 60_001, 60_002, 70_000, 90_000, 120_001, 125_000];
    for (const t of times) {
      const now = 1_700_000_000_000 + t;
      expect(await redis.hit("client", now, window, 5), `t=${t}`).toEqual(await memory.hit("client", now, window, 5));
    }
    expect(await redis.hit("zero", 1, window, 0)).toEqual(await memory.hit("zero", 1, window, 0));
  });

  it("shares one window between stores (instances) on the same Redis, atomically", async () => {
    const prefix = `t2:${Date.now()}:`;
    const a = new RedisRateLimitStore(client, { keyPrefix: prefix });
    const other = new Redis(service.url);
    other.on("error", () => undefined);
    try {
      const b = new RedisRateLimitStore(other, { keyPrefix: prefix });
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 61 }, (_, i) => (i % 2 === 0 ? a : b).hit("ip", now, 60_000, 60)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(60);
      expect(results.filter((r) => !r.allowed)).toHaveLength(1);
      const ttl = await client.pttl(`${prefix}ip`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      other.disconnect();
    }
  });

  it.skipIf(!availability.service?.owned)(
    "fails with a clear 503 while Redis is down and recovers when it returns",
    async () => {
      const conn = createRedisConnection(service.url);
      const store = new RedisRateLimitStore(conn.client, { keyPrefix: `t3:${Date.now()}:` });
      try {
        for (let i = 0; i < 50 && !conn.ready; i++) await new Promise((r) => setTimeout(r, 20));
        expect((await store.hit("ip", Date.now(), 60_000, 10)).allowed).toBe(true);
        await service.stop();
        const error = await store.hit("ip", Date.now(), 60_000, 10).catch((e: unknown) => e);
        expect(isAppError(error) && error.status).toBe(503);
        expect((error as Error).message).toMatch(/Redis \(REDIS_URL\) is unreachable/);
        expect(await conn.ping()).toBe(false);
        await service.start();
        for (let i = 0; i < 100 && !(await conn.ping()); i++) await new Promise((r) => setTimeout(r, 50));
        expect((await store.hit("ip", Date.now(), 60_000, 10)).allowed).toBe(true);
      } finally {
        await conn.close();
      }
    },
  );
});
