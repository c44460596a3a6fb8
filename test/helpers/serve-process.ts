// `promptforge serve` as a real child process (through test/helpers/cli-entry.ts, so
// PF_TEST_ENGINE_DELAY_MS can slow the engine down): spawn it on a data directory, resolve once it
// prints "listening on <url>", and end every process started here with `killAllServe()` (afterEach).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { TSX_IMPORT } from "./tsx.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds from spawn until "listening on" was printed. */
  startMs: number;
}

const children: ChildProcess[] = [];

/** Loopback, an ephemeral port, the local engine and rate limits out of the way; `env` overrides. */
export async function spawnServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", TSX_IMPORT, "test/helpers/cli-entry.ts", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      MCP_PORT: "0",
      RATE_LIMIT_RPM: "1000000",
      RATE_LIMIT_OPTIMIZE_RPM: "1000000",
      LLM_PROVIDER: "local",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 10);
    exit.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`serve exited early (${code ?? signal}): ${err}`));
    });
  });
  return { child, url, dataDir, stderr: () => err, stdout: () => out, exit, startMs: performance.now() - started };
}

/** kill -9, and wait until the process is gone. */
export async function kill9(p: ServeProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await p.exit;
}

/** Ends (SIGKILL) every process `spawnServe` started and waits until each is gone. */
export async function killAllServe(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await gone;
    }
  }
}
