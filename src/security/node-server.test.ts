// The security middleware on a real @hono/node-server listener, spoken to over raw sockets:
// fetch would normalise the hostile request lines before they ever left the client.
import { type AddressInfo, connect } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerAuth, exemptRoutes } from "./bearer-auth.js";
import { isUnderPrefix } from "./canonical-path.js";
import { clientIpResolver } from "./client-ip.js";
import { securityHeaders } from "./headers.js";
import { hostGuard } from "./host-guard.js";
import { requireJson } from "./require-json.js";

const TOKEN = "node-server-token";
let server: ReturnType<typeof serve>;
let port = 0;

beforeAll(async () => {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.use("*", hostGuard({ bindHost: "127.0.0.1" }));
  app.use("*", requireJson());
  app.use(
    "*",
    bearerAuth({ token: TOKEN, protect: (p) => isUnderPrefix(p, "/api"), exempt: exemptRoutes(["GET /api/health"]) }),
  );
  app.get("/api/health", (c) => c.json({ ok: true }));
  app.get("/api/history", (c) => c.json({ secret: "history" }));
  app.get("/api/whoami", (c) => c.json({ ip: clientIpResolver({ trustProxy: false })(c) }));
  app.post("/api/echo", async (c) => c.json({ body: await c.req.text() }));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function raw(requestLine: string, headers: string[] = [], body = ""): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => resolve({ status: Number(data.split(" ")[1]), text: data }));
    const hasHost = headers.some((h) => h.toLowerCase().startsWith("host:"));
    const lines = [requestLine, ...(hasHost ? [] : [`Host: 127.0.0.1:${port}`]), ...headers, "Connection: close"];
    socket.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
  });
}

describe("security middleware on node-server", () => {
  it("serves the exempt health check and guards the rest", async () => {
    expect((await raw("GET /api/health HTTP/1.1")).status).toBe(200);
    const res = await raw("GET /api/history HTTP/1.1");
    expect(res.status).toBe(401);
    expect(res.text.toLowerCase()).toContain('www-authenticate: bearer realm="promptforge"');
  });

  it.each([
    ["dot-dot out of the exempt path", "GET /api/health/../history HTTP/1.1"],
    ["encoded dot-dot", "GET /api/health/%2e%2e/history HTTP/1.1"],
    ["upper-case encoded dot-dot", "GET /api/health/%2E%2E/history HTTP/1.1"],
    ["upper-case prefix", "GET /API/history HTTP/1.1"],
    ["encoded prefix", "GET /%61pi/history HTTP/1.1"],
    ["absolute-form target", `GET http://127.0.0.1:${0}/api/history HTTP/1.1`],
  ])("still demands the token through %s", async (_label, line) => {
    const res = await raw(line.replace(":0/", `:${port}/`));
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('history"}');
  });

  it.each([
    ["double slash", "GET //api/history HTTP/1.1"],
    ["encoded slash", "GET /api/health%2f..%2fhistory HTTP/1.1"],
    ["encoded backslash", "GET /api/health%5c..%5chistory HTTP/1.1"],
  ])("answers a malformed path (%s) with 400 invalid_path", async (_label, line) => {
    const res = await raw(line);
    expect(res.status).toBe(400);
    expect(res.text).toContain('"code":"invalid_path"');
  });

  it("refuses a DNS-rebinding Host with 403 invalid_host", async () => {
    const res = await raw("GET /api/health HTTP/1.1", ["Host: evil.example"]);
    expect(res.status).toBe(403);
    expect(res.text).toContain('"code":"invalid_host"');
    expect(res.text.toLowerCase()).toContain("x-frame-options: deny");
  });

  it("reads the client address from the socket and ignores X-Forwarded-For", async () => {
    const res = await raw("GET /api/whoami HTTP/1.1", [`Authorization: Bearer ${TOKEN}`, "X-Forwarded-For: 6.6.6.6"]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('{"ip":"127.0.0.1"}');
  });

  it("treats a POST without Content-Length as bodyless, and a text/plain body as 415", async () => {
    const auth = `Authorization: Bearer ${TOKEN}`;
    expect((await raw("POST /api/echo HTTP/1.1", [auth])).status).toBe(200);
    expect(
      (await raw("POST /api/echo HTTP/1.1", [auth, "Content-Length: 2", "Content-Type: text/plain"], "hi")).status,
    ).toBe(415);
    const json = await raw(
      "POST /api/echo HTTP/1.1",
      [auth, "Content-Length: 2", "Content-Type: application/json"],
      "{}",
    );
    expect(json.status).toBe(200);
  });
});
