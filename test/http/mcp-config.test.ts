// GET /api/mcp/client-config: the MCP client configuration of `promptforge mcp --print-config`,
// built by the same module, with the port the MCP server really listens on and never the token.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { renderClientConfig } from "../../src/mcp/client-config.js";
import { createHttpApp } from "../../src/server/app.js";
import { startTestServer, type TestServer } from "./server.js";

const TOKEN = "mcp-secret-token-for-config-test";

describe("GET /api/mcp/client-config", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { MCP_PORT: "8123", MCP_AUTH_TOKEN: TOKEN } });
  });
  afterAll(() => s.close());

  it("answers the same configuration as `promptforge mcp --print-config`, one snippet per client and transport", async () => {
    const res = await s.json("GET", "/api/mcp/client-config");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: "http://127.0.0.1:8123/mcp", running: false, auth_required: true });
    // PORT=0 here: the stdio snippets carry the port the API really listens on (activity webhook).
    const port = Number(new URL(s.url).port);
    expect(res.body.text).toBe(renderClientConfig({ config: { ...s.app.config, port } }));
    expect(res.body.text).toContain(`--env PORT=${port} --`);
    const ids = res.body.snippets.map((x: { id: string }) => x.id);
    expect(ids).toEqual([
      "claude-code-stdio",
      "claude-code-http",
      "claude-desktop-stdio",
      "cursor-stdio",
      "cursor-http",
      "vscode-stdio",
      "vscode-http",
    ]);
    for (const snippet of res.body.snippets) {
      expect(res.body.text).toContain(snippet.content);
      if (snippet.format === "json") expect(() => JSON.parse(snippet.content)).not.toThrow();
    }
    const http = res.body.snippets.find((x: { id: string }) => x.id === "claude-code-http");
    expect(http.content).toBe(
      'claude mcp add --transport http promptforge http://127.0.0.1:8123/mcp --header "Authorization: Bearer $MCP_AUTH_TOKEN"',
    );
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it("is in the OpenAPI document as getMcpClientConfig", async () => {
    const doc = (await s.json("GET", "/openapi.json")).body;
    expect(doc.paths["/api/mcp/client-config"].get.operationId).toBe("getMcpClientConfig");
  });
});

describe("the MCP URL when MCP_PORT is 0", () => {
  it("uses the port the MCP server really listens on", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-mcp-config-"));
    const app = await createApp(
      loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", LLM_PROVIDER: "local", MCP_PORT: "0" }),
    );
    try {
      const { http, security } = createHttpApp(app, { mcpPort: () => 45_678, mcpState: () => "running" });
      const res = await http.request("/api/mcp/client-config");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { url: string; running: boolean; auth_required: boolean; text: string };
      expect(body).toMatchObject({ url: "http://127.0.0.1:45678/mcp", running: true, auth_required: false });
      expect(body.text).toContain("http://127.0.0.1:45678/mcp");
      await security.close();
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
