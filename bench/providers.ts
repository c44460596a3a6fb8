/**
 * Provider pipeline benchmarks (PRODUCT.md section 10), against the fake OpenAI server with a fixed
 * latency per call, through the real SDK:
 *  - overhead: wall time of a full run minus the time the provider itself spent answering (measured
 *    server side), as a percentage of the provider time — budget < 3 %;
 *  - batch: 100 runs with concurrency 8 as a fraction of the ideal 8× speed-up — budget ≥ 90 %.
 *
 *   npx tsx bench/providers.ts     # one JSON line per figure
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import { runPipeline } from "../src/core/pipeline/run.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { mapWithConcurrency } from "../src/usecases/batch-optimize.js";
import { startFakeOpenAI } from "../test/fakes/openai-server.js";
import { stageReply } from "../test/fakes/stage-replies.js";
import { emit, type Figure, round, summarize } from "./stats.js";

const LATENCY_MS = 200;
const OVERHEAD_RUNS = 8;
const BATCH_SIZE = 100;
const BATCH_CONCURRENCY = 8;
const PROMPT =
  'Write a blog post about remote work for {{company}}. Use exactly 3 bullet points and end with "Stay curious."';

export async function runProviderBench(): Promise<Figure[]> {
  // tsx turns source maps on; production runs compiled JS without them, and with them every
  // web-stream reader release in the SDK re-parses a source map, which would be measured here.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const fake = await startFakeOpenAI({ apiKey: "sk-bench-0123456789" });
  fake.script.fallback = (req) => {
    const reply = stageReply(req);
    return reply.type === "json" || reply.type === "text" ? { ...reply, delayMs: LATENCY_MS } : reply;
  };
  try {
    const registry = createProviderRegistry({
      providers: { openai: { apiKey: "sk-bench-0123456789", baseUrl: fake.url }, claudeCli: { searchPath: "" } },
      random: () => 0.5,
    });
    const engine = await registry.resolve({ provider: "openai" });
    const run = () => runPipeline({ prompt: PROMPT, engine });
    await run(); // warm-up: module initialisation, first connections

    const overheads: number[] = [];
    const runTimes: number[] = [];
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < OVERHEAD_RUNS; i++) {
      const before = fake.timings.length;
      const started = performance.now();
      await run();
      const wall = performance.now() - started;
      const providerTime = fake.timings.slice(before).reduce((a, b) => a + b, 0);
      runTimes.push(wall);
      overheads.push(((wall - providerTime) / providerTime) * 100);
    }
    const cpu = process.cpuUsage(cpuStart);
    // CPU of this process per run (client and in-process fake server): the overhead on an idle machine.
    const cpuPerRun = (cpu.user + cpu.system) / 1000 / OVERHEAD_RUNS;
    const overhead = summarize(overheads).median;
    const single = summarize(runTimes).median;

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
        cpu_ms_per_run: round(cpuPerRun, 1),
        load_average_1m: round(os.loadavg()[0] ?? 0, 2),
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
