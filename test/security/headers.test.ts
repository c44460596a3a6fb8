// Control 6 — security headers on every response: normal, 404, 422, 405, 401, static /docs assets;
// Cache-Control: no-store on the API; no X-Powered-By; HSTS only over HTTPS (trusted proxy).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/security/headers.js";
import { JSON_HEADERS, type SecureServer, startSecureServer } from "./harness.js";

const HIGH_LIMITS = { RATE_LIMIT_RPM: "100000", RATE_LIMIT_OPTIMIZE_RPM: "100000" };

function expectSecurityHeaders(res: Response): void {
  const h = res.headers;
  const csp = h.get("content-security-policy") ?? "";
  expect(csp).toBe(CONTENT_SECURITY_POLICY);
  for (const directive of ["default-src 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]) {
    expect(csp).toContain(directive);
  }
  expect(h.get("x-frame-options")).toBe("DENY");
  expect(h.get("x-content-type-options")).toBe("nosniff");
  expect(h.get("referrer-policy")).toBe("no-referrer");
  expect(h.get("permissions-policy")).toMatch(/camera=\(\)/);
  expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(h.get("cross-origin-resource-policy")).toBe("same-origin");
  expect(h.get("x-powered-by")).toBeNull();
  expect(h.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
}

describe("security headers", () => {
  let s: SecureServer;
  let proxied: SecureServer;
  let authed: SecureServer;
  beforeAll(async () => {
    [s, proxied, authed] = await Promise.all([
      startSecureServer({ env: HIGH_LIMITS }),
      startSecureServer({ env: { ...HIGH_LIMITS, TRUST_PROXY: "true" } }),
      startSecureServer({ env: { ...HIGH_LIMITS, AUTH_TOKEN: "headers-test-token-123" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([s.close(), proxied.close(), authed.close()]);
  });

  it("on a normal API response, with Cache-Control: no-store", async () => {
    const res = await s.fetch("/api/history");
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("on a 404 (API and elsewhere)", async () => {
    const api = await s.fetch("/api/no-such-route");
    expect(api.status).toBe(404);
    expectSecurityHeaders(api);
    expect(api.headers.get("cache-control")).toBe("no-store");
    const other = await s.fetch("/no-such-page");
    expect(other.status).toBe(404);
    expectSecurityHeaders(other);
  });

  it("on a 422 validation error", async () => {
    const res = await s.fetch("/api/projects", { method: "POST", headers: JSON_HEADERS, body: "{}" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_error");
    expectSecurityHeaders(res);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("on a 405, a 400 (bad JSON) and a 401", async () => {
    const notAllowed = await s.fetch("/api/history", { method: "PATCH" });
    expect(notAllowed.status).toBe(405);
    expectSecurityHeaders(notAllowed);
    const badJson = await s.fetch("/api/projects", { method: "POST", headers: JSON_HEADERS, body: "{" });
    expect(badJson.status).toBe(400);
    expectSecurityHeaders(badJson);
    const unauthorized = await authed.fetch("/api/history");
    expect(unauthorized.status).toBe(401);
    expectSecurityHeaders(unauthorized);
    expect(unauthorized.headers.get("cache-control")).toBe("no-store");
  });

  it("on the /docs page and its static assets (which the CSP does not break)", async () => {
    for (const [pathname, type] of [
      ["/docs", /^text\/html/],
      ["/docs/init.js", /^text\/javascript/],
      ["/docs/swagger-ui-bundle.js", /^text\/javascript/],
      ["/docs/swagger-ui.css", /^text\/css/],
      ["/docs/favicon-32x32.png", /^image\/png/],
      ["/openapi.json", /^application\/json/],
    ] as const) {
      const res = await s.fetch(pathname);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(type);
      expectSecurityHeaders(res);
      expect(res.headers.get("cache-control")).not.toBe("no-store");
      const text = await res.text();
      if (pathname === "/docs") {
        // script-src 'self' / style-src 'self': no inline script or style.
        expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
        expect(text).not.toMatch(/<style[\s>]/i);
      }
    }
  });

  it("sends HSTS only over HTTPS: never over plain http, only with TRUST_PROXY + X-Forwarded-Proto: https", async () => {
    expect((await s.fetch("/api/health")).headers.get("strict-transport-security")).toBeNull();
    const spoofed = await s.fetch("/api/health", { headers: { "X-Forwarded-Proto": "https" } });
    expect(spoofed.headers.get("strict-transport-security")).toBeNull();
    expect((await proxied.fetch("/api/health")).headers.get("strict-transport-security")).toBeNull();
    const https = await proxied.fetch("/api/health", { headers: { "X-Forwarded-Proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expectSecurityHeaders(https);
  });
});
