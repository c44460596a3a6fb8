// Control 4 — CSRF for state-changing requests: Fetch Metadata, then the Origin allow-list (our
// loopback origins + PUBLIC_URL), no browser headers → allowed, JSON-only bodies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawHttp, rawRequestText, type SecureServer, startSecureServer } from "./harness.js";

const FORBIDDEN = { error: { code: "forbidden", message: "Cross-site request refused" } };
const HIGH_LIMITS = { RATE_LIMIT_RPM: "100000", RATE_LIMIT_OPTIMIZE_RPM: "100000" };
let counter = 0;

describe("CSRF", () => {
  let s: SecureServer;
  let proxied: SecureServer;
  beforeAll(async () => {
    [s, proxied] = await Promise.all([
      startSecureServer({ env: { ...HIGH_LIMITS, PUBLIC_URL: "https://promptforge.example.com/app" } }),
      startSecureServer({ env: { ...HIGH_LIMITS, TRUST_PROXY: "true" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([s.close(), proxied.close()]);
  });

  const create = (server: SecureServer, headers: Record<string, string>, contentType = "application/json") =>
    server.fetch("/api/projects", {
      method: "POST",
      headers: { "Content-Type": contentType, ...headers },
      body: JSON.stringify({ name: `csrf-${++counter}` }),
    });

  it("refuses Sec-Fetch-Site: cross-site (and same-site) with 403", async () => {
    for (const site of ["cross-site", "same-site", "CROSS-SITE"]) {
      const res = await create(s, { "Sec-Fetch-Site": site });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(FORBIDDEN);
    }
  });

  it("allows Sec-Fetch-Site: same-origin and none", async () => {
    expect((await create(s, { "Sec-Fetch-Site": "same-origin", Origin: s.url })).status).toBe(201);
    expect((await create(s, { "Sec-Fetch-Site": "none" })).status).toBe(201);
  });

  it.each([
    ["null", "null"],
    ["a foreign origin", "https://evil.example"],
    ["our host on another port", "http://127.0.0.1:1"],
    ["a look-alike", "http://127.0.0.1.evil.example"],
    ["an unparseable value", "not a url"],
    ["a non-http scheme", "file://"],
  ])("refuses Origin %s with 403", async (_label, origin) => {
    const res = await create(s, { Origin: origin });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(FORBIDDEN);
  });

  it("allows our own loopback origins and PUBLIC_URL's origin", async () => {
    for (const origin of [s.url, `http://localhost:${s.port}`, `http://[::1]:${s.port}`]) {
      expect((await create(s, { Origin: origin })).status).toBe(201);
    }
    expect((await create(s, { Origin: "https://promptforge.example.com" })).status).toBe(201);
  });

  it("allows requests with no browser headers at all (CLI, SDKs)", async () => {
    expect((await create(s, {})).status).toBe(201);
  });

  it("checks every state-changing method, not only POST", async () => {
    const created = (await (await create(s, {})).json()) as { id: string };
    const put = await s.fetch(`/api/projects/${created.id}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Origin: "https://evil.example" },
      body: JSON.stringify({ description: "x" }),
    });
    expect(put.status).toBe(403);
    const del = await s.fetch(`/api/projects/${created.id}`, {
      method: "DELETE",
      headers: { "Sec-Fetch-Site": "cross-site" },
    });
    expect(del.status).toBe(403);
    // Safe methods are not state-changing: a cross-site GET is answered (the browser hides it).
    expect((await s.fetch("/api/projects", { headers: { "Sec-Fetch-Site": "cross-site" } })).status).toBe(200);
  });

  it("requires application/json bodies: text/plain, forms and multipart get 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await create(s, {}, type);
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({
        error: { code: "unsupported_media_type", message: "Request body must be application/json" },
      });
    }
    // A body with no Content-Type at all is refused too (raw socket: fetch would add text/plain).
    const raw = await rawHttp(
      s.port,
      rawRequestText(s.port, "POST", "/api/projects", {}, JSON.stringify({ name: `csrf-${++counter}` })),
    );
    expect(raw.status).toBe(415);
  });

  it("accepts JSON media types case-insensitively and with parameters", async () => {
    expect((await create(s, {}, "Application/JSON; Charset=UTF-8")).status).toBe(201);
    expect((await create(s, {}, "application/json;charset=utf-8")).status).toBe(201);
  });

  it("ignores X-Forwarded-Host / -Proto without TRUST_PROXY and honours them with it", async () => {
    const forwarded = {
      Origin: "https://app.example.org",
      "X-Forwarded-Host": "app.example.org",
      "X-Forwarded-Proto": "https",
    };
    const untrusted = await create(s, forwarded);
    expect(untrusted.status).toBe(403);
    expect(await untrusted.json()).toEqual(FORBIDDEN);
    expect((await create(proxied, forwarded)).status).toBe(201);
    // Even behind a proxy, an Origin that is not the forwarded host is refused.
    expect((await create(proxied, { ...forwarded, Origin: "https://evil.example" })).status).toBe(403);
  });
});
