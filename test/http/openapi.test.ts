// The OpenAPI document as code generators read it: valid OpenAPI 3.1, a unique operationId on every
// operation, security requirements that match the bearer check, and error statuses that the running
// server really produces (every documented 401/403/413/415/422/429 is provoked here, per operation).
import http from "node:http";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpActivity } from "../../src/events/mcp-activity.js";
import { McpActivityEvent, McpStatus } from "../../src/server/mcp-activity.js";
import { AUTH_EXEMPT_ROUTES } from "../../src/server/security.js";
import { readSse, type SseFrame } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}
interface OpenApiDoc {
  openapi: string;
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
}
interface Op {
  method: string;
  path: string;
  op: Operation;
}

const TOKEN = "openapi-test-token-0123456789";
const EXEMPT = new Set(AUTH_EXEMPT_ROUTES);
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function operations(doc: OpenApiDoc): Op[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/** A concrete URL for an operation: path parameters get harmless values. */
function urlOf(path: string, param = (name: string) => (name === "name" ? "openai" : `x-${name}`)): string {
  return path.replaceAll(/\{([^}]+)\}/g, (_, name: string) => param(name));
}

const documents = new Map<TestServer, Promise<OpenApiDoc>>();
function documentOf(s: TestServer): Promise<OpenApiDoc> {
  let doc = documents.get(s);
  if (!doc) {
    doc = s.fetch("/openapi.json").then((res) => res.json() as Promise<OpenApiDoc>);
    documents.set(s, doc);
  }
  return doc;
}

/** Sends a request and returns its status and headers; any (stream) body is dropped. */
async function send(
  s: TestServer,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers }> {
  const res = await s.fetch(url, { method, headers: init.headers, body: init.body });
  await res.body?.cancel();
  return { status: res.status, headers: res.headers };
}

/** A request with a Host header of our choosing (fetch never lets a caller set Host). */
function sendWithHost(port: number, method: string, url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: "127.0.0.1", method, path: url, headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on("error", reject);
    req.end();
  });
}

let plain: TestServer;
let authed: TestServer;
beforeAll(async () => {
  [plain, authed] = await Promise.all([
    startTestServer({ mcpActivity: true, heartbeatMs: 100 }),
    startTestServer({ mcpActivity: true, env: { AUTH_TOKEN: TOKEN } }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain.close(), authed.close()]);
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 with servers, the bearer scheme and named component schemas", async () => {
    const doc = await documentOf(plain);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.bearerAuth.description).toMatch(/AUTH_TOKEN/);
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie" });
    for (const name of [
      "OptimizationRecord",
      "Error",
      "Project",
      "Prompt",
      "PromptVersion",
      "Provider",
      "Strategy",
      "Health",
      "HistoryStats",
      "AuditEntry",
      "HistoryPage",
      "Analysis",
      "McpStatus",
      "McpActivityEvent",
    ]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
  });

  it("gives every operation a unique camelCase operationId", async () => {
    const ops = operations(await documentOf(plain));
    const ids = ops.map(({ op }) => op.operationId);
    for (const { method, path, op } of ops) expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        "getHealth",
        "optimizePrompt",
        "retryOptimization",
        "cancelOptimization",
        "listHistory",
        "bulkDeleteHistory",
        "createProject",
        "streamMcpEvents",
        "getMcpStatus",
      ]),
    );
  });

  it("requires bearerAuth (or the session cookie) on every /api operation except the exempt ones", async () => {
    const ops = operations(await documentOf(plain));
    const exempt = ops.filter(({ method, path }) => EXEMPT.has(`${method} ${path}`));
    expect(exempt.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(
      ["GET /api/auth/status", "GET /api/github/callback", "GET /api/health", "POST /api/auth/session"].sort(),
    );
    for (const { method, path, op } of ops) {
      const label = `${method} ${path}`;
      if (EXEMPT.has(label)) {
        expect(op.security, label).toEqual([]);
        // Only the sign-in itself answers 401 (a wrong token in its body).
        if (label !== "POST /api/auth/session") expect(op.responses, label).not.toHaveProperty("401");
      } else {
        expect(op.security, label).toContainEqual({ bearerAuth: [] });
        expect(op.responses, label).toHaveProperty("401");
      }
    }
  });

  it("lists every /api route the server registers, and nothing it does not (MCP activity routes included)", async () => {
    for (const s of [plain, authed]) {
      const doc = await documentOf(s);
      const documented = operations(doc).map(({ method, path }) => `${method} ${path}`);
      const registered = s.server.http.routes
        .filter((r) => r.method !== "ALL" && r.method !== "HEAD" && r.path.startsWith("/api/"))
        .map((r) => `${r.method} ${r.path.replaceAll(/:([^/]+)/g, "{$1}")}`);
      expect([...new Set(registered)].sort()).toEqual([...documented].sort());
      expect(documented).toContain("GET /api/mcp/events");
      expect(documented).toContain("GET /api/mcp/status");
    }
  });

  it("leaves the MCP activity routes out when the server does not mount them", async () => {
    const bare = await startTestServer();
    try {
      const doc = await documentOf(bare);
      expect(doc.paths).not.toHaveProperty("/api/mcp/events");
      expect(doc.paths).not.toHaveProperty("/api/mcp/status");
      expect((await bare.fetch("/api/mcp/status")).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe("the documented errors are the ones the server returns", () => {
  it("422 for an invalid body on POST /api/projects, with the Error shape", async () => {
    const doc = await documentOf(plain);
    const res = await plain.json("POST", "/api/projects", { name: "" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_error");
    expect(doc.paths["/api/projects"]?.post?.responses).toHaveProperty("422");
  });

  it("401 exactly on the operations that document it, when AUTH_TOKEN is set", async () => {
    for (const { method, path, op } of operations(await documentOf(authed))) {
      const { status, headers } = await send(authed, method, urlOf(path));
      const label = `${method} ${path}`;
      if (op.security?.length) {
        expect(status, label).toBe(401);
        expect(headers.get("www-authenticate"), label).toBe('Bearer realm="promptforge"');
        expect(op.responses, label).toHaveProperty("401");
      } else {
        expect(status, label).not.toBe(401);
      }
    }
    const wrong = await authed.json("POST", "/api/auth/session", { token: "not-the-token" });
    expect(wrong.status).toBe(401);
    // With the token the same protected route answers.
    const ok = await send(authed, "GET", "/api/strategies", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });

  it("400 invalid_path for an ambiguous path parameter, where documented (AUTH_TOKEN set)", async () => {
    for (const { method, path, op } of operations(await documentOf(authed))) {
      if (!path.includes("{")) continue;
      const res = await authed.fetch(
        urlOf(path, () => "a%2Fb"),
        {
          method,
          headers: { Authorization: `Bearer ${TOKEN}` },
        },
      );
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_path");
      expect(op.responses["400"]?.description, `${method} ${path}`).toMatch(/invalid_path/);
    }
  });

  it("403 on every operation for a foreign Host, and on state-changing ones for a cross-site request", async () => {
    for (const { method, path, op } of operations(await documentOf(plain))) {
      const label = `${method} ${path}`;
      expect(op.responses, label).toHaveProperty("403");
      expect(await sendWithHost(plain.server.port, method, urlOf(path), "evil.example"), label).toBe(403);
      const crossSite = await send(plain, method, urlOf(path), { headers: { "Sec-Fetch-Site": "cross-site" } });
      if (STATE_CHANGING.has(method)) {
        expect(crossSite.status, label).toBe(403);
        expect(op.responses["403"]?.description, label).toMatch(/cross-site/);
        const foreign = await send(plain, method, urlOf(path), { headers: { Origin: "https://evil.example" } });
        expect(foreign.status, label).toBe(403);
      } else {
        expect(crossSite.status, label).not.toBe(403);
        expect(op.responses["403"]?.description, label).not.toMatch(/cross-site/);
      }
    }
  });

  it("415 on every state-changing operation for a non-JSON body, and 400/422 for bad JSON where documented", async () => {
    for (const { method, path, op } of operations(await documentOf(plain))) {
      if (!STATE_CHANGING.has(method)) {
        expect(op.responses, `${method} ${path}`).not.toHaveProperty("415");
        expect(op.responses, `${method} ${path}`).not.toHaveProperty("413");
        continue;
      }
      const label = `${method} ${path}`;
      const url = urlOf(path);
      expect(op.responses, label).toHaveProperty("415");
      const text = await send(plain, method, url, { headers: { "Content-Type": "text/plain" }, body: "hello" });
      expect(text.status, label).toBe(415);
      if (op.requestBody) {
        const json = { "Content-Type": "application/json" };
        expect((await send(plain, method, url, { headers: json, body: "{" })).status, label).toBe(400);
        expect((await send(plain, method, url, { headers: json, body: "[]" })).status, label).toBe(422);
        expect(op.responses, label).toHaveProperty("400");
        expect(op.responses, label).toHaveProperty("422");
      }
    }
  });

  it("413 on every state-changing operation for a body over BODY_LIMIT_BYTES", async () => {
    const small = await startTestServer({ mcpActivity: true, env: { BODY_LIMIT_BYTES: "1024" } });
    try {
      for (const { method, path, op } of operations(await documentOf(small))) {
        if (!STATE_CHANGING.has(method)) continue;
        const body = JSON.stringify({ padding: "x".repeat(2000) });
        const res = await send(small, method, urlOf(path), { headers: { "Content-Type": "application/json" }, body });
        expect(res.status, `${method} ${path}`).toBe(413);
        expect(op.responses, `${method} ${path}`).toHaveProperty("413");
      }
    } finally {
      await small.close();
    }
  });

  it("422 for an over-long path parameter, where documented", async () => {
    for (const { method, path, op } of operations(await documentOf(plain))) {
      if (!path.includes("{")) continue;
      const res = await send(
        plain,
        method,
        urlOf(path, () => "x".repeat(101)),
      );
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(op.responses, `${method} ${path}`).toHaveProperty("422");
    }
  });

  it("429 with Retry-After on every operation except GET /api/health once the client is over the limit", async () => {
    const limited = await startTestServer({ mcpActivity: true, env: { RATE_LIMIT_RPM: "1" } });
    try {
      const doc = await documentOf(limited); // /openapi.json is not rate limited
      await send(limited, "GET", "/api/strategies"); // uses the one request of the minute
      for (const { method, path, op } of operations(doc)) {
        const label = `${method} ${path}`;
        const { status, headers } = await send(limited, method, urlOf(path));
        if (method === "GET" && path === "/api/health") {
          expect(status, label).toBe(200);
          expect(op.responses, label).not.toHaveProperty("429");
          continue;
        }
        expect(status, label).toBe(429);
        expect(Number(headers.get("retry-after")), label).toBeGreaterThan(0);
        expect(op.responses["429"]?.headers, label).toHaveProperty("Retry-After");
      }
    } finally {
      await limited.close();
    }
  });
});

describe("the MCP activity operations", () => {
  it("GET /api/mcp/status answers exactly the documented McpStatus shape", async () => {
    const res = await plain.json("GET", "/api/mcp/status");
    expect(res.status).toBe(200);
    expect(McpStatus.strict().parse(res.body)).toEqual(res.body);
    expect(res.body).toMatchObject({ running: false, url: null, last_event_id: null });
  });

  it("GET /api/mcp/events sends McpActivityEvent data, named by type, with the bus id as the SSE id", async () => {
    const bus = plain.activityBus;
    if (!bus) throw new Error("the test server mounts the activity routes");
    const event: McpActivity = {
      type: "tool_complete",
      call_id: "call-00000001",
      tool: "optimize",
      at: new Date().toISOString(),
      transport: "stdio",
      summary: "done",
      duration_ms: 12,
    };
    await bus.publish(event);
    const controller = new AbortController();
    const res = await plain.fetch("/api/mcp/events", { signal: controller.signal });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    let frame: SseFrame | undefined;
    for await (const item of readSse(res)) {
      if (item.kind === "event") {
        frame = item.frame;
        break;
      }
    }
    controller.abort();
    expect(frame?.event).toBe("tool_complete");
    const data = McpActivityEvent.parse(frame?.data);
    expect(data).toEqual({ ...event, id: Number(frame?.id) });
    const doc = await documentOf(plain);
    const op = doc.paths["/api/mcp/events"]?.get;
    expect(op?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "header", name: "last-event-id" }),
        expect.objectContaining({ in: "query", name: "last_event_id" }),
      ]),
    );
    expect(op?.responses).toHaveProperty("503");
    expect(op?.responses).not.toHaveProperty("422");
  });
});
