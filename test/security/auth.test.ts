// Control 1 — API bearer authentication (AUTH_TOKEN) and the browser session cookie, against the
// real server. Traversal and encoded paths go over raw sockets: fetch would normalise them first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, JSON_HEADERS, rawGet, type SecureServer, startSecureServer } from "./harness.js";

const TOKEN = "api-token-auth-test-7c41d9";
const UNAUTHORIZED = { error: { code: "unauthorized", message: "Authentication required" } };
const HIGH_LIMITS = { RATE_LIMIT_RPM: "100000", RATE_LIMIT_OPTIMIZE_RPM: "100000" };

describe("API bearer auth (AUTH_TOKEN set)", () => {
  let s: SecureServer;
  beforeAll(async () => {
    s = await startSecureServer({ env: { AUTH_TOKEN: TOKEN, ...HIGH_LIMITS } });
  });
  afterAll(() => s.close());

  it("answers a missing and a wrong token with the identical 401 body and WWW-Authenticate: Bearer", async () => {
    const missing = await s.fetch("/api/history");
    const wrong = await s.fetch("/api/history", { headers: { Authorization: "Bearer not-the-token" } });
    const basic = await s.fetch("/api/history", { headers: { Authorization: `Basic ${TOKEN}` } });
    const bodies: unknown[] = [];
    for (const res of [missing, wrong, basic]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="promptforge"');
      bodies.push(await res.json());
    }
    expect(bodies).toEqual([UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED]);
  });

  it("accepts the right bearer token", async () => {
    const res = await s.fetch("/api/history", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it("never accepts the token in the query string", async () => {
    for (const q of [`token=${TOKEN}`, `access_token=${TOKEN}`, `auth=${TOKEN}`, `authorization=Bearer%20${TOKEN}`]) {
      const res = await s.fetch(`/api/history?${q}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
  });

  it("leaves GET /api/health open (and HEAD), but not other methods on it", async () => {
    const res = await s.fetch("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
    expect((await s.fetch("/api/health", { method: "HEAD" })).status).toBe(200);
  });

  it.each([
    // [raw request target, expected status, expected error code]
    ["/API/history", 401, "unauthorized"],
    ["/Api/HISTORY", 401, "unauthorized"],
    ["/%61pi/history", 401, "unauthorized"],
    ["/api/history/", 401, "unauthorized"],
    ["//api/history", 400, "invalid_path"],
    ["/api//history", 400, "invalid_path"],
    ["/api/%2e%2e/api/history", 401, "unauthorized"],
    ["/api/%2E%2E/api/history", 401, "unauthorized"],
    ["/x/../api/history", 401, "unauthorized"],
    ["/api/./history", 401, "unauthorized"],
    ["/api/history%2f..", 400, "invalid_path"],
    ["/api%2fhistory", 400, "invalid_path"],
    ["/api%2Fhistory", 400, "invalid_path"],
    ["/api/health%2f..%2fhistory", 400, "invalid_path"],
    ["/api/health/..%2fhistory", 400, "invalid_path"],
    ["/api/%252e%252e/history", 400, "invalid_path"],
    ["/api/health/../history", 401, "unauthorized"],
    ["/api/history?x=/api/health", 401, "unauthorized"],
    ["/api/health%00/../history", 401, "unauthorized"],
    ["/api/health/%2e%2e/history", 401, "unauthorized"],
  ])("path trick %s never bypasses auth (raw socket → %i %s)", async (target, status, code) => {
    const res = await rawGet(s.port, target);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code } });
    expect(res.body).not.toContain('"items"');
  });

  it("dot segments that resolve to an open route serve that route, not the protected one", async () => {
    // WHATWG URL parsing resolves `..` before routing: this is GET /api/health, answered as such.
    const res = await rawGet(s.port, "/api/history;/../health");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: "ok", database: "ok" });
    expect(res.body).not.toContain('"items"');
    // A backslash is refused by the HTTP layer before any route runs.
    const backslash = await rawGet(s.port, "/api\\history");
    expect(backslash.status).toBe(400);
    expect(backslash.body).toBe("");
  });

  it("also protects state-changing routes and unknown /api paths (401 before 404)", async () => {
    const post = await s.fetch("/api/projects", { method: "POST", headers: JSON_HEADERS, body: '{"name":"x"}' });
    expect(post.status).toBe(401);
    expect((await s.fetch("/api/no-such-route")).status).toBe(401);
    expect((await s.fetch("/api/providers")).status).toBe(401);
    expect((await s.fetch("/api/audit")).status).toBe(401);
  });
});

describe("browser sign-in: session cookie", () => {
  let s: SecureServer;
  let proxied: SecureServer;
  beforeAll(async () => {
    [s, proxied] = await Promise.all([
      startSecureServer({ env: { AUTH_TOKEN: TOKEN, ...HIGH_LIMITS } }),
      startSecureServer({ env: { AUTH_TOKEN: TOKEN, TRUST_PROXY: "true", ...HIGH_LIMITS } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([s.close(), proxied.close()]);
  });

  const signIn = (server: SecureServer, token: string, headers: Record<string, string> = {}) =>
    server.fetch("/api/auth/session", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...headers },
      body: JSON.stringify({ token }),
    });
  const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

  it("reports auth_required and authenticated on GET /api/auth/status (open route)", async () => {
    const res = await s.fetch("/api/auth/status");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ auth_required: true, authenticated: false });
    const bearer = await s.fetch("/api/auth/status", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await bearer.json()).toEqual({ auth_required: true, authenticated: true });
  });

  it("exchanges the token for an HttpOnly SameSite=Strict cookie (no Secure over http) that authenticates", async () => {
    const res = await signIn(s, TOKEN);
    expect(res.status).toBe(204);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^pf_session=[A-Za-z0-9_-]{43}\.\d+\.[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toContain("Secure");
    expect(setCookie).not.toContain(TOKEN);

    const cookie = cookieOf(res);
    const history = await s.fetch("/api/history", { headers: { Cookie: cookie } });
    expect(history.status).toBe(200);
    const status = await s.fetch("/api/auth/status", { headers: { Cookie: cookie } });
    expect(await status.json()).toEqual({ auth_required: true, authenticated: true });

    // Cookie auth is still subject to CSRF: a cross-site POST carrying it is refused.
    const crossSite = await s.fetch("/api/projects", {
      method: "POST",
      headers: { ...JSON_HEADERS, Cookie: cookie, "Sec-Fetch-Site": "cross-site" },
      body: JSON.stringify({ name: "csrf" }),
    });
    expect(crossSite.status).toBe(403);

    // Sign out: the cookie is cleared and no longer works.
    const out = await s.fetch("/api/auth/session", { method: "DELETE", headers: { Cookie: cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^pf_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    const after = await s.fetch("/api/history", { headers: { Cookie: cookie } });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual(UNAUTHORIZED);
  });

  it("refuses a wrong token with 401 and sets no cookie", async () => {
    const res = await signIn(s, "wrong-token-value");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  it("refuses a forged or altered cookie", async () => {
    const good = cookieOf(await signIn(s, TOKEN));
    const altered = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
    for (const cookie of [altered, "pf_session=forged", `pf_session=${TOKEN}`]) {
      expect((await s.fetch("/api/history", { headers: { Cookie: cookie } })).status).toBe(401);
    }
  });

  it("marks the cookie Secure behind a trusted proxy that says X-Forwarded-Proto: https", async () => {
    const https = await signIn(proxied, TOKEN, { "X-Forwarded-Proto": "https" });
    expect(https.status).toBe(204);
    expect(https.headers.get("set-cookie")).toMatch(/; Secure$/);
    const http = await signIn(proxied, TOKEN, { "X-Forwarded-Proto": "http" });
    expect(http.headers.get("set-cookie")).not.toContain("Secure");
    // Without TRUST_PROXY the header is ignored.
    const untrusted = await signIn(s, TOKEN, { "X-Forwarded-Proto": "https" });
    expect(untrusted.headers.get("set-cookie")).not.toContain("Secure");
  });
});

describe("API without AUTH_TOKEN", () => {
  let s: SecureServer;
  beforeAll(async () => {
    s = await startSecureServer({ env: HIGH_LIMITS });
  });
  afterAll(() => s.close());

  it("is open, and says so on /api/auth/status", async () => {
    expect((await s.fetch("/api/history")).status).toBe(200);
    const status = await s.fetch("/api/auth/status");
    expect(await status.json()).toEqual({ auth_required: false, authenticated: true });
    const session = await s.fetch("/api/auth/session", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ token: "anything" }),
    });
    expect(session.status).toBe(204);
    expect(session.headers.get("set-cookie")).toBeNull();
    expect(await errorCode(await s.fetch("/api/no-such"))).toBe("not_found");
  });
});
