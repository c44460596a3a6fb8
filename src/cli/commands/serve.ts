// `promptforge serve`: the REST API (+ SSE, OpenAPI, /docs) on HOST:PORT until SIGINT/SIGTERM,
// then a graceful shutdown. Logs are structured JSON on stdout; the URL line goes to stderr.
import type { Command } from "commander";
import type { App, AppOptions } from "../../app.js";
import { type Config, loadConfig } from "../../config.js";
import { createMcpActivityBus, type McpActivityBus } from "../../events/mcp-activity.js";
import { createMcpActivityRoutes, type McpActivityRoutes } from "../../mcp/activity-routes.js";
import type { McpHttpServer } from "../../mcp/http.js";
import { describeDataDir } from "../../security/data-dir.js";
import { mountMcpActivityRoutes } from "../../server/mcp-activity.js";
import { startServer } from "../../server/serve.js";
import { type Io, UsageError } from "../io.js";
import type { CliContext } from "../main.js";

export interface ServeOptions {
  config: Config;
  io: Io;
  /** Builds the app; tests inject engines here. Default: createApp(config) with logs on stdout. */
  app?: App;
  appOptions?: AppOptions;
  signals?: NodeJS.Signals[];
  heartbeatMs?: number;
  /** Start the MCP Streamable HTTP server on MCP_HOST:MCP_PORT next to the API (default true). */
  mcp?: boolean;
}

/** Serves until a signal arrives; resolves to the exit code once everything is closed. */
export async function serveUntilSignal(options: ServeOptions): Promise<number> {
  const { io } = options;
  const withMcp = options.mcp ?? true;
  // One activity bus per process, shared by the MCP server and the API's /api/mcp feed; with
  // REDIS_URL a Redis Stream shared by every instance (created once the app, and Redis, exist).
  let bus: McpActivityBus | null = null;
  let mcp: McpHttpServer | null = null;
  let mcpState: "not started" | "running" | "stopped" = "not started";
  let activity: McpActivityRoutes | null = null;
  // Signals are caught from the first moment: a Ctrl+C while the server is still starting is
  // remembered and ends it cleanly once it is up, instead of killing it half-started.
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  let received: NodeJS.Signals | undefined;
  let onSignal: (name: NodeJS.Signals) => void = (name) => {
    received ??= name;
  };
  const handler = (name: NodeJS.Signals) => onSignal(name);
  for (const name of signals) process.on(name, handler);
  const releaseSignals = () => {
    for (const name of signals) process.off(name, handler);
  };
  const server = await startServer({
    config: options.config,
    app: options.app,
    appOptions: options.appOptions,
    heartbeatMs: options.heartbeatMs,
    mount: (http, app) => {
      bus = createMcpActivityBus({
        redis: app.redis,
        onError: (error) => app.logger.warn({ err: error }, "MCP activity feed: Redis stream unavailable"),
      });
      activity = createMcpActivityRoutes({
        bus,
        secret: app.internalSecret,
        logger: app.logger,
        status: () => mcp?.status() ?? null,
        heartbeatMs: options.heartbeatMs,
      });
      // The routes and their OpenAPI entries (GET /api/mcp/events, /api/mcp/status) go together.
      mountMcpActivityRoutes(http, activity);
    },
    mcpState: () => mcpState,
    mcpPort: () => mcp?.port ?? null,
    beforeClose: async () => {
      activity?.close();
      await mcp?.close();
      if (mcp) mcpState = "stopped";
      await bus?.close();
    },
  }).catch((error: NodeJS.ErrnoException) => {
    releaseSignals();
    const where = `${options.config.host}:${options.config.port}`;
    if (error.code === "EADDRINUSE") throw new UsageError(`cannot listen on ${where}: the port is already in use`);
    if (error.code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${where}: no such local address`);
    if (error.code === "EACCES") throw new UsageError(`cannot listen on ${where}: permission denied`);
    throw error;
  });
  const log = server.app.logger;
  if (withMcp) {
    try {
      // Loaded after the API listens, so /api/health answers while the MCP SDK is still loading.
      const { startMcpHttpServer } = await import("../../mcp/http.js");
      mcp = await startMcpHttpServer({
        app: server.app,
        config: options.config,
        bus: bus ?? undefined,
        logger: log,
      });
      mcpState = "running";
      io.stderr.write(`MCP (Streamable HTTP) on ${mcp.url}\n`);
      if (options.config.authToken && !options.config.mcpAuthToken) {
        // The API's token does not guard /mcp (the tokens are separate): say so instead of implying it does.
        log.warn({ url: mcp.url }, "MCP is open without a token while the API requires AUTH_TOKEN");
        io.stderr.write(
          `promptforge: warning: ${mcp.url} accepts every local client without a token while the API requires ` +
            "AUTH_TOKEN; set MCP_AUTH_TOKEN to protect it too\n",
        );
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${options.config.mcpHost}:${options.config.mcpPort}`;
      const reason = code === "EADDRINUSE" ? "the port is already in use" : (code ?? "it could not start");
      // The API stays up: MCP over stdio (`promptforge mcp`) still works against the same data.
      log.error({ where, code }, "MCP server not started");
      io.stderr.write(`promptforge: warning: MCP server not started on ${where}: ${reason}\n`);
    }
  }
  log.info({ url: server.url, engine: await server.app.deps.providers.defaultEngine() }, "listening");
  io.stderr.write(
    `PromptForge listening on ${server.url}  (open it in a browser for the workbench; API reference: ${server.url}/docs)\n`,
  );
  if (!options.config.databaseUrl) {
    const { dataDir, dataDirSource } = options.config;
    log.info({ data_dir: dataDir, source: dataDirSource }, "data directory");
    io.stderr.write(`${describeDataDir(dataDir, dataDirSource)}\n`);
  }

  const signal =
    received ??
    (await new Promise<NodeJS.Signals>((resolve) => {
      onSignal = (name) => {
        received = name;
        resolve(name);
      };
    }));
  // A second signal while shutting down means "now".
  onSignal = () => {
    io.stderr.write("promptforge: forced exit\n");
    process.exit(130);
  };
  log.info({ signal: received ?? signal, open_streams: server.streams.size }, "shutting down");
  try {
    await server.close();
  } catch (error) {
    log.error({ err: error }, "error during shutdown");
    return 1;
  } finally {
    releaseSignals();
  }
  if (options.app) await options.app.close();
  io.stderr.write("PromptForge stopped\n");
  return 0;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("Start the REST API server (SSE streaming, OpenAPI at /openapi.json, reference at /docs).")
    .option("--host <host>", "interface to bind (default HOST or 127.0.0.1)")
    .option("--port <port>", "port to listen on, 0 for any free one (default PORT or 8000)")
    .action(async (opts: { host?: string; port?: string }) => {
      // The server logs at LOG_LEVEL (info by default) to stdout, unlike one-shot commands.
      const config = loadConfig();
      if (opts.host !== undefined) config.host = opts.host;
      if (opts.port !== undefined) {
        const port = Number(opts.port);
        if (!/^\d+$/.test(opts.port) || port > 65535)
          throw new UsageError(`--port must be 0–65535, got "${opts.port}"`);
        config.port = port;
      }
      ctx.setExitCode(await serveUntilSignal({ config, io: ctx.io }));
    });
}
