// Control 3 — per-client sliding-window rate limiting with the default limits (60/min for the API,
// 10/min for the optimize family, counted separately), health never limited, X-Forwarded-For only
// behind TRUST_PROXY. The sliding window itself is driven with a fake clock through createHttpApp.
import fs from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { clientIpFrom, ipKey } from "../../src/security/client-ip.js";
import { MemoryRateLimitStore } from "../../src/security/rate-limit.js";
import { createHttpApp } from "../../src/server/app.js";
import {
  JSON_HEADERS,
  memoryLogger,
  type SecureServer,
  secureConfig,
  startSecureServer,
  tempDataDir,
} from "./harness.js";

const RATE_LIMITED = { error: { code: "rate_limited", message: "Too many requests; retry later" } };

describe("API limit with the defaults (RATE_LIMIT_RPM=60)", () => {
  let s: SecureServer;
  beforeAll(async () => {
    s = await startSecureServer();
  });
  afterAll(() => s.close());

  it("refuses the 61st request within a minute with 429, a JSON error, Retry-After and RateLimit-* headers", async () => {
    expect(s.config.rateLimitRpm).toBe(60);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 60; i++) {
      last = await s.fetch("/api/history");
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    expect(statuses.every((st) => st === 200)).toBe(true);
    expect(last?.headers.get("ratelimit-limit")).toBe("60");
    expect(last?.headers.get("ratelimit-remaining")).toBe("0");

    const refused = await s.fetch("/api/history");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual(RATE_LIMITED);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit-limit")).toBe("60");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    // Security headers are on the 429 too.
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");

    // Every /api route shares the budget; a fake X-Forwarded-For does not reset it (no TRUST_PROXY).
    expect((await s.fetch("/api/projects")).status).toBe(429);
    expect((await s.fetch("/api/history", { headers: { "X-Forwarded-For": "203.0.113.9" } })).status).toBe(429);
  });

  it("never limits GET /api/health", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await s.fetch("/api/health");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
      await res.arrayBuffer();
    }
  });
});

describe("optimize family limit (RATE_LIMIT_OPTIMIZE_RPM=10), counted separately", () => {
  let s: SecureServer;
  beforeAll(async () => {
    s = await startSecureServer({ env: { RATE_LIMIT_OPTIMIZE_RPM: "10" } });
  });
  afterAll(() => s.close());

  it("refuses the 11th POST /api/orchestrate/analyze while GET /api/history still works", async () => {
    const analyze = () =>
      s.fetch("/api/orchestrate/analyze", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ prompt: "Summarise this article in three bullet points." }),
      });
    for (let i = 0; i < 10; i++) {
      const res = await analyze();
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("10");
      await res.arrayBuffer();
    }
    const refused = await analyze();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual(RATE_LIMITED);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.headers.get("ratelimit-limit")).toBe("10");

    // The rest of the family shares the optimize budget…
    const optimize = await s.fetch("/api/optimize", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ prompt: "Write a haiku." }),
    });
    expect(optimize.status).toBe(429);
    // …while the general API limit (60) still has room.
    const history = await s.fetch("/api/history");
    expect(history.status).toBe(200);
    expect(history.headers.get("ratelimit-limit")).toBe("60");
    expect(Number(history.headers.get("ratelimit-remaining"))).toBeGreaterThan(40);
  });
});

describe("client identity: X-Forwarded-For", () => {
  let servers: SecureServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((x) => x.close()));
    servers = [];
  });

  const burst = async (s: SecureServer, n: number, xff?: string) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await s.fetch("/api/history", { headers: xff ? { "X-Forwarded-For": xff } : {} });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    return statuses;
  };

  it("is ignored without TRUST_PROXY: rotating the header does not escape the limit", async () => {
    const s = await startSecureServer({ env: { RATE_LIMIT_RPM: "3" } });
    servers.push(s);
    expect(await burst(s, 3, "198.51.100.1")).toEqual([200, 200, 200]);
    expect(await burst(s, 1, "198.51.100.2")).toEqual([429]);
    expect(await burst(s, 1, "198.51.100.3, 198.51.100.4")).toEqual([429]);
  });

  it("is honoured with TRUST_PROXY: each forwarded client has its own budget (right-most entry)", async () => {
    const s = await startSecureServer({ env: { RATE_LIMIT_RPM: "3", TRUST_PROXY: "true" } });
    servers.push(s);
    expect(await burst(s, 4, "198.51.100.1")).toEqual([200, 200, 200, 429]);
    expect(await burst(s, 1, "198.51.100.2")).toEqual([200]);
    // The left-most entry is client-controlled: spoofing it does not create a new budget.
    expect(await burst(s, 1, "10.9.9.9, 198.51.100.1")).toEqual([429]);
  });
});

describe("sliding window (fake clock through createHttpApp)", () => {
  it("keeps refusing until each request of a burst is a full window old — no fixed-window reset", async () => {
    const dataDir = tempDataDir();
    const app = await createApp(secureConfig(dataDir), { logger: memoryLogger().logger });
    try {
      let now = 1_700_000_000_000;
      const { http } = createHttpApp(app, { clock: () => now, rateLimitStore: new MemoryRateLimitStore() });
      const get = async () => (await http.request("/api/history")).status;

      const start = now;
      for (let i = 0; i < 60; i++) {
        now = start + i * 10; // 60 requests within the first 600 ms
        expect(await get()).toBe(200);
      }
      now = start + 59_000;
      const refused = await http.request("/api/history");
      expect(refused.status).toBe(429);
      // The oldest request leaves the window at start + 60 s: one second from now.
      expect(refused.headers.get("retry-after")).toBe("1");
      now = start + 61_000;
      expect(await get()).toBe(200);

      // 30 at t=100 s and 30 at t=140 s: at t=161 s only the first 30 have left the window.
      // A fixed window starting at 120 s or 160 s would hand out a fresh 60.
      const base = start + 100_000;
      const app2 = createHttpApp(app, { clock: () => now, rateLimitStore: new MemoryRateLimitStore() }).http;
      for (let i = 0; i < 30; i++) {
        now = base + i;
        expect((await app2.request("/api/history")).status).toBe(200);
      }
      for (let i = 0; i < 30; i++) {
        now = base + 40_000 + i;
        expect((await app2.request("/api/history")).status).toBe(200);
      }
      now = base + 61_000;
      const afterFirstHalf: number[] = [];
      for (let i = 0; i < 31; i++) afterFirstHalf.push((await app2.request("/api/history")).status);
      expect(afterFirstHalf.slice(0, 30).every((st) => st === 200)).toBe(true);
      expect(afterFirstHalf[30]).toBe(429);
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("client key normalisation (unit level)", () => {
  it("groups IPv6 clients by /64 and unwraps IPv4-mapped addresses", () => {
    const a = clientIpFrom({ socketAddress: "2001:db8:1:2::1", trustProxy: false });
    const b = clientIpFrom({ socketAddress: "2001:db8:1:2:ffff:ffff:ffff:fffe", trustProxy: false });
    const other = clientIpFrom({ socketAddress: "2001:db8:1:3::1", trustProxy: false });
    expect(a).toBe("2001:db8:1:2::/64");
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(clientIpFrom({ socketAddress: "::ffff:192.0.2.7", trustProxy: false })).toBe("192.0.2.7");
    expect(clientIpFrom({ socketAddress: "::ffff:c000:207", trustProxy: false })).toBe("192.0.2.7");
    expect(ipKey("[2001:DB8:1:2::9]")).toBe("2001:db8:1:2::/64");
    expect(ipKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("uses X-Forwarded-For only when trusted, and never a junk entry", () => {
    expect(clientIpFrom({ socketAddress: "127.0.0.1", forwardedFor: "203.0.113.5", trustProxy: false })).toBe(
      "127.0.0.1",
    );
    expect(clientIpFrom({ socketAddress: "127.0.0.1", forwardedFor: "1.1.1.1, 203.0.113.5", trustProxy: true })).toBe(
      "203.0.113.5",
    );
    expect(clientIpFrom({ socketAddress: "127.0.0.1", forwardedFor: "not-an-ip", trustProxy: true })).toBe("127.0.0.1");
  });
});
