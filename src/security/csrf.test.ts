import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { csrf } from "./csrf.js";

const FORBIDDEN = { error: { code: "forbidden", message: "Cross-site request refused" } };

function app(options: Partial<Parameters<typeof csrf>[0]> = {}) {
  const a = new Hono();
  a.use("*", csrf({ port: 8000, publicUrls: ["https://forge.example.com/"], ...options }));
  a.get("/api/history", (c) => c.json({ ok: true }));
  a.on(["POST", "PUT", "PATCH", "DELETE"], "/api/projects", (c) => c.json({ ok: true }));
  return a;
}

const post = (headers: Record<string, string>, method = "POST") => app().request("/api/projects", { method, headers });

async function expectForbidden(res: Response) {
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual(FORBIDDEN);
}

describe("csrf", () => {
  it.each(["cross-site", "same-site", "CROSS-SITE", "garbage"])("refuses Sec-Fetch-Site: %s with 403", async (site) => {
    await expectForbidden(await post({ "Sec-Fetch-Site": site, Origin: "http://127.0.0.1:8000" }));
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("refuses a cross-site %s", async (method) => {
    await expectForbidden(await post({ "Sec-Fetch-Site": "cross-site" }, method));
  });

  it.each(["same-origin", "none"])("allows Sec-Fetch-Site: %s with our Origin", async (site) => {
    expect((await post({ "Sec-Fetch-Site": site, Origin: "http://127.0.0.1:8000" })).status).toBe(200);
  });

  it.each([
    ["foreign", "https://evil.example"],
    ["null", "null"],
    ["unparseable", "not a url"],
    ["non-http scheme", "file://"],
    ["another loopback port", "http://127.0.0.1:9999"],
    ["lookalike public host", "https://forge.example.com.evil.example"],
    ["public host over http", "http://forge.example.com"],
  ])("refuses a %s Origin even when Sec-Fetch-Site says same-origin", async (_label, origin) => {
    await expectForbidden(await post({ "Sec-Fetch-Site": "same-origin", Origin: origin }));
    await expectForbidden(await post({ Origin: origin }));
  });

  it.each([
    "http://127.0.0.1:8000",
    "http://localhost:8000",
    "http://[::1]:8000",
    "https://forge.example.com",
    "HTTPS://FORGE.EXAMPLE.COM:443",
  ])("allows Origin %s", async (origin) => {
    expect((await post({ Origin: origin })).status).toBe(200);
  });

  it("allows a request with no browser headers at all (CLI, SDK)", async () => {
    expect((await post({})).status).toBe(200);
  });

  it("does not check safe methods", async () => {
    const res = await app().request("/api/history", { headers: { "Sec-Fetch-Site": "cross-site", Origin: "null" } });
    expect(res.status).toBe(200);
  });

  it("ignores X-Forwarded-Host unless trustProxy", async () => {
    const headers = {
      Origin: "https://proxy.example",
      "X-Forwarded-Host": "proxy.example",
      "X-Forwarded-Proto": "https",
    };
    await expectForbidden(await app().request("/api/projects", { method: "POST", headers }));
    const trusted = await app({ trustProxy: true }).request("/api/projects", { method: "POST", headers });
    expect(trusted.status).toBe(200);
  });
});
