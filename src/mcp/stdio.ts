// The MCP server on stdio (`promptforge mcp`): stdout carries only JSON-RPC, logs go to stderr.
// Activity goes to the API server (if one runs on HOST:PORT) through the signed webhook.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { App } from "../app.js";
import type { ActivitySink } from "../events/mcp-activity.js";
import { describeDataDir } from "../security/data-dir.js";
import { ToolCallTracker } from "./activity.js";
import { apiBaseUrl, createWebhookSink, resolveInternalSecret, type WebhookSink } from "./activity-webhook.js";
import { createMcpServer } from "./server.js";

export interface RunStdioOptions {
  app: App;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Signals that end the server at once (default SIGINT, SIGTERM). */
  signals?: NodeJS.Signals[];
  /** When stdin ends, how long calls in flight may still take (default 120 s). */
  drainTimeoutMs?: number;
}

function webhookFor(app: App): WebhookSink | null {
  try {
    const secret = resolveInternalSecret(app.config);
    return createWebhookSink({ baseUrl: apiBaseUrl(app.config), secret, logger: app.logger });
  } catch (error) {
    app.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "MCP activity will not reach the API server: the internal webhook secret is unavailable",
    );
    return null;
  }
}

/** Serves MCP on stdio until the input ends or a signal arrives; resolves to the exit code. */
export async function runStdioMcpServer(options: RunStdioOptions): Promise<number> {
  const { app } = options;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const webhook = webhookFor(app);
  const sink: ActivitySink = webhook?.sink ?? (() => {});
  const tracker = new ToolCallTracker({
    sink,
    transport: "stdio",
    clientName: () => server.server.getClientVersion()?.name,
  });
  const server = createMcpServer({ app, tracker });
  const transport = new StdioServerTransport(input as NodeJS.ReadStream, output as NodeJS.WriteStream);

  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  let finish: (reason: "input" | "signal") => void = () => {};
  const done = new Promise<"input" | "signal">((resolve) => {
    finish = resolve;
  });
  const onSignal = () => finish("signal");
  // The client closed stdin: let calls already received finish (their answers still go out) before stopping.
  const onInputEnd = () => finish("input");
  for (const name of signals) process.on(name, onSignal);
  input.once("end", onInputEnd);
  input.once("close", onInputEnd);

  await server.connect(tracker.wrap(transport));
  server.server.onclose = onSignal;
  const { dataDir, dataDirSource, databaseUrl } = app.config;
  app.logger.info(
    { api: apiBaseUrl(app.config), ...(databaseUrl ? {} : { data_dir: dataDir, data_dir_source: dataDirSource }) },
    "MCP server ready on stdio",
  );
  // An IDE starts this process in the user's repository: using an old ./data found there is said loudly.
  if (!databaseUrl && dataDirSource === "legacy-cwd") app.logger.warn(describeDataDir(dataDir, dataDirSource));
  // Said at once (not at the first tool call) when no API server answers for the activity feed.
  void webhook?.probe(1_500);
  try {
    const reason = await done;
    if (reason === "input") {
      const deadline = Date.now() + (options.drainTimeoutMs ?? 120_000);
      while (tracker.activeCalls > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    }
    // A signal (or a drain that ran out): calls in flight get an error result instead of silence, and
    // their handlers stop, so the runs they started are stored as cancelled before the app closes.
    const interrupted = await tracker.interruptAll().catch(() => 0);
    if (interrupted > 0) {
      app.logger.info({ calls: interrupted, reason }, "MCP calls in flight answered with an error (shutting down)");
      const deadline = Date.now() + 2_000;
      while (app.deps.runs.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    for (const name of signals) process.off(name, onSignal);
    input.off("end", onInputEnd);
    input.off("close", onInputEnd);
    await server.close().catch(() => undefined);
    await webhook?.flush(2_000);
  }
  return 0;
}
