// Test harness: a real App on a temporary data directory, the MCP Streamable HTTP server on an
// ephemeral loopback port with an in-process activity bus, and SDK clients connected to it.
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { App } from "../../src/app.js";
import { createMemoryEventBus } from "../../src/events/bus.js";
import type { McpActivity, McpActivityBus } from "../../src/events/mcp-activity.js";
import { type McpHttpServer, startMcpHttpServer } from "../../src/mcp/http.js";
import { createTempApp } from "../helpers/temp-app.js";

export interface McpTestServer {
  app: App;
  dir: string;
  bus: McpActivityBus;
  server: McpHttpServer;
  url: string;
  /** Connects an SDK client (closed by close()). */
  connect(options?: { token?: string; capabilities?: ClientOptions["capabilities"]; name?: string }): Promise<Client>;
  close(): Promise<void>;
}

export async function startMcpTestServer(env: Record<string, string> = {}): Promise<McpTestServer> {
  const temp = await createTempApp({ MCP_HOST: "127.0.0.1", MCP_PORT: "0", ...env });
  const bus = createMemoryEventBus<McpActivity>();
  const server = await startMcpHttpServer({ app: temp.app, config: temp.app.config, bus });
  const clients: Client[] = [];
  return {
    app: temp.app,
    dir: temp.dir,
    bus,
    server,
    url: server.url,
    async connect(options = {}) {
      const client = new Client(
        { name: options.name ?? "vitest-client", version: "1.0.0" },
        { capabilities: options.capabilities ?? {} },
      );
      const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.close().catch(() => undefined);
      await server.close();
      await temp.dispose();
    },
  };
}

/** The structured content of a successful tool call (fails the test on an error result). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of tool results
export function structured<T = Record<string, any>>(result: unknown): T {
  const r = result as { isError?: boolean; structuredContent?: unknown; content?: Array<{ text?: string }> };
  if (r.isError) throw new Error(`tool failed: ${r.content?.[0]?.text}`);
  return r.structuredContent as T;
}

/** The text of an error result. */
export function errorText(result: unknown): string {
  const r = result as { isError?: boolean; content?: Array<{ text?: string }> };
  if (!r.isError) throw new Error("expected an error result");
  return r.content?.map((c) => c.text ?? "").join("\n") ?? "";
}
