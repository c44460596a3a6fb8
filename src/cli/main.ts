// The `promptforge` command line: each command builds the app from config, calls a use case and
// prints human output (or --json). Results go to stdout, progress and errors to stderr.
import { Command, CommanderError } from "commander";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { VERSION } from "../version.js";
import { registerAnalyze } from "./commands/analyze.js";
import { registerBatch } from "./commands/batch.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerGitHub } from "./commands/github.js";
import { registerHistory } from "./commands/history.js";
import { registerKeygen } from "./commands/keygen.js";
import { registerMcp } from "./commands/mcp.js";
import { registerOptimize } from "./commands/optimize.js";
import { registerServe } from "./commands/serve.js";
import { registerStrategies } from "./commands/strategies.js";
import { registerTest } from "./commands/test.js";
import { registerTransfer } from "./commands/transfer.js";
import { registerVerify } from "./commands/verify.js";
import { describeCause, describeError, type Io, processIo } from "./io.js";

export interface CliContext {
  io: Io;
  /** Opens the app on first use (commands that need no database never open it). */
  app(): Promise<App>;
  setExitCode(code: number): void;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command()
    .name("promptforge")
    .description("Analyse, rewrite and score LLM prompts — offline on the built-in engine, or with any LLM provider.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  registerOptimize(program, ctx);
  registerAnalyze(program, ctx);
  registerTest(program, ctx);
  registerVerify(program, ctx);
  registerBatch(program, ctx);
  registerHistory(program, ctx);
  registerStrategies(program, ctx);
  registerKeygen(program, ctx);
  registerDoctor(program, ctx);
  registerServe(program, ctx);
  registerMcp(program, ctx);
  registerTransfer(program, ctx);
  registerGitHub(program, ctx);
  return program;
}

/** Commands that start runs of their own (they recover the runs of instances that are gone). */
const RUN_COMMANDS = new Set(["optimize", "batch", "test", "mcp", "serve"]);

function commandOf(argv: string[]): string {
  return argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "";
}

/** Runs the CLI and resolves to the process exit code. */
export async function run(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let app: App | undefined;
  let exitCode = 0;
  const ctx: CliContext = {
    io,
    app: async () => {
      if (!app) {
        const config = loadConfig({ LOG_LEVEL: "warn", ...env });
        // Only commands that run work recover the runs of instances that are gone (issue 17).
        app = await createApp(config, { logDestination: 2, recoverRuns: RUN_COMMANDS.has(commandOf(argv)) });
      }
      return app;
    },
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    await buildProgram(ctx).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode === 0 ? 0 : 2;
    } else {
      io.stderr.write(`promptforge: error: ${describeError(error)}\n`);
      // The promise made by "run with LOG_LEVEL=debug for details": the cause, for whoever asked.
      if (/^(debug|trace)$/i.test(env.LOG_LEVEL ?? "")) io.stderr.write(`${describeCause(error, env)}\n`);
      exitCode = 2;
    }
  } finally {
    await app?.close();
  }
  return exitCode;
}
