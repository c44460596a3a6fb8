// Local engine throughput and latency over the shipped corpora (full pipeline, one core).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzePrompt } from "../src/core/local/analyzer.js";
import { createLocalEngine } from "../src/core/local/engine.js";
import { rewritePrompt } from "../src/core/local/rewriter.js";
import { selectStrategy } from "../src/core/local/selector.js";
import { completionCue, placeholderSequence } from "../src/core/local/template.js";
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

function optimizeLocal(prompt: string): string {
  const analysis = analyzePrompt(prompt);
  const strategy = selectStrategy({ prompt, analysis });
  return rewritePrompt({ prompt, analysis, strategy }).optimized_prompt;
}

/** Character edit distance (two rows), for second-pass stability. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};

function appTemplates(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.resolve(here, "../../shared/data/prompts/app-templates/llamaindex.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
}

const ADDED_FORMAT_RE = /^## (?:Output format|Response format|Examples)$|\|\s*[-:]{3,}|^Final answer:/m;

/** Length ratios, second-pass stability and the template invariants. */
function qualityFigures(everyday: string[]): Figure[] {
  const figures: Figure[] = [];
  const first = everyday.map((p) => optimizeLocal(p));
  figures.push({
    name: "local_engine.length_ratio.everyday.median",
    value: round(median(everyday.map((p, i) => first[i].length / p.trim().length)), 2),
    unit: "ratio",
    prompts: everyday.length,
  });
  // Already-structured prompts: the engine's own first-pass rewrites.
  const second = first.map((p) => optimizeLocal(p));
  figures.push({
    name: "local_engine.length_ratio.structured.median",
    value: round(median(first.map((p, i) => second[i].length / p.trim().length)), 2),
    unit: "ratio",
    prompts: first.length,
  });
  const changed = first.map((p, i) => editDistance(p, second[i]) / Math.max(1, p.length));
  figures.push({
    name: "local_engine.second_pass.chars_changed.max",
    value: round(Math.max(...changed)),
    unit: "ratio",
    budget: "<= 0.10",
    within_budget: Math.max(...changed) <= 0.1,
    median: round(median(changed)),
    prompts: first.length,
  });
  const templates = appTemplates();
  if (templates.length > 0) {
    let ok = 0;
    const ratios: number[] = [];
    for (const t of templates) {
      const out = optimizeLocal(t);
      ratios.push(out.length / t.trim().length);
      const cue = completionCue(t);
      const order = placeholderSequence(out).join("\u0000") === placeholderSequence(t).join("\u0000");
      const cueLast = cue === null || out.slice(out.lastIndexOf("\n") + 1) === cue.cue;
      const noNewFormat = ADDED_FORMAT_RE.test(t) || !ADDED_FORMAT_RE.test(out);
      if (order && cueLast && noNewFormat) ok++;
    }
    figures.push({
      name: "local_engine.app_templates.kept_callable",
      value: round(ok / templates.length),
      unit: "ratio",
      budget: "= 1",
      within_budget: ok === templates.length,
      templates: templates.length,
    });
    figures.push({
      name: "local_engine.length_ratio.app_templates.median",
      value: round(median(ratios), 2),
      unit: "ratio",
      templates: templates.length,
    });
  }
  return figures;
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
  figures.push(...qualityFigures(everyday));
  return figures;
}
