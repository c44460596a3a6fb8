// Security controls of the MCP HTTP endpoint (PRODUCT.md 8): bearer auth with MCP_AUTH_TOKEN only,
// Host and Origin guards against DNS rebinding, the body limit and the security headers.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryEventBus } from "../../src/events/bus.js";
import { startMcpHttpServer } from "../../src/mcp/http.js";
import { TOOL_NAMES } from "../../src/mcp/server.js";
import { createTempApp } from "../helpers/temp-app.js";
import { type McpTestServer, startMcpTestServer } from "./harness.js";
import { INITIALIZE_BODY, MCP_HEADERS, rawRequest } from "./raw-http.js";

const MCP_TOKEN = "mcp-token-0123456789abcdef";
const API_TOKEN = "api-token-fedcba9876543210";

describe("MCP HTTP authentication", () => {
  let t: McpTestServer;
  beforeAll(async () => {
    t = await startMcpTestServer({ MCP_AUTH_TOKEN: MCP_TOKEN, AUTH_TOKEN: API_TOKEN, BODY_LIMIT_BYTES: "4096" });
  });
  afterAll(async () => {
    await t.close();
  });

  const init = (headers: Record<string, string> = {}) =>
    rawRequest(t.url, { headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE_BODY });

  it("answers 401 with WWW-Authenticate, and one identical message, for a missing or wrong token", async () => {
    const missing = await init();
    const wrong = await init({ Authorization: "Bearer not-the-token" });
    const malformed = await init({ Authorization: `Basic ${MCP_TOKEN}` });
    for (const res of [missing, wrong, malformed]) {
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="promptforge-mcp"/);
    }
    expect(wrong.body).toBe(missing.body);
    expect(missing.body).not.toContain(MCP_TOKEN);
  });

  it("does not accept the API token on MCP", async () => {
    expect((await init({ Authorization: `Bearer ${API_TOKEN}` })).status).toBe(401);
    const client = new Client({ name: "api-token-client", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(t.url), {
      requestInit: { headers: { Authorization: `Bearer ${API_TOKEN}` } },
    });
    await expect(client.connect(transport)).rejects.toThrow();
  });

  it("never accepts the token in the query string", async () => {
    const res = await rawRequest(`${t.url}?token=${MCP_TOKEN}&access_token=${MCP_TOKEN}`, {
      headers: MCP_HEADERS,
      body: INITIALIZE_BODY,
    });
    expect(res.status).toBe(401);
  });

  it("lets the SDK client in with the MCP token", async () => {
    const client = await t.connect({ token: MCP_TOKEN });
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOL_NAMES.length);
    expect((await init({ Authorization: `Bearer ${MCP_TOKEN}` })).status).toBe(200);
  });

  it("rejects a body over the limit with 413 before parsing it", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { pad: "x".repeat(10_000) } });
    const res = await rawRequest(t.url, {
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${MCP_TOKEN}` },
      body: big,
    });
    expect(res.status).toBe(413);
  });
});

describe("MCP HTTP guards", () => {
  let t: McpTestServer;
  beforeAll(async () => {
    t = await startMcpTestServer({ PORT: "8123", PUBLIC_URL: "https://prompts.example.com" });
  });
  afterAll(async () => {
    await t.close();
  });

  const init = (headers: Record<string, string>) =>
    rawRequest(t.url, { headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE_BODY });

  it("rejects a foreign Host with 403 (DNS rebinding)", async () => {
    const res = await init({ Host: `evil.example:${t.server.port}` });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("invalid_host");
    expect((await init({ Host: `localhost:${t.server.port}` })).status).toBe(200);
  });

  it("rejects a foreign or null Origin with 403 and accepts its own and PUBLIC_URL origins", async () => {
    for (const origin of ["http://evil.example", "null", `http://evil.example:${t.server.port}`, "not a url"]) {
      const res = await init({ Origin: origin });
      expect(res.status, origin).toBe(403);
    }
    expect((await init({ Origin: `http://127.0.0.1:${t.server.port}` })).status).toBe(200);
    expect((await init({ Origin: "http://localhost:8123" })).status).toBe(200); // the API/UI origin
    expect((await init({ Origin: "https://prompts.example.com" })).status).toBe(200);
  });

  it("sets security headers and refuses requests without a session", async () => {
    const res = await rawRequest(t.url, {
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(res.status).toBe(400);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    const unknown = await rawRequest(t.url, {
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": "00000000-0000-4000-8000-000000000000" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(unknown.status).toBe(404);
    expect((await rawRequest(t.url, { method: "POST", headers: MCP_HEADERS, body: "{not json" })).status).toBe(400);
  });

  it("issues unguessable session ids and closes a session on DELETE", async () => {
    const a = await init({});
    const b = await init({});
    const ids = [a.headers["mcp-session-id"], b.headers["mcp-session-id"]];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    const before = t.server.status().sessions;
    const del = await rawRequest(t.url, {
      method: "DELETE",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": String(ids[0]) },
    });
    expect(del.status).toBe(200);
    expect(t.server.status().sessions).toBe(before - 1);
  });
});

describe("MCP HTTP exposure warning", () => {
  it("warns loudly when bound off loopback without MCP_AUTH_TOKEN", async () => {
    const temp = await createTempApp({ MCP_HOST: "0.0.0.0", MCP_PORT: "0" });
    const warnings: string[] = [];
    const logger = Object.assign(Object.create(temp.app.logger), {
      warn: (_obj: unknown, msg: string) => warnings.push(msg),
    });
    const server = await startMcpHttpServer({
      app: temp.app,
      config: temp.app.config,
      bus: createMemoryEventBus(),
      logger,
    });
    try {
      expect(warnings.join("\n")).toMatch(/SECURITY WARNING: the MCP server is bound to 0\.0\.0\.0.*MCP_AUTH_TOKEN/s);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    } finally {
      await server.close();
      await temp.dispose();
    }
  });
});
