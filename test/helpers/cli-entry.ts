// Spawnable entry of the real CLI for process-level tests: `node --import tsx test/helpers/cli-entry.ts serve`.
// With PF_TEST_ENGINE_DELAY_MS set, `serve` runs the same serve code on an app whose engine takes
// that long per stage, so a test can hold a stream open while it signals the process (`mcp` too).
import { createApp } from "../../src/app.js";
import { serveUntilSignal } from "../../src/cli/commands/serve.js";
import { processIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config.js";
import { installSlowEngine } from "./slow-engine.js";

const delay = Number(process.env.PF_TEST_ENGINE_DELAY_MS ?? "0");
if (delay > 0 && process.argv[2] === "serve") {
  const config = loadConfig();
  const app = await createApp(config, { logDestination: 1 });
  installSlowEngine(app, delay);
  process.exitCode = await serveUntilSignal({ config, io: processIo, app });
} else if (delay > 0 && process.argv[2] === "mcp") {
  // The stdio MCP server on the slow engine (logs on stderr: stdout is the protocol channel).
  const { runStdioMcpServer } = await import("../../src/mcp/stdio.js");
  const app = await createApp(loadConfig(), { logDestination: 2 });
  installSlowEngine(app, delay);
  process.exitCode = await runStdioMcpServer({ app });
  await app.close();
} else {
  process.exitCode = await run(process.argv);
}
