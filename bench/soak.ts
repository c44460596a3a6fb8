// Load, soak and crash-restart figures (issue 12), on loopback only, each bounded in time:
//  - autocannon for a fixed time on history search and on local optimizations (rate limits raised):
//    zero errors, p50/p99;
//  - 10 000 local optimizations (BENCH_SOAK_RUNS) through the API with RSS sampled: the slope per 1 000 after the
//    warm-up, and the open handles before and after;
//  - the MCP endpoint: 10 SDK clients calling `analyze` back to back: zero errors, calls/s, p50/p99;
//  - restart after `kill -9` to healthy with 100 000 records (the compiled CLI, as `npm start`).
//
//   BENCH=soak npm run bench
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createApp } from "../src/app.js";
import { createMemoryEventBus } from "../src/events/bus.js";
import type { McpActivity } from "../src/events/mcp-activity.js";
import { startMcpHttpServer } from "../src/mcp/http.js";
import type { RunningServer } from "../src/server/serve.js";
import { seedSyntheticHistory } from "../src/store/index.js";
import {
  type AutocannonResult,
  benchConfig,
  CONNECTIONS,
  compiledCli,
  cpuMs,
  load,
  PROMPT,
  randomPort,
  stopChild,
  waitHealthy,
  withBenchServer,
} from "./load.js";
import { type Figure, round, summarize } from "./stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
function withServer<T>(fn: (server: RunningServer, dataDir: string) => Promise<T>): Promise<T> {
  return withBenchServer("pf-bench-soak-", fn);
}

function loadFigure(name: string, r: AutocannonResult, seconds: number): Figure {
  const errors = r.errors + r.non2xx + r.timeouts;
  return {
    name: `load.${name}.errors`,
    value: errors,
    unit: "requests",
    budget: "= 0",
    within_budget: errors === 0,
    requests_per_s: round(r.requests.average, 0),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    connections: CONNECTIONS,
    seconds,
    // The server and the load generator share this machine: at a 1-minute load of 17 on two cores
    // the local optimize figure read 2 req/s, at 4 it reads 115–156 req/s with the same code.
    load_average_1m: round(os.loadavg()[0], 1),
  };
}

export async function benchLoad(seconds = 10): Promise<Figure[]> {
  return withServer(async (server) => {
    await seedSyntheticHistory(server.app.deps.store, 10_000);
    // Not strict: errors are the figure here, not a reason to abort.
    const search = await load(
      `${server.url}/api/history?search=${encodeURIComponent("customer churn")}`,
      seconds,
      {},
      false,
    );
    const optimize = await load(
      `${server.url}/api/optimize`,
      seconds,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ prompt: PROMPT }),
      },
      false,
    );
    return [loadFigure("history_search_10k", search, seconds), loadFigure("optimize_local", optimize, seconds)];
  });
}

/**
 * The MCP endpoint under load: `clients` official SDK clients, each with its own Streamable HTTP
 * session, call `analyze` (local engine) back to back for `seconds`. Zero errors; calls per second
 * and per-call p50/p99 as the agent sees them.
 */
export async function benchMcpLoad(seconds = 10, clients = 10): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pf-bench-mcp-"));
  const app = await createApp(benchConfig(dir, { MCP_HOST: "127.0.0.1", MCP_PORT: "0" }));
  const server = await startMcpHttpServer({ app, config: app.config, bus: createMemoryEventBus<McpActivity>() });
  const connected: Client[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const client = new Client({ name: `bench-${i}`, version: "1.0.0" }, { capabilities: {} });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      connected.push(client);
    }
    const call = (client: Client, n: number) =>
      client.callTool({ name: "analyze", arguments: { prompt: `${PROMPT} Variant ${n}.` } });
    for (const client of connected) await call(client, 0);
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      connected.map(async (client, k) => {
        for (let n = 0; performance.now() < until; n++) {
          const start = performance.now();
          try {
            const result = await call(client, k * 1_000_000 + n);
            if ((result as { isError?: boolean }).isError) errors++;
          } catch {
            errors++;
          }
          latencies.push(performance.now() - start);
        }
      }),
    );
    const s = summarize(latencies);
    return [
      {
        name: "load.mcp_analyze.errors",
        value: errors,
        unit: "calls",
        budget: "= 0",
        within_budget: errors === 0,
        calls_per_s: round(latencies.length / seconds, 0),
        p50_ms: round(s.median, 1),
        p99_ms: round(s.p99, 1),
        calls: latencies.length,
        clients,
        seconds,
      },
    ];
  } finally {
    for (const client of connected) await client.close().catch(() => undefined);
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function post(url: URL, agent: http.Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** BENCH_SOAK_RUNS shortens the soak on a slow machine (default 10 000; warm-up is a fifth). */
const SOAK_RUNS = Number(process.env.BENCH_SOAK_RUNS ?? 10_000);
/**
 * The soak stops by itself after this long (BENCH_SOAK_SECONDS, default 540 s: inside bench/run.ts's
 * 10-minute limit per entry) and reports the runs it made. bench/run.ts's limit only stops waiting:
 * a soak it gave up on kept posting in this process and ran the CPU through the next figure (the
 * restart after kill -9 measured 19 s that way).
 */
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 540);

export async function benchSoak(
  runs = SOAK_RUNS,
  warmUp = Math.round(runs / 5),
  seconds = SOAK_SECONDS,
): Promise<Figure[]> {
  return withServer(async (server) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const url = new URL("/api/optimize", server.url);
    const samples: Array<[number, number]> = [];
    // RSS mixes anonymous memory (heap, native allocations) with file-backed pages (SQLite's mmap
    // of the growing database): the split says which one grows.
    const anonSamples: Array<[number, number]> = [];
    const heapSamples: Array<[number, number]> = [];
    const handlesBefore = process.getActiveResourcesInfo().length;
    let failed = 0;
    let done = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    try {
      for (let i = 0; i < runs && performance.now() < deadline; i += 4, done = i) {
        const statuses = await Promise.all(
          [0, 1, 2, 3].map((k) => post(url, agent, JSON.stringify({ prompt: `${PROMPT} Variant ${i + k}.` }))),
        );
        failed += statuses.filter((s) => s !== 200).length;
        if (i % 200 === 0) {
          samples.push([i, process.memoryUsage().rss / 1024 / 1024]);
          const split = rssSplitMb();
          if (split) anonSamples.push([i, split.anon]);
          heapSamples.push([i, process.memoryUsage().heapUsed / 1024 / 1024]);
        }
      }
    } finally {
      agent.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    const handlesAfter = process.getActiveResourcesInfo().length;
    const after = samples.filter(([i]) => i >= warmUp);
    const perThousand = slope(after) * 1000;
    const slopeAfterWarmUp = (points: Array<[number, number]>) =>
      points.length < 2 ? Number.NaN : round(slope(points.filter(([i]) => i >= warmUp)) * 1000, 2);
    return [
      {
        name: "soak.optimize_local.rss_slope_per_1000",
        value: round(perThousand, 2),
        unit: "MB",
        budget: "< 1",
        within_budget: perThousand < 1,
        runs: done,
        runs_planned: runs,
        stopped_at_time_limit: done < runs,
        warm_up_runs: warmUp,
        failed_runs: failed,
        rss_first_mb: round(samples[0]?.[1] ?? Number.NaN, 1),
        rss_last_mb: round(samples.at(-1)?.[1] ?? Number.NaN, 1),
        rss_anon_slope_per_1000_mb: slopeAfterWarmUp(anonSamples),
        heap_used_slope_per_1000_mb: slopeAfterWarmUp(heapSamples),
        seconds: round((performance.now() - started) / 1000, 1),
      },
      {
        name: "soak.open_handles_growth",
        value: handlesAfter - handlesBefore,
        unit: "handles",
        budget: "<= 0",
        within_budget: handlesAfter - handlesBefore <= 0,
        before: handlesBefore,
        after: handlesAfter,
      },
    ];
  });
}

/** `promptforge serve` compiled from the current sources (see `compiledCli` in bench/load.ts). */
export async function benchRestartAfterKill(records = 100_000, runs = 3): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pf-bench-restart-"));
  const cli = compiledCli();
  try {
    const app = await createApp(benchConfig(dir));
    await seedSyntheticHistory(app.deps.store, records);
    await app.close();
    const times: number[] = [];
    const cpu: number[] = [];
    const loadBefore = os.loadavg()[0];
    for (let i = 0; i < runs; i++) {
      const port = randomPort();
      const env = {
        ...process.env,
        DATA_DIR: dir,
        HOST: "127.0.0.1",
        PORT: String(port),
        MCP_PORT: "0",
        LOG_LEVEL: "warn",
        LLM_PROVIDER: "local",
      };
      const first = spawn(process.execPath, [cli.bin, "serve"], {
        cwd: ROOT,
        env,
        stdio: "ignore",
      });
      await waitHealthy(port, first, 60_000);
      const gone = new Promise((r) => first.once("exit", r));
      first.kill("SIGKILL");
      await gone;
      const started = performance.now();
      const second = spawn(process.execPath, [cli.bin, "serve"], {
        cwd: ROOT,
        env,
        stdio: "ignore",
      });
      try {
        await waitHealthy(port, second, 60_000);
        times.push(performance.now() - started);
        const used = second.pid === undefined ? null : cpuMs(second.pid);
        if (used !== null) cpu.push(used);
      } finally {
        await stopChild(second);
      }
    }
    const best = summarize(times).median;
    return [
      {
        name: "crash.restart_after_kill9_to_healthy_100k.median",
        value: round(best, 0),
        unit: "ms",
        budget: "< 2000",
        within_budget: best < 2000,
        records,
        runs,
        // Wall time depends on how busy the machine is; the server's own CPU to healthy does not.
        server_cpu_ms_median: cpu.length > 0 ? round(summarize(cpu).median, 0) : null,
        load_average_1m: round(loadBefore, 1),
        entry: "compiled CLI (tsc of the current sources)",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    cli.cleanup();
  }
}

export async function runSoakBench(): Promise<Figure[]> {
  return [
    ...(await benchLoad()),
    ...(await benchMcpLoad()),
    ...(await benchSoak()),
    ...(await benchRestartAfterKill()),
  ];
}

/** Anonymous and file-backed resident memory (Linux /proc/self/status), in MB; null elsewhere. */
function rssSplitMb(): { anon: number; file: number } | null {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { anon: kb("RssAnon") / 1024, file: kb("RssFile") / 1024 };
  } catch {
    return null;
  }
}
