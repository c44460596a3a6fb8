// Request paths (issue 17): ambiguous paths get 400 invalid_path whether AUTH_TOKEN is set or not,
// 404 messages and log lines never carry decoded control characters, and one trailing slash is
// dropped before routing as SECURITY.md says.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpTestServer } from "../mcp/harness.js";
import { startTestServer, type TestServer } from "./server.js";

const AMBIGUOUS = [
  "//api/history",
  "/api%2fhistory",
  "/api/history%2f..",
  "/api/his%00tory",
  "/api/%1b[2J",
  "/api/a%252eb",
];

describe.each([
  ["without AUTH_TOKEN", {}],
  ["with AUTH_TOKEN", { AUTH_TOKEN: "t0ken-for-the-path-test" }],
])("request paths %s", (_label, env: Record<string, string>) => {
  let s: TestServer;
  const auth: Record<string, string> = env.AUTH_TOKEN ? { Authorization: `Bearer ${env.AUTH_TOKEN}` } : {};
  beforeAll(async () => {
    s = await startTestServer({ env: { ...env, LOG_LEVEL: "info" } });
  });
  afterAll(() => s.close());

  it("refuses every ambiguous path with 400 invalid_path", async () => {
    for (const p of AMBIGUOUS) {
      const res = await s.fetch(p, { headers: auth });
      expect(res.status, p).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, p).toBe("invalid_path");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("routes a path with one trailing slash like the path without it", async () => {
    const plain = await s.json("GET", "/api/history", undefined, auth);
    const slash = await s.json("GET", "/api/history/", undefined, auth);
    expect(slash.status).toBe(200);
    expect(slash.body).toEqual(plain.body);
    const post = await s.json("POST", "/api/projects/", { name: `Slash ${Date.now()}` }, auth);
    expect(post.status).toBe(201);
    expect((await s.fetch("/api/history//", { headers: auth })).status).toBe(400);
  });

  it("echoes no decoded control character, CRLF or bidi override in an error message", async () => {
    // C0 controls and CRLF make a path ambiguous (400, a fixed message); C1 and bidi reach the 404.
    const crlf = await s.fetch("/api/nope%0d%0aSet-Cookie:%20x%1b]0;t%07", { headers: auth });
    expect(crlf.status).toBe(400);
    expect(JSON.stringify(await crlf.json())).not.toMatch(/Set-Cookie/);
    const res = await s.fetch("/api/nope%c2%9b31m%e2%80%aeevil", { headers: auth });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBe("No route for GET /api/nope%C2%9B31m%E2%80%AEevil.");
    const wrongMethod = await s.fetch("/api/history/all%e2%80%ae", { method: "PATCH", headers: auth });
    expect(JSON.stringify(await wrongMethod.json())).not.toMatch(/\u202e|\\u202e/);
  });
});

describe("request log lines", () => {
  it("carry the path with control characters still encoded", async () => {
    const s = await startTestServer({ env: { LOG_LEVEL: "info" } });
    const lines: string[] = [];
    const logger = s.app.logger as unknown as { info: (fields: unknown, msg: string) => void };
    const original = logger.info.bind(logger);
    logger.info = (fields, msg) => {
      lines.push(JSON.stringify(fields));
      original(fields, msg);
    };
    try {
      await s.fetch("/api/nope%0d%0aX:%20y%1b");
      await s.fetch("/api/nope%c2%9b%e2%80%ae");
      const paths = lines.map((l) => JSON.parse(l).path as string).filter((p) => p?.startsWith("/api/nope"));
      expect(paths).toEqual(["/api/nope%0D%0AX: y%1B", "/api/nope%C2%9B%E2%80%AE"]);
    } finally {
      logger.info = original;
      await s.close();
    }
  });
});

/** Sends `request` as written on a raw socket and reads until the server closes it. */
function rawRequest(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

describe("requests Node's parser refuses", () => {
  it("answer an unknown method (curl -X FOO) with a JSON 400 and the security headers", async () => {
    const s = await startTestServer();
    try {
      const answer = await rawRequest(s.url, "FOO /api/history HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const [head = "", body = ""] = answer.split("\r\n\r\n");
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(head).toMatch(/\r\nContent-Type: application\/json/i);
      expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff/i);
      expect(head).toMatch(/\r\nContent-Security-Policy: default-src 'self'/i);
      expect(head).toMatch(/\r\nX-Frame-Options: DENY/i);
      expect(JSON.parse(body)).toEqual({
        error: { code: "invalid_method", message: expect.stringMatching(/not one HTTP defines/) },
      });
      const garbage = await rawRequest(s.url, "GET /api/history HTTP/1.1\r\nBad Header\r\n\r\n");
      expect(garbage).toMatch(/^HTTP\/1\.1 400/);
      expect(JSON.parse(garbage.split("\r\n\r\n")[1] ?? "").error.code).toBe("bad_request");
      // The server still answers afterwards.
      expect((await s.fetch("/api/health")).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("answer the same way on the MCP endpoint", async () => {
    const mcp = await startMcpTestServer();
    try {
      const answer = await rawRequest(mcp.url, "FOO /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toMatch(/\r\nX-Content-Type-Options: nosniff/i);
      expect(JSON.parse(answer.split("\r\n\r\n")[1] ?? "").error.code).toBe("invalid_method");
    } finally {
      await mcp.close();
    }
  });
});
