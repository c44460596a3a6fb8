// The web UI's static serving at `/` (without a browser): files from WEB_DIR with a gzip copy, a
// year of caching for hashed assets, index.html for client-side routes, 404 for missing assets,
// API paths untouched, and a clear 503 when the UI was never built.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server.js";

function fakeWebDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-web-"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(
    path.join(dir, "index.html"),
    '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="app"></div></body></html>',
  );
  fs.writeFileSync(path.join(dir, "assets", "app-abc123.js"), `console.log(${JSON.stringify("x".repeat(4000))});\n`);
  fs.writeFileSync(path.join(dir, "favicon.svg"), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  fs.writeFileSync(path.join(dir, "notes.unknown-type"), "never served");
  return dir;
}

describe("web UI at /", () => {
  let s: TestServer;
  let webDir: string;

  beforeAll(async () => {
    webDir = fakeWebDir();
    s = await startTestServer({ env: { WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it("serves index.html at / with no-cache and the strict CSP", async () => {
    const res = await s.fetch("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
  });

  it("serves hashed assets for a year, gzipped when asked", async () => {
    const res = await s.fetch("/assets/app-abc123.js", { headers: { "Accept-Encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    // fetch decodes gzip transparently; the raw size check goes through node:http below.
    expect(await res.text()).toContain("console.log");
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      const url = new URL(`${s.url}/assets/app-abc123.js`);
      import("node:http").then(({ get }) =>
        get(url, { headers: { "Accept-Encoding": "gzip" } }, (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c) => chunks.push(c));
          r.on("end", () => resolve({ encoding: r.headers["content-encoding"], body: Buffer.concat(chunks) }));
        }).on("error", reject),
      );
    });
    expect(raw.encoding).toBe("gzip");
    expect(raw.body.length).toBeLessThan(1000);
    expect(gunzipSync(raw.body).toString()).toContain("console.log");
  });

  it("answers client-side routes with the app and keeps missing assets, unknown types and API paths 404", async () => {
    const deep = await s.fetch("/projects/abc", { headers: { Accept: "text/html" } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app">');
    expect((await s.fetch("/assets/gone-999.js", { headers: { Accept: "text/html" } })).status).toBe(404);
    expect((await s.fetch("/notes.unknown-type")).status).toBe(404);
    const api = await s.json("GET", "/api/nope", undefined, { Accept: "text/html" });
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe("not_found");
    // A POST to a page path is still the API's own 404, never the app.
    expect((await s.fetch("/history", { method: "POST" })).status).toBe(404);
  });

  it("never serves a file outside WEB_DIR", async () => {
    const secret = path.join(path.dirname(webDir), "pf-secret.txt");
    fs.writeFileSync(secret, "top secret");
    try {
      const res = await s.fetch(`/..%2f${path.basename(secret)}`);
      expect(await res.text()).not.toContain("top secret");
      expect((await s.fetch("/%2e%2e/etc/passwd")).status).not.toBe(200);
    } finally {
      fs.rmSync(secret, { force: true });
    }
  });
});

describe("web UI not built", () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer({ env: { WEB_DIR: path.join(os.tmpdir(), "pf-no-such-web-dir") } });
  });
  afterAll(async () => s?.close());

  it("answers / with a 503 that says to run the build, and leaves the API working", async () => {
    const res = await s.json("GET", "/");
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("web_ui_not_built");
    expect(res.body.error.message).toContain("npm run build");
    expect((await s.json("GET", "/api/health")).status).toBe(200);
  });
});
