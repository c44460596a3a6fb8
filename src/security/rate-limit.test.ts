import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { MemoryRateLimitStore, rateLimit } from "./rate-limit.js";

const SEC = 1000;

function setup(limit = 60, windowMs = 60 * SEC) {
  let now = 1_700_000_000_000;
  const t0 = now;
  const store = new MemoryRateLimitStore();
  const app = new Hono();
  app.use(
    "/api/*",
    rateLimit({
      limit,
      windowMs,
      store,
      keyPrefix: "api",
      clientIp: (c) => c.req.header("x-test-ip") ?? "1.1.1.1",
      clock: () => now,
      skip: (c) => c.req.path === "/api/health",
    }),
  );
  app.get("/api/history", (c) => c.json({ ok: true }));
  app.get("/api/health", (c) => c.json({ ok: true }));
  app.get("/api/boom", () => {
    throw new Error("boom");
  });
  app.onError((_err, c) => c.json({ error: { code: "internal_error", message: "Internal error" } }, 500));
  return {
    app,
    store,
    at: (seconds: number) => {
      now = t0 + seconds * SEC;
    },
    get: (ip = "1.1.1.1") => app.request("/api/history", { headers: { "x-test-ip": ip } }),
  };
}

describe("rateLimit (sliding window)", () => {
  it("refuses the 61st request at t=59 s after 60 at t≈0, and allows it at t=61 s", async () => {
    const { at, get } = setup();
    for (let i = 0; i < 60; i++) {
      at(i / 1000);
      expect((await get()).status).toBe(200);
    }
    at(59);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("ratelimit-limit")).toBe("60");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(await refused.json()).toEqual({
      error: { code: "rate_limited", message: "Too many requests; retry later" },
    });
    at(61);
    expect((await get()).status).toBe(200);
  });

  it("is not a fixed window: a burst straddling a minute boundary stays limited", async () => {
    const { at, get } = setup(10);
    at(50);
    for (let i = 0; i < 10; i++) expect((await get()).status).toBe(200);
    at(65); // a fixed window would have reset at t=60
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("45");
  });

  it("frees capacity one request at a time as entries age out", async () => {
    const { at, get } = setup(3);
    at(0);
    await get();
    at(10);
    await get();
    at(20);
    await get();
    at(59);
    expect((await get()).status).toBe(429);
    at(60);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);
    at(70);
    expect((await get()).status).toBe(200);
  });

  it("does not count refused requests", async () => {
    const { at, get } = setup(2);
    at(0);
    await get();
    await get();
    for (let i = 0; i < 50; i++) {
      at(1 + i);
      expect((await get()).status).toBe(429);
    }
    at(60);
    expect((await get()).status).toBe(200);
  });

  it("sets RateLimit headers on allowed responses", async () => {
    const { at, get } = setup(5);
    at(0);
    await get();
    at(30);
    const res = await get();
    expect(res.headers.get("ratelimit-limit")).toBe("5");
    expect(res.headers.get("ratelimit-remaining")).toBe("3");
    expect(res.headers.get("ratelimit-reset")).toBe("30");
  });

  it("sets RateLimit headers even when the handler throws", async () => {
    const { app } = setup(5);
    const res = await app.request("/api/boom");
    expect(res.status).toBe(500);
    expect(res.headers.get("ratelimit-remaining")).toBe("4");
  });

  it("counts clients separately", async () => {
    const { get } = setup(1);
    expect((await get("1.1.1.1")).status).toBe(200);
    expect((await get("1.1.1.1")).status).toBe(429);
    expect((await get("2.2.2.2")).status).toBe(200);
  });

  it("skips the health check", async () => {
    const { app } = setup(1);
    for (let i = 0; i < 5; i++) expect((await app.request("/api/health")).status).toBe(200);
  });

  it("keeps separate limits for different key prefixes on one store", async () => {
    const store = new MemoryRateLimitStore();
    expect((await store.hit("api:1.1.1.1", 0, 60_000, 1)).allowed).toBe(true);
    expect((await store.hit("optimize:1.1.1.1", 0, 60_000, 1)).allowed).toBe(true);
    expect((await store.hit("api:1.1.1.1", 0, 60_000, 1)).allowed).toBe(false);
  });
});

describe("MemoryRateLimitStore", () => {
  it("stays at its default cap with 100 000 distinct keys", () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 100_000; i++) store.hitSync(`api:key-${i}`, i, 60_000, 60);
    expect(store.size).toBe(50_000);
    expect(store.size).toBe(store.maxKeys);
  });

  it("stays at a configured cap", async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 10_000 });
    for (let i = 0; i < 100_000; i++) await store.hit(`api:key-${i}`, i, 60_000, 60);
    expect(store.size).toBe(10_000);
  });

  it("evicts the least recently used key first", async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 2 });
    await store.hit("a", 0, 60_000, 1);
    await store.hit("b", 0, 60_000, 1);
    await store.hit("a", 1, 60_000, 1); // refused, but touches a
    await store.hit("c", 2, 60_000, 1); // evicts b
    expect((await store.hit("a", 3, 60_000, 1)).allowed).toBe(false);
    expect((await store.hit("b", 3, 60_000, 1)).allowed).toBe(true);
  });

  it("reports remaining, reset and retry-after", async () => {
    const store = new MemoryRateLimitStore();
    expect(await store.hit("k", 0, 1000, 2)).toEqual({ allowed: true, remaining: 1, resetMs: 1000, retryAfterMs: 0 });
    expect(await store.hit("k", 400, 1000, 2)).toEqual({ allowed: true, remaining: 0, resetMs: 600, retryAfterMs: 0 });
    expect(await store.hit("k", 500, 1000, 2)).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 500,
      retryAfterMs: 500,
    });
  });
});
