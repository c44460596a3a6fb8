/**
 * Provider pipeline benchmarks (PRODUCT.md section 10), against the fake OpenAI server with a fixed
 * latency per call, through the real SDK:
 *  - overhead: wall time of a full run minus the time the provider itself spent answering (measured
 *    server side), as a percentage of the provider time — budget < 3 %. The figure is the median of
 *    30 runs after 3 warm-up runs, with the median of each round of 6 beside it (one noisy stretch
 *    on a shared machine does not decide it) and the CPU ms of the bench process per run. The fake
 *    runs inside the bench process; BENCH_PROVIDER_FAKE=child runs it in a child process instead (as
 *    a real provider is elsewhere; on a loaded machine that adds cross-process scheduling delays);
 *  - batch: 100 runs with concurrency 8 as a fraction of the ideal 8× speed-up — budget ≥ 90 %.
 *
 *   npx tsx bench/providers.ts     # one JSON line per figure
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PipelineEngine } from "../src/core/pipeline/engine.js";
import { runPipeline } from "../src/core/pipeline/run.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { mapWithConcurrency } from "../src/usecases/batch-optimize.js";
import { startFakeOpenAI } from "../test/fakes/openai-server.js";
import { stageReply } from "../test/fakes/stage-replies.js";
import { emit, type Figure, round, summarize } from "./stats.js";

const LATENCY_MS = 200;
const API_KEY = "sk-bench-0123456789";
/** Runs that warm the JIT and the connections before anything is measured. */
const WARM_UP_RUNS = 3;
/** Measured runs: ROUNDS × RUNS_PER_ROUND; the figure is the median over all of them. */
const ROUNDS = 5;
const RUNS_PER_ROUND = 6;
const BATCH_SIZE = 100;
const BATCH_CONCURRENCY = 8;
const PROMPT =
  'Write a blog post about remote work for {{company}}. Use exactly 3 bullet points and end with "Stay curious."';

interface FakeProvider {
  url: string;
  /** Server-side ms of each request answered since the last call. */
  takeTimings(): Promise<number[]>;
  close(): Promise<void>;
}

/** The fake in a child process, as a real provider is elsewhere (see providers-fake.ts). */
async function childFake(): Promise<FakeProvider> {
  const child = fork(fileURLToPath(new URL("./providers-fake.ts", import.meta.url)), [], {
    env: { ...process.env, FAKE_LATENCY_MS: String(LATENCY_MS), FAKE_API_KEY: API_KEY },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = async <T>(key: string): Promise<T> => {
    for (;;) {
      const [message] = (await once(child, "message")) as [Record<string, unknown>];
      if (key in message) return message[key] as T;
    }
  };
  const url = await next<string>("url");
  return {
    url,
    async takeTimings() {
      const reply = next<number[]>("timings");
      child.send("timings");
      return reply;
    },
    async close() {
      const exited = once(child, "exit");
      child.send("close");
      await exited;
    },
  };
}

/** The fake in this process: its request parsing and reply writing share the pipeline's event loop. */
async function inProcessFake(): Promise<FakeProvider> {
  const fake = await startFakeOpenAI({ apiKey: API_KEY });
  fake.script.fallback = (req) => {
    const reply = stageReply(req);
    return reply.type === "json" || reply.type === "text" ? { ...reply, delayMs: LATENCY_MS } : reply;
  };
  let taken = 0;
  return {
    url: fake.url,
    async takeTimings() {
      const timings = fake.timings.slice(taken);
      taken = fake.timings.length;
      return timings;
    },
    close: () => fake.close(),
  };
}

async function engineOn(fake: FakeProvider): Promise<PipelineEngine> {
  const registry = createProviderRegistry({
    providers: { openai: { apiKey: API_KEY, baseUrl: fake.url }, claudeCli: { searchPath: "" } },
    random: () => 0.5,
  });
  return registry.resolve({ provider: "openai" });
}

/**
 * Overhead of each run: its wall time minus the time the provider spent answering (measured server
 * side), in % of the provider time. CPU is this process's (user + system) per measured run.
 */
async function measureOverhead(fake: FakeProvider, rounds: number, runsPerRound: number) {
  const engine = await engineOn(fake);
  const run = () => runPipeline({ prompt: PROMPT, engine });
  for (let i = 0; i < WARM_UP_RUNS; i++) await run();
  await fake.takeTimings();
  const overheads: number[] = [];
  const roundMedians: number[] = [];
  const runTimes: number[] = [];
  let cpuMicros = 0;
  for (let r = 0; r < rounds; r++) {
    const inRound: number[] = [];
    for (let i = 0; i < runsPerRound; i++) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await run();
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      cpuMicros += cpu.user + cpu.system;
      const providerTime = (await fake.takeTimings()).reduce((a, b) => a + b, 0);
      runTimes.push(wall);
      inRound.push(((wall - providerTime) / providerTime) * 100);
    }
    overheads.push(...inRound);
    roundMedians.push(summarize(inRound).median);
  }
  return {
    engine,
    run,
    overhead: summarize(overheads),
    roundMedians,
    single: summarize(runTimes).median,
    cpuPerRun: cpuMicros / 1000 / overheads.length,
  };
}

export async function runProviderBench(): Promise<Figure[]> {
  // tsx turns source maps on; production runs compiled JS without them, and with them every
  // web-stream reader release in the SDK re-parses a source map, which would be measured here.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const loadBefore = os.loadavg()[0] ?? 0;
  const inChild = process.env.BENCH_PROVIDER_FAKE === "child";
  const fake = inChild ? await childFake() : await inProcessFake();
  try {
    const measured = await measureOverhead(fake, ROUNDS, RUNS_PER_ROUND);
    const overhead = measured.overhead.median;
    const single = measured.single;
    const run = measured.run;

    const batchStart = performance.now();
    await mapWithConcurrency(Array.from({ length: BATCH_SIZE }), BATCH_CONCURRENCY, () => run());
    const batchWall = performance.now() - batchStart;
    const speedUp = (BATCH_SIZE * single) / batchWall;
    const fraction = (speedUp / BATCH_CONCURRENCY) * 100;

    return [
      {
        name: "providers.pipeline_overhead",
        value: round(overhead, 2),
        unit: "%",
        budget: "< 3 %",
        within_budget: overhead < 3,
        reference: { name: "providers.single_run_wall", value: round(single, 1), unit: "ms" },
        provider_latency_ms: LATENCY_MS,
        calls_per_run: 4,
        runs: measured.overhead.count,
        round_medians: measured.roundMedians.map((m) => round(m, 2)),
        p95: round(measured.overhead.p95, 2),
        cpu_ms_per_run: round(measured.cpuPerRun, 1),
        fake_provider: inChild ? "child process" : "in process",
        load_average_1m: round(loadBefore, 2),
        load_average_1m_after: round(os.loadavg()[0] ?? 0, 2),
      },
      {
        name: "providers.batch_speedup_fraction",
        value: round(fraction, 1),
        unit: "% of ideal",
        budget: ">= 90 %",
        within_budget: fraction >= 90,
        reference: { name: "providers.batch_wall", value: round(batchWall, 0), unit: "ms" },
        batch_size: BATCH_SIZE,
        concurrency: BATCH_CONCURRENCY,
        speed_up: round(speedUp, 2),
      },
    ];
  } finally {
    await fake.close();
    process.setSourceMapsEnabled(sourceMaps);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await runProviderBench()) emit(figure);
}
