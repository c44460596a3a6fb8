// Control 5 — DNS rebinding: a loopback-bound server answers only to loopback Host values plus
// ALLOWED_HOSTS. Forged Host headers go over a raw socket (fetch will not send them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawGet, rawHttp, rawRequestText, type SecureServer, startSecureServer } from "./harness.js";

const INVALID_HOST = { error: { code: "invalid_host", message: "Host not allowed" } };

describe("Host guard", () => {
  let s: SecureServer;
  let allowed: SecureServer;
  beforeAll(async () => {
    [s, allowed] = await Promise.all([
      startSecureServer(),
      startSecureServer({ env: { ALLOWED_HOSTS: "promptforge.lan, box.internal:8443" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([s.close(), allowed.close()]);
  });

  it.each([
    "evil.example",
    "evil.example:80",
    "127.0.0.1.evil.example",
    "localhost.evil.example",
    "promptforge.lan",
    "0.0.0.0",
  ])("refuses Host: %s with 403 invalid_host", async (host) => {
    const res = await rawGet(s.port, "/api/health", { Host: host });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual(INVALID_HOST);
    // The refusal carries the security headers too.
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it("refuses a Host with userinfo before any route runs", async () => {
    const res = await rawGet(s.port, "/api/health", { Host: "127.0.0.1@evil.example" });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('"status"');
  });

  it("refuses a forged Host on every kind of route, state-changing ones included", async () => {
    const post = await rawHttp(
      s.port,
      rawRequestText(
        s.port,
        "POST",
        "/api/projects",
        { Host: "evil.example", "Content-Type": "application/json" },
        "{}",
      ),
    );
    expect(post.status).toBe(403);
    expect((await rawGet(s.port, "/docs", { Host: "evil.example" })).status).toBe(403);
    expect((await rawGet(s.port, "/openapi.json", { Host: "evil.example" })).status).toBe(403);
  });

  it("accepts the loopback names", async () => {
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `[::1]:${s.port}`, "LOCALHOST", "127.0.0.1"]) {
      const res = await rawGet(s.port, "/api/health", { Host: host });
      expect(res.status).toBe(200);
    }
  });

  it("honours ALLOWED_HOSTS (any port for a bare name, the exact port otherwise)", async () => {
    const ok = async (host: string) => (await rawGet(allowed.port, "/api/health", { Host: host })).status;
    expect(await ok("promptforge.lan")).toBe(200);
    expect(await ok(`promptforge.lan:${allowed.port}`)).toBe(200);
    expect(await ok("PromptForge.LAN")).toBe(200);
    expect(await ok("box.internal:8443")).toBe(200);
    expect(await ok("box.internal:8444")).toBe(403);
    expect(await ok("box.internal")).toBe(403);
    expect(await ok("promptforge.lan.evil.example")).toBe(403);
    expect(await ok("evil.example")).toBe(403);
  });
});
