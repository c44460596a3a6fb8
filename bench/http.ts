// HTTP server measurements: time to first SSE event, throughput against a bare Hono server,
// history search through the API at 100 000 records, start-up to healthy and idle memory.
// Servers run in this process (logs off, rate limits raised so the limiter never answers 429).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { loadConfig } from "../src/config.js";
import { type RunningServer, startServer } from "../src/server/serve.js";
import { seedSyntheticHistory } from "../src/store/index.js";
import { type Figure, round, summarize } from "./stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROMPT =
  "Write a product description for a waterproof hiking backpack aimed at weekend hikers. Keep it under 120 words.";

async function startBenchServer(dataDir: string): Promise<RunningServer> {
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "local",
    RATE_LIMIT_RPM: "100000000",
    RATE_LIMIT_OPTIMIZE_RPM: "100000000",
  });
  return startServer({ config });
}

async function withServer<T>(fn: (server: RunningServer) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pf-bench-http-"));
  const server = await startBenchServer(dir);
  try {
    return await fn(server);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One POST /api/optimize: ms until the first `event:` frame arrives; the stream is read to the end. */
function timeFirstEvent(url: URL, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ prompt: PROMPT });
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
        if (res.statusCode !== 200) reject(new Error(`POST /api/optimize answered ${res.statusCode}`));
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

export async function benchTimeToFirstEvent(requests = 200): Promise<Figure[]> {
  return withServer(async (server) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL("/api/optimize", server.url);
    try {
      for (let i = 0; i < 20; i++) await timeFirstEvent(url, agent);
      const samples: number[] = [];
      for (let i = 0; i < requests; i++) samples.push(await timeFirstEvent(url, agent));
      const s = summarize(samples);
      return [
        {
          name: "http.optimize.time_to_first_event.median",
          value: round(s.median),
          unit: "ms",
          budget: "< 10",
          within_budget: s.median < 10,
          p95: round(s.p95),
          requests: s.count,
        },
      ];
    } finally {
      agent.destroy();
    }
  });
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

async function load(url: string, seconds: number): Promise<AutocannonResult> {
  // The load generator runs in a worker thread so this thread's event loop serves requests only.
  const result = await autocannon({ url, connections: 10, duration: seconds, workers: 1 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`load test of ${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

async function startBareHono(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  app.get("/hello", (c) => c.json({ status: "ok", message: "hello" }));
  const server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }) as http.Server;
    s.once("listening", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hello`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function benchThroughput(seconds = 3): Promise<Figure[]> {
  const bare = await startBareHono();
  try {
    return await withServer(async (server) => {
      // Some history to list: one page of 20 real records.
      for (let i = 0; i < 25; i++) {
        await server.app.optimize({ prompt: `${PROMPT} Variant ${i}.`, title: `Backpack ${i}` });
      }
      const reference = await load(bare.url, seconds);
      const figures: Figure[] = [];
      for (const [name, route] of [
        ["health", "/api/health"],
        ["history", "/api/history"],
      ] as const) {
        const r = await load(`${server.url}${route}`, seconds);
        figures.push(
          {
            name: `http.${name}.requests_per_s`,
            value: round(r.requests.average, 0),
            unit: "req/s",
            ratio_to_reference: round(r.requests.average / reference.requests.average, 3),
            reference: {
              name: "hono.hello_json.requests_per_s",
              value: round(reference.requests.average, 0),
              unit: "req/s",
            },
            connections: 10,
            seconds,
          },
          {
            name: `http.${name}.p99`,
            value: r.latency.p99,
            unit: "ms",
            reference: { name: "hono.hello_json.p99", value: reference.latency.p99, unit: "ms" },
          },
        );
      }
      return figures;
    });
  } finally {
    await bare.close();
  }
}

const SEARCH_WORDS = [
  "kubernetes",
  "photosynthesis",
  "inflation",
  "sales report",
  "python decorators",
  "customer churn",
  "cover letter",
  "sourdough",
  "invoice",
  "jazz history",
  "graph databases",
  "privacy policy",
  "marathon training",
  "renewable energy",
  "typescript function",
  "onboarding email",
  "volcanoes",
  "negotiation",
  "sql query",
  "release notes",
];

export async function benchHistorySearch(records = 100_000, rounds = 10): Promise<Figure[]> {
  return withServer(async (server) => {
    const seedStart = performance.now();
    await seedSyntheticHistory(server.app.deps.store, records);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (q: string) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        http
          .get(new URL(`/api/history?search=${encodeURIComponent(q)}`, server.url), { agent }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`history search answered ${res.statusCode}`));
            res.resume();
            res.on("end", () => resolve(performance.now() - start));
          })
          .on("error", reject);
      });
    try {
      for (const q of SEARCH_WORDS.slice(0, 5)) await get(q);
      const samples: number[] = [];
      const direct: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const q of SEARCH_WORDS) {
          samples.push(await get(q));
          // The same query through the facade, without HTTP: the share the server adds.
          const start = performance.now();
          await server.app.history.list({ search: q });
          direct.push(performance.now() - start);
        }
      }
      const s = summarize(samples);
      const d = summarize(direct);
      return [
        {
          name: "http.history_search_100k.p95",
          value: round(s.p95),
          unit: "ms",
          budget: "< 50",
          within_budget: s.p95 < 50,
          median: round(s.median),
          records,
          requests: s.count,
          seed_seconds: round(seedSeconds, 1),
          reference: { name: "app.history.list_search_100k.p95", value: round(d.p95), unit: "ms" },
        },
      ];
    } finally {
      agent.destroy();
    }
  });
}

/** The compiled CLI, as `npm start` runs it; rebuilt first so the figure is of the current sources. */
function serveCommand(): { args: string[]; entry: string } {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  return { args: [path.join(ROOT, "bin/promptforge.js"), "serve"], entry: "dist" };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function startupOnce(args: string[]): Promise<{ ms: number; rss: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pf-bench-start-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      HOST: "127.0.0.1",
      PORT: String(port),
      MCP_PORT: "0",
      LOG_LEVEL: "warn",
      LLM_PROVIDER: "local",
    },
    stdio: "ignore",
  });
  try {
    const deadline = started + 30_000;
    for (;;) {
      if (performance.now() > deadline) throw new Error("server did not become healthy within 30 s");
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1_000));
    const rss = child.pid ? rssMb(child.pid) : Number.NaN;
    return { ms, rss };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(runs = 5): Promise<Figure[]> {
  const { args, entry } = serveCommand();
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await startupOnce(args);
    times.push(r.ms);
    rss.push(r.rss);
  }
  const t = summarize(times);
  const m = summarize(rss);
  return [
    {
      name: "http.startup_to_healthy.median",
      value: round(t.median, 0),
      unit: "ms",
      budget: "< 1500",
      within_budget: t.median < 1500,
      max: round(t.max, 0),
      runs,
      entry,
    },
    {
      name: "http.idle_rss.median",
      value: round(m.median, 1),
      unit: "MB",
      budget: "< 150",
      within_budget: m.median < 150,
      runs,
      entry,
    },
  ];
}

export async function runHttpBench(): Promise<Figure[]> {
  return [
    ...(await benchTimeToFirstEvent()),
    ...(await benchThroughput()),
    ...(await benchHistorySearch()),
    ...(await benchStartup()),
  ];
}
