// Shared load-generation helpers of the HTTP, soak and scale benchmarks: a bench server on a
// throwaway data directory (logs off, rate limits raised so the limiter never answers 429),
// autocannon runs, timed GETs and time-to-first-SSE-event, waiting for a spawned server to be
// healthy, and the RSS of a process.
import { type ChildProcess, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, loadConfig } from "../src/config.js";
import { type RunningServer, startServer } from "../src/server/serve.js";

export const PROMPT =
  "Write a product description for a waterproof hiking backpack aimed at weekend hikers. Keep it under 120 words.";

export function benchConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "local",
    RATE_LIMIT_RPM: "100000000",
    RATE_LIMIT_OPTIMIZE_RPM: "100000000",
    ...env,
  });
}

/** A server in this process on a fresh data directory, closed and removed after `fn`. */
export async function withBenchServer<T>(
  prefix: string,
  fn: (server: RunningServer, dataDir: string) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const server = await startServer({ config: benchConfig(dir, env) });
  try {
    return await fn(server, dir);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export const CONNECTIONS = 10;

/**
 * autocannon for `seconds` at 10 connections. The load generator runs in a worker thread so this
 * thread's event loop serves requests only. `strict` throws on any non-2xx answer or error.
 */
export async function load(
  url: string,
  seconds: number,
  options: Record<string, unknown> = {},
  strict = true,
): Promise<AutocannonResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, workers: 1, ...options });
  if (strict && (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)) {
    throw new Error(
      `load test of ${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result;
}

/** One GET on a keep-alive agent: ms until the body ended; rejects on a non-200 answer. */
export function timedGet(url: URL, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get(url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url.pathname} answered ${res.statusCode}`));
        res.resume();
        res.on("end", () => resolve(performance.now() - start));
      })
      .on("error", reject);
  });
}

/** One POST /api/optimize: ms until the first `event:` frame arrives; the stream is read to the end. */
export function timeFirstEvent(url: URL, agent: http.Agent, prompt = PROMPT): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ prompt });
    const start = performance.now();
    let first = Number.NaN;
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`POST ${url.pathname} answered ${res.statusCode}`));
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (Number.isNaN(first) && chunk.includes("event:")) first = performance.now() - start;
        });
        res.on("end", () => resolve(first));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Polls GET /api/health of a spawned server every 10 ms until it answers 200. */
export async function waitHealthy(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    if (performance.now() > deadline) throw new Error(`server did not become healthy within ${deadlineMs} ms`);
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SIGTERM a child process (if still running) and wait until it is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** Resident set size of a process, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** A free-ish loopback port for a spawned server. */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The CLI compiled from the current sources, as `npm start` runs it, but into a throwaway package
 * directory (bin/, dist/, package.json, node_modules linked) so the checkout's dist/ is untouched.
 */
export function compiledCli(): { bin: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), "pf-bench-cli-"));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      path.join(root, "dist"),
    ],
    { cwd: ROOT, stdio: "ignore" },
  );
  mkdirSync(path.join(root, "bin"));
  copyFileSync(path.join(ROOT, "bin/promptforge.js"), path.join(root, "bin/promptforge.js"));
  copyFileSync(path.join(ROOT, "package.json"), path.join(root, "package.json"));
  symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  return { bin: path.join(root, "bin/promptforge.js"), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** CPU time (user + system, 100 ticks/s) a process has used so far, in ms, from /proc; null off Linux. */
/**
 * CPU milliseconds (user + system) of this process's main thread (Linux /proc), or null: the
 * server's own cost when autocannon runs in a worker thread of the same process. Unlike
 * throughput it hardly moves with the VM's steal time (time the vCPU is not running is not counted).
 */
export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, "utf8");
    const fields = stat.split(") ")[1]?.split(" ") ?? [];
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}

export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}
