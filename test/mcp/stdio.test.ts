// The real `promptforge mcp` process on stdio, driven by the SDK's Client as an IDE would, and the
// end-to-end path: a tool call in that process lands in the API server's history (shared SQLite) and
// on its activity feed (signed webhook → bus → SSE).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createMemoryEventBus } from "../../src/events/bus.js";
import type { McpActivity } from "../../src/events/mcp-activity.js";
import { createMcpActivityRoutes } from "../../src/mcp/activity-routes.js";
import { resolveInternalSecret } from "../../src/mcp/activity-webhook.js";
import { TOOL_NAMES } from "../../src/mcp/server.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";
import { TSX_IMPORT } from "../helpers/tsx.js";
import { readFeed } from "./activity-server.js";
import { errorText, structured } from "./harness.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const entry = path.join(root, "test/helpers/cli-entry.ts");
const PROMPT = 'List three risks of storing passwords in plain text, as bullet points. End with "Use a hash".';

async function spawnStdioClient(
  env: Record<string, string>,
): Promise<{ client: Client; stderr: () => string; errors: Error[] }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", TSX_IMPORT, entry, "mcp"],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "info",
      LLM_PROVIDER: "local",
      ...env,
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const client = new Client({ name: "stdio-ide", version: "1.0.0" });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, stderr: () => stderr, errors };
}

describe("promptforge mcp (stdio)", () => {
  const dir = tempDir("pf-mcp-stdio-");
  let client: Client;
  let stderr: () => string;
  let errors: Error[];

  beforeAll(async () => {
    // PORT 9 (discard): no API server there, so activity webhooks fail quietly.
    ({ client, stderr, errors } = await spawnStdioClient({ DATA_DIR: dir.dir, PORT: "9" }));
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    dir.cleanup();
  });

  it("serves the tools and resources, with logs on stderr and only JSON-RPC on stdout", async () => {
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOL_NAMES.length);
    const progress: number[] = [];
    const record = structured(
      await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      }),
    );
    expect(record.status).toBe("completed");
    expect(progress.at(-1)).toBe(4);
    expect(errorText(await client.callTool({ name: "get", arguments: { id: "nope" } }))).toMatch(/^not_found:/);
    const read = await client.readResource({ uri: `promptforge://optimizations/${record.id}` });
    expect(JSON.parse(String((read.contents[0] as { text: string }).text)).id).toBe(record.id);
    expect(errors).toEqual([]); // anything but JSON-RPC on stdout would have been a parse error
    expect(stderr()).toContain("MCP server ready on stdio");
  });
});

describe("stdio MCP → API server, end to end", () => {
  const dir = tempDir("pf-mcp-e2e-");
  let app: App;
  let server: RunningServer;
  let closeRoutes: () => void;

  beforeAll(async () => {
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: dir.dir,
      LOG_LEVEL: "silent",
      LLM_PROVIDER: "local",
    });
    app = await createApp(config, { logDestination: 2 });
    server = await startServer({ config, app });
    // Mounted the way the lead wires it into the API server (before the first request).
    const routes = createMcpActivityRoutes({
      bus: createMemoryEventBus<McpActivity>(),
      secret: resolveInternalSecret(config),
      heartbeatMs: 1_000,
    });
    server.http.route("/", routes.app);
    closeRoutes = () => routes.close();
  }, 30_000);
  afterAll(async () => {
    closeRoutes?.();
    await server?.close();
    await app?.close();
    dir.cleanup();
  });

  it("a tool call from the IDE process appears in the API's history and on its activity feed", async () => {
    const feed = readFeed(`${server.url}/api/mcp/events`, (frames) => frames.some((f) => f.event === "tool_complete"), {
      timeoutMs: 20_000,
    });
    const { client } = await spawnStdioClient({ DATA_DIR: dir.dir, HOST: "127.0.0.1", PORT: String(server.port) });
    try {
      const record = structured(
        await client.callTool({ name: "optimize", arguments: { prompt: PROMPT, title: "From the IDE" } }),
      );
      const frames = await feed;
      const events = frames.map((f) => f.data as McpActivity & { id: number });
      const complete = events.find((e) => e.type === "tool_complete");
      expect(complete).toMatchObject({
        tool: "optimize",
        transport: "stdio",
        client: "stdio-ide",
        optimization_id: record.id,
      });
      expect(events[0]).toMatchObject({ type: "tool_start", tool: "optimize", call_id: complete?.call_id });
      expect(events.some((e) => e.type === "tool_progress")).toBe(true);

      expect((await app.history.get(record.id)).title).toBe("From the IDE");
      const res = await fetch(`${server.url}/api/history?search=passwords`);
      const body = (await res.json()) as { items: Array<{ id: string }> };
      expect(body.items.map((i) => i.id)).toContain(record.id);
    } finally {
      await client.close();
    }
  }, 40_000);
});

describe("promptforge mcp --print-config", () => {
  it("prints ready-to-paste configuration for every client without revealing the token", async () => {
    const dir = tempDir("pf-mcp-cfg-");
    try {
      const out = await runCli(["mcp", "--print-config"], {
        env: { DATA_DIR: dir.dir, MCP_AUTH_TOKEN: "super-secret-mcp-token", MCP_PORT: "8111" },
      });
      expect(out.code).toBe(0);
      // An absolute command (works from any directory), the data directory and the API port in the env.
      expect(out.stdout).toContain(
        `claude mcp add promptforge --env DATA_DIR=${dir.dir} --env PORT=8000 -- ${process.execPath} ${path.join(root, "bin", "promptforge.js")} mcp`,
      );
      expect(out.stdout).not.toContain("npx promptforge mcp\n");
      expect(out.stdout).toContain(
        'claude mcp add --transport http promptforge http://127.0.0.1:8111/mcp --header "Authorization: Bearer $MCP_AUTH_TOKEN"',
      );
      for (const heading of ["## Claude Desktop", "## Cursor", "## VS Code"]) expect(out.stdout).toContain(heading);
      expect(out.stdout).toContain('"type": "http"');
      expect(out.stdout).not.toContain("super-secret-mcp-token");
    } finally {
      dir.cleanup();
    }
  });
});
