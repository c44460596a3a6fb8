import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { hostGuard, isAllowedHost, originGuard } from "./host-guard.js";

const INVALID_HOST = { error: { code: "invalid_host", message: "Host not allowed" } };

function app(options: Partial<Parameters<typeof hostGuard>[0]> = {}) {
  const a = new Hono();
  a.use("*", hostGuard({ bindHost: "127.0.0.1", ...options }));
  a.get("/", (c) => c.text("ok"));
  return a;
}

const withHost = (a: Hono, host: string) => a.request(`http://${host}/`, { headers: { host } });

describe("hostGuard", () => {
  it.each(["127.0.0.1", "127.0.0.1:8000", "localhost", "localhost:8000", "LOCALHOST:8000", "[::1]", "[::1]:8000"])(
    "accepts loopback Host %s",
    async (host) => {
      expect((await withHost(app(), host)).status).toBe(200);
    },
  );

  it.each([
    "evil.example",
    "evil.example:8000",
    "localhost.evil.example",
    "127.0.0.1.nip.io:8000",
    "localhost.",
    "127.0.0.2:8000",
    "0.0.0.0:8000",
    "[::2]:8000",
  ])("refuses a rebinding Host %s with 403 invalid_host", async (host) => {
    const res = await withHost(app(), host);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(INVALID_HOST);
  });

  it("refuses a foreign Host header even when the URL looks local", async () => {
    const res = await app().request("http://localhost:8000/", { headers: { host: "evil.example:8000" } });
    expect(res.status).toBe(403);
  });

  it("accepts ALLOWED_HOSTS entries, with or without a port", async () => {
    const a = app({ allowedHosts: ["forge.lan", "box.lan:8000"] });
    expect((await withHost(a, "forge.lan")).status).toBe(200);
    expect((await withHost(a, "FORGE.LAN:1234")).status).toBe(200);
    expect((await withHost(a, "box.lan:8000")).status).toBe(200);
    expect((await withHost(a, "box.lan:9000")).status).toBe(403);
    expect((await withHost(a, "sub.forge.lan")).status).toBe(403);
  });

  it("is off when bound to a non-loopback address, unless forced", async () => {
    expect((await withHost(app({ bindHost: "0.0.0.0" }), "evil.example")).status).toBe(200);
    expect((await withHost(app({ bindHost: "0.0.0.0", enabled: true }), "evil.example")).status).toBe(403);
  });

  it.each(["::1", "localhost", "127.0.0.5"])("is on for loopback bind %s", async (bindHost) => {
    expect((await withHost(app({ bindHost }), "evil.example")).status).toBe(403);
  });

  it("treats a missing Host as not allowed", () => {
    expect(isAllowedHost(undefined)).toBe(false);
    expect(isAllowedHost("")).toBe(false);
  });
});

describe("originGuard", () => {
  const a = new Hono();
  a.use("/mcp", originGuard({ ports: [8000, 8001], allowedOrigins: ["https://forge.example.com"] }));
  a.post("/mcp", (c) => c.json({ ok: true }));
  const send = (headers: Record<string, string>) => a.request("/mcp", { method: "POST", headers });

  it.each(["https://evil.example", "null", "http://127.0.0.1:9999", "garbage", "http://localhost.evil.example:8001"])(
    "refuses Origin %s with 403",
    async (origin) => {
      const res = await send({ Origin: origin });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: { code: "forbidden", message: "Origin not allowed" } });
    },
  );

  it.each(["http://127.0.0.1:8001", "http://localhost:8000", "http://[::1]:8001", "https://forge.example.com"])(
    "allows Origin %s",
    async (origin) => {
      expect((await send({ Origin: origin })).status).toBe(200);
    },
  );

  it("allows clients that send no Origin (IDE agents)", async () => {
    expect((await send({})).status).toBe(200);
  });
});
