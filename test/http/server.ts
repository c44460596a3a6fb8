// Starts the real HTTP server on an ephemeral loopback port with a temporary data directory (and,
// in the postgres test project, a fresh PostgreSQL database: test/helpers/dialect.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createMemoryEventBus } from "../../src/events/bus.js";
import type { McpActivity, McpActivityBus } from "../../src/events/mcp-activity.js";
import { createMcpActivityRoutes } from "../../src/mcp/activity-routes.js";
import { mountMcpActivityRoutes } from "../../src/server/mcp-activity.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";
import { dialectEnv } from "../helpers/dialect.js";
import { installSlowEngine } from "../helpers/slow-engine.js";

export interface TestServer {
  url: string;
  app: App;
  server: RunningServer;
  dataDir: string;
  /** The MCP activity bus, when started with `mcpActivity: true`. */
  activityBus?: McpActivityBus;
  /** fetch relative to the server URL. */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  /** JSON request helper: sends `body` as JSON and parses a JSON answer. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies structurally.
  json<T = any>(
    method: string,
    pathname: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  heartbeatMs?: number;
  /** Per-stage delay of the engine in ms (0 = the plain local engine). */
  engineDelayMs?: number;
  shutdownTimeoutMs?: number;
  /** Mount the MCP activity routes (/api/mcp/events, /api/mcp/status) as `promptforge serve` does. */
  mcpActivity?: boolean;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-http-"));
  const database = await dialectEnv();
  const config = loadConfig({
    ...database.env,
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "local",
    // Functional tests send far more than 60 requests a minute from one address; the limiter
    // itself is tested in test/security with its defaults and a fake clock.
    RATE_LIMIT_RPM: "1000000",
    RATE_LIMIT_OPTIMIZE_RPM: "1000000",
    // A client that disconnects cancels its run at once unless a test asks for a resume grace.
    RUN_RESUME_GRACE_MS: "0",
    ...options.env,
  });
  const app = await createApp(config, { logDestination: 2 });
  if (options.engineDelayMs) installSlowEngine(app, options.engineDelayMs);
  const activityBus = options.mcpActivity ? createMemoryEventBus<McpActivity>() : undefined;
  let closeActivity = () => {};
  const server = await startServer({
    config,
    app,
    heartbeatMs: options.heartbeatMs,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    mount: activityBus
      ? (http, a) => {
          const routes = createMcpActivityRoutes({ bus: activityBus, secret: a.internalSecret });
          closeActivity = () => routes.close();
          mountMcpActivityRoutes(http, routes);
        }
      : undefined,
    beforeClose: async () => closeActivity(),
  });
  const doFetch = (pathname: string, init?: RequestInit) => fetch(`${server.url}${pathname}`, init);
  let closed = false;
  return {
    url: server.url,
    app,
    server,
    dataDir,
    activityBus,
    fetch: doFetch,
    async json(method, pathname, body, headers = {}) {
      const res = await doFetch(pathname, {
        method,
        headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get("content-type") ?? "").includes("json") && text !== "") parsed = JSON.parse(text);
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await app.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
