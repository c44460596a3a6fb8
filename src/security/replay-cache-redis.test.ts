// The Redis replay cache behind the real internalAuth middleware: two Hono apps with their own
// Redis connections stand for two instances — a signed request accepted by one is refused as a
// replay by the other; the key expires with the signature window; Redis down answers 503.
import { Hono } from "hono";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisService, redisService, requireService } from "../../test/helpers/services.js";
import { internalAuth, signRequest } from "./internal-signing.js";
import { createRedisReplayCache } from "./replay-cache-redis.js";

const availability = await redisService();
const ready = requireService("Redis", availability);
const SECRET = "replay-cache-redis-test-secret-0123456789";

describe.skipIf(!ready)("createRedisReplayCache", () => {
  let service: RedisService;
  const clients: Redis[] = [];
  const instance = (prefix: string) => {
    const client = new Redis(service.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on("error", () => undefined);
    clients.push(client);
    const app = new Hono();
    app.use(
      "/internal/*",
      internalAuth({ secret: SECRET, replayCache: createRedisReplayCache(client, { keyPrefix: prefix }) }),
    );
    app.post("/internal/ping", (c) => c.json({ ok: true }));
    return { app, client };
  };
  const send = (app: Hono, headers: Record<string, string>, body: string) =>
    app.request("/internal/ping", { method: "POST", headers, body });
  beforeAll(() => {
    service = availability.service as RedisService;
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await service?.stop();
  });

  it("refuses on a second instance a request the first accepted, with the key expiring after the window", async () => {
    const prefix = `t:replay:${Date.now()}:`;
    const a = instance(prefix);
    const b = instance(prefix);
    await Promise.all([a, b].map((i) => new Promise((r) => i.client.once("ready", r))));
    const body = '{"n":1}';
    const headers = signRequest({ secret: SECRET, method: "POST", path: "/internal/ping", body });
    expect((await send(a.app, headers, body)).status).toBe(200);
    const replayed = await send(b.app, headers, body);
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await send(a.app, headers, body)).status).toBe(401);
    const ttl = await a.client.pttl(`${prefix}${headers["X-PF-Request-Id"]}`);
    expect(ttl).toBeGreaterThan(4 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(5 * 60 * 1000 + 1000);
    // A new signature (a new request id) goes through on either.
    const fresh = signRequest({ secret: SECRET, method: "POST", path: "/internal/ping", body });
    expect((await send(b.app, fresh, body)).status).toBe(200);
  });

  it.skipIf(!availability.service?.owned)(
    "answers 503 service_unavailable while Redis is down, never lets it through",
    async () => {
      const a = instance(`t:down:${Date.now()}:`);
      await new Promise((r) => a.client.once("ready", r));
      await service.stop();
      try {
        const body = "{}";
        const res = await send(
          a.app,
          signRequest({ secret: SECRET, method: "POST", path: "/internal/ping", body }),
          body,
        );
        expect(res.status).toBe(503);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");
      } finally {
        await service.start();
      }
    },
  );
});
