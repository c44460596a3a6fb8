// Health, strategies, providers, the error contract (404/405), the OpenAPI document and /docs.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe("meta endpoints", () => {
  it("GET /api/health reports status, version, engine, database, MCP state and uptime", async () => {
    const res = await s.json("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      engine: "local",
      database: "ok",
      redis: "not configured",
      mcp: "not started",
      uptime_seconds: expect.any(Number),
    });
  });

  it("GET /api/strategies lists the ten strategies", async () => {
    const res = await s.json("GET", "/api/strategies");
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(10);
    expect(res.body[0]).toMatchObject({
      name: expect.any(String),
      description: expect.any(String),
      best_when: expect.any(String),
    });
  });

  it("GET /api/providers lists the local engine as available", async () => {
    const res = await s.json("GET", "/api/providers");
    expect(res.status).toBe(200);
    expect(res.body.find((p: { name: string }) => p.name === "local")).toMatchObject({
      available: true,
      requires_key: false,
    });
  });
});

describe("error contract", () => {
  it("answers an unknown route with 404 not_found as JSON", async () => {
    const res = await s.json("GET", "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers a known path with the wrong method with 405 and an Allow header", async () => {
    const res = await s.json("DELETE", "/api/health");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(res.body.error.code).toBe("method_not_allowed");
    const put = await s.json("PATCH", "/api/projects/abc", {});
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PUT"]);
  });

  it("validates path and query parameters with 422", async () => {
    const longId = "x".repeat(101);
    const res = await s.json("GET", `/api/optimize/${longId}`);
    expect(res.status).toBe(422);
    expect(res.body.error.details.in).toBe("path");
    const page = await s.json("GET", "/api/history?per_page=101");
    expect(page.status).toBe(422);
    expect(page.body.error.details.issues[0].path).toBe("per_page");
  });
});

describe("OpenAPI and /docs", () => {
  it("serves an OpenAPI 3.1 document listing every route the server registers", async () => {
    const res = await s.json("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses: Record<string, unknown>; operationId?: string }>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();

    const documented = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        documented.add(`${method.toUpperCase()} ${p}`);
        expect(Object.keys(op.responses).length, `${method} ${p} has responses`).toBeGreaterThan(0);
      }
    }
    const registered = new Set(
      s.server.http.routes
        .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/"))
        .map((r) => `${r.method} ${r.path.replaceAll(/:([^/]+)/g, "{$1}")}`),
    );
    expect([...registered].sort()).toEqual([...documented].sort());
    expect(registered.size).toBeGreaterThanOrEqual(33);
  });

  it("documents request bodies from the use-case schemas", async () => {
    const doc = (await s.json("GET", "/openapi.json")).body;
    const body = doc.paths["/api/optimize"].post.requestBody.content["application/json"].schema;
    expect(body.required).toContain("prompt");
    expect(body.properties.max_iterations).toMatchObject({ minimum: 1, maximum: 5 });
    expect(Object.keys(doc.paths["/api/optimize"].post.responses["200"].content)).toEqual(["text/event-stream"]);
  });

  it("serves Swagger UI at /docs from the installed swagger-ui-dist: same-origin files, no inline script or style", async () => {
    const page = await s.fetch("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/style=/);
    expect(html).toContain('<div id="swagger-ui"></div>');

    const require = createRequire(import.meta.url);
    const { version } = JSON.parse(fs.readFileSync(require.resolve("swagger-ui-dist/package.json"), "utf8")) as {
      version: string;
    };
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] as string);
    const links = [...html.matchAll(/<link rel="(?:stylesheet|icon)"[^>]* href="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts).toEqual([
      `/docs/swagger-ui-bundle.js?v=${version}`,
      expect.stringMatching(/^\/docs\/init\.js\?v=/),
    ]);
    expect(links).toContain(`/docs/swagger-ui.css?v=${version}`);
    for (const url of [...scripts, ...links]) {
      const res = await s.fetch(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type"), url).toMatch(/javascript|text\/css|image\/png/);
      // The vendor files, linked with the installed version, are cached for a year; our init script is not.
      expect(res.headers.get("cache-control"), url).toBe(
        url.startsWith("/docs/init.js") ? "no-cache" : "public, max-age=31536000, immutable",
      );
      await res.arrayBuffer();
    }
    // Without the version (or with another one) the same file is only revalidated.
    expect((await s.fetch("/docs/swagger-ui.css")).headers.get("cache-control")).toBe("no-cache");
    expect((await s.fetch("/docs/swagger-ui.css?v=0.0.1")).headers.get("cache-control")).toBe("no-cache");
    const gz = await s.fetch(`/docs/swagger-ui-bundle.js?v=${version}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers.get("vary")).toBe("Accept-Encoding");
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const bundle = path.join(path.dirname(require.resolve("swagger-ui-dist/package.json")), "swagger-ui-bundle.js");
    expect((await gz.arrayBuffer()).byteLength).toBe(fs.statSync(bundle).size);

    const init = await (await s.fetch("/docs/init.js")).text();
    expect(init).toContain("SwaggerUIBundle({");
    expect(init).toContain('url: "/openapi.json"');
    expect(init).toContain("persistAuthorization: true");
    expect(init).toContain("validatorUrl: null");
    expect(init).not.toMatch(/https?:\/\//);
  });

  it("serves only the listed /docs files: anything else under /docs is a 404", async () => {
    for (const pathname of [
      "/docs/package.json",
      "/docs/index.html",
      "/docs/swagger-ui.js",
      "/docs/swagger-ui-bundle.js.map",
      "/docs/../package.json",
      "/docs/%2e%2e/package.json",
      "/docs/x/../../src/config.ts",
    ]) {
      const res = await s.fetch(pathname);
      expect(res.status, pathname).toBe(404);
      await res.arrayBuffer();
    }
    // An encoded slash is ambiguous: refused before routing, with or without AUTH_TOKEN.
    const encoded = await s.fetch("/docs/..%2fpackage.json");
    expect(encoded.status).toBe(400);
    await encoded.arrayBuffer();
    // One trailing slash is dropped before routing: /docs/ is the same page as /docs.
    const slash = await s.fetch("/docs/", { redirect: "manual" });
    expect(slash.status).toBe(200);
    expect(await slash.text()).toBe(await (await s.fetch("/docs")).text());
  });
});
