import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, securityHeaders } from "./headers.js";

function app(options: Parameters<typeof securityHeaders>[0] = {}) {
  const a = new Hono();
  a.use("*", securityHeaders(options));
  a.get("/", (c) => c.html("<p>spa</p>"));
  a.get("/api/history", (c) => {
    c.header("X-Powered-By", "Hono");
    return c.json({ ok: true });
  });
  a.get("/api/boom", () => {
    throw new Error("secret stack detail");
  });
  a.get("/api/teapot", () => {
    throw new HTTPException(418, { message: "no" });
  });
  a.get("/api/raw", () => new Response("raw", { headers: { "X-Powered-By": "Express" } }));
  a.onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    return c.json({ error: { code: "internal_error", message: "Internal error" } }, status);
  });
  return a;
}

function expectBaseline(res: Response) {
  expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  expect(res.headers.get("x-powered-by")).toBeNull();
}

describe("securityHeaders", () => {
  it("sets the CSP the spec requires", () => {
    for (const directive of ["default-src 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
  });

  it("sets every header on a page and an API response, and no-store only on the API", async () => {
    const page = await app().request("/");
    expectBaseline(page);
    expect(page.headers.get("cache-control")).toBeNull();
    const api = await app().request("/api/history");
    expectBaseline(api);
    expect(api.headers.get("cache-control")).toBe("no-store");
  });

  it("applies to errors thrown downstream", async () => {
    const res = await app().request("/api/boom");
    expect(res.status).toBe(500);
    expectBaseline(res);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).not.toContain("secret stack detail");
    const teapot = await app().request("/api/teapot");
    expect(teapot.status).toBe(418);
    expectBaseline(teapot);
  });

  it("applies to 404s and to raw Response objects", async () => {
    const missing = await app().request("/api/nope");
    expect(missing.status).toBe(404);
    expectBaseline(missing);
    expectBaseline(await app().request("/api/raw"));
  });

  it("uses no-store for path variants of the API", async () => {
    expect((await app().request("/API/history")).headers.get("cache-control")).toBe("no-store");
    expect((await app().request("http://localhost//api/history")).headers.get("cache-control")).toBe("no-store");
  });

  it("sends HSTS only over HTTPS", async () => {
    expect((await app().request("http://localhost/")).headers.get("strict-transport-security")).toBeNull();
    expect((await app().request("https://localhost/")).headers.get("strict-transport-security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });

  it("trusts X-Forwarded-Proto only with trustProxy", async () => {
    const init = { headers: { "X-Forwarded-Proto": "https" } };
    expect((await app().request("/", init)).headers.get("strict-transport-security")).toBeNull();
    expect((await app({ trustProxy: true }).request("/", init)).headers.get("strict-transport-security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });
});
