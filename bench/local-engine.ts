// Local engine throughput and latency over the shipped corpora (full pipeline, one core).
import { createLocalEngine } from "../src/core/local/engine.js";
import { runPipeline } from "../src/core/pipeline/run.js";
import { loadCorpus } from "./corpora.js";
import { type Figure, round, summarize } from "./stats.js";

async function timeCorpus(prompts: string[], warmup = true): Promise<number[]> {
  const engine = createLocalEngine();
  if (warmup) for (const p of prompts.slice(0, 50)) await runPipeline({ prompt: p, engine });
  const samples: number[] = [];
  for (const prompt of prompts) {
    const start = performance.now();
    await runPipeline({ prompt, engine });
    samples.push(performance.now() - start);
  }
  return samples;
}

export async function runLocalEngineBench(): Promise<Figure[]> {
  const everyday = loadCorpus("everyday").map((p) => p.prompt);
  const awesome = loadCorpus("awesome-chatgpt-prompts").map((p) => p.prompt);
  // Prompts over the 100 000-character limit are rejected by design; they are not timed.
  const all = [...everyday, ...awesome].filter((p) => p.length <= 100_000);
  const short = all.filter((p) => p.length <= 2000);
  const figures: Figure[] = [];
  const budgeted = summarize(await timeCorpus(short));
  figures.push({
    name: "local_engine.pipeline_le_2000_chars.median",
    value: round(budgeted.median),
    unit: "ms",
    budget: "< 2",
    within_budget: budgeted.median < 2,
    prompts: budgeted.count,
  });
  figures.push({
    name: "local_engine.pipeline_le_2000_chars.p99",
    value: round(budgeted.p99),
    unit: "ms",
    budget: "< 10",
    within_budget: budgeted.p99 < 10,
    prompts: budgeted.count,
  });
  const start = performance.now();
  const every = summarize(await timeCorpus(all, false));
  const seconds = (performance.now() - start) / 1000;
  figures.push({
    name: "local_engine.pipeline_all.median",
    value: round(every.median),
    unit: "ms",
    prompts: every.count,
  });
  figures.push({ name: "local_engine.pipeline_all.p99", value: round(every.p99), unit: "ms", prompts: every.count });
  figures.push({ name: "local_engine.pipeline_all.max", value: round(every.max), unit: "ms", prompts: every.count });
  figures.push({ name: "local_engine.throughput_all", value: round(all.length / seconds, 1), unit: "prompts/s" });
  return figures;
}
