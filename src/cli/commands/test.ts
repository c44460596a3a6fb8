// `promptforge test FILE`: run the original against the optimized prompt on the file's test cases and
// print the summary. Exit code 1 when the optimized prompt loses, when one of its outputs fails an
// assertion, or when the run does not complete — so CI can gate on it.
import path from "node:path";
import type { Command } from "commander";
import type { TestRunEvent } from "../../usecases/prompt-tests.js";
import type { TestRunRecord } from "../../usecases/prompt-tests-schemas.js";
import { type Io, readTextFile, UsageError } from "../io.js";
import type { CliContext } from "../main.js";

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
};

/** A `prompts:` entry: inline text, or `file://path` relative to the test file. */
async function promptOf(entry: string, baseDir: string): Promise<string> {
  if (!entry.startsWith("file://")) return entry;
  return readTextFile(path.resolve(baseDir, entry.slice("file://".length)));
}

const pct = (x: number | null) => (x === null ? "n/a" : `${Math.round(x * 100)} %`);
const num = (x: number | null, unit = "") => (x === null ? "n/a" : `${Math.round(x)}${unit}`);

export function formatRun(run: TestRunRecord): string {
  const { a, b, comparison: c } = run.summary;
  const rows: Array<[string, string, string]> = [
    ["", run.labels.a, run.labels.b],
    ["constraints followed", pct(a.constraints.rate), pct(b.constraints.rate)],
    ["assertions passed", pct(a.assertions.rate), pct(b.assertions.rate)],
    ["failed outputs", String(a.failed), String(b.failed)],
    ["mean output tokens", num(a.mean_output_tokens), num(b.mean_output_tokens)],
    ["mean latency", num(a.mean_latency_ms, " ms"), num(b.mean_latency_ms, " ms")],
  ];
  if (a.mean_cost_usd !== null || b.mean_cost_usd !== null) {
    const usd = (x: number | null) => (x === null ? "n/a" : `$${x.toFixed(5)}`);
    rows.push(["mean cost", usd(a.mean_cost_usd), usd(b.mean_cost_usd)]);
  }
  const kinds = [...new Set([...Object.keys(a.constraints.by_kind), ...Object.keys(b.constraints.by_kind)])].sort();
  for (const kind of kinds) {
    rows.push([
      `  ${kind}`,
      pct(a.constraints.by_kind[kind]?.rate ?? null),
      pct(b.constraints.by_kind[kind]?.rate ?? null),
    ]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const table = rows.map(([k, x, y]) => `${k.padEnd(w0)}  ${x.padStart(w1)}  ${y}`).join("\n");
  const interval = c.interval ? `, 95 % interval ${pct(c.interval.low)}–${pct(c.interval.high)}` : "";
  const by = c.source === "judge" ? "judge" : "checks (constraints + assertions, pair by pair)";
  return [
    `Prompt test ${run.id}: ${run.status} on ${run.provider}${run.model ? `:${run.model}` : ""} — ` +
      `${run.cases.length} cases × ${run.samples} samples, ${run.calls_made} calls`,
    table,
    `win rate of ${run.labels.b} by ${by}: ${pct(c.win_rate)}${interval} (${c.wins} wins, ${c.losses} losses, ${c.ties} ties)`,
    `verdict: ${c.verdict} (${c.reason})`,
  ].join("\n");
}

/** Exit 1 when the candidate loses, fails an assertion, or the run did not finish. */
export function failedReasons(run: TestRunRecord): string[] {
  const reasons: string[] = [];
  if (run.status !== "completed") reasons.push(`the run ended ${run.status}`);
  if (run.summary.comparison.verdict === "optimized loses") reasons.push(`${run.labels.b} loses`);
  const failing = run.outputs.filter((o) => o.version === "b" && o.assertions?.some((x) => !x.pass));
  if (failing.length > 0) {
    const first = failing[0];
    const detail = first.assertions?.find((x) => !x.pass)?.detail ?? "";
    reasons.push(
      `${failing.length} ${run.labels.b} output(s) fail an assertion (case ${first.case_index + 1}: ${first.assertions?.find((x) => !x.pass)?.type} ${detail})`,
    );
  }
  return reasons;
}

function progress(io: Io): (event: TestRunEvent) => void {
  return (event) => {
    if (event.type === "start") {
      io.stderr.write(
        `running ${event.data.outputs_total} outputs and ${event.data.judgments_total} judgments ` +
          `(${event.data.estimated_calls} calls)${event.data.resumed ? ", resumed" : ""}\n`,
      );
    } else if (event.type === "output") {
      const o = event.data.output;
      const failed = o.status === "failed" ? ` failed: ${o.error_message ?? ""}` : "";
      io.stderr.write(
        `  output ${event.data.done}/${event.data.total} case ${o.case_index + 1} ${o.version}${failed}\n`,
      );
    } else if (event.type === "judgment") {
      io.stderr.write(`  judgment ${event.data.done}/${event.data.total}\n`);
    } else if (event.type === "waiting") {
      io.stderr.write(`  ${event.data.message}\n`);
    }
  };
}

export function registerTest(program: Command, ctx: CliContext): void {
  program
    .command("test")
    .description(
      "Run the original against the optimized prompt on test cases (JSONL, or YAML with `tests:` and optionally " +
        "`prompts:`) and print which one the model follows better. Exit 1 when the optimized prompt loses or fails " +
        "an assertion.",
    )
    .argument("[file]", "test cases: JSONL, or promptfoo-style YAML (`prompts:` + `tests:`)")
    .option("--original <file>", "the original (baseline) prompt, from a file")
    .option("--optimized <file>", "the optimized (candidate) prompt, from a file")
    .option("--optimization <id>", "test a stored optimization's original against its optimized prompt")
    .option("--prompt-id <id>", "test two versions of a project prompt (its stored cases when no FILE)")
    .option("--provider <name>", "the model that answers: anthropic, openai, openai-compatible, gemini, claude-cli")
    .option("--model <name>", "model name for the provider")
    .option("--samples <n>", "outputs per case and prompt (1–10)", int("--samples"))
    .option("--concurrency <n>", "provider calls in flight (1–8)", int("--concurrency"))
    .option("--judge", "also let the model compare each pair of outputs (both orders)")
    .option("--judge-provider <name>", "judge on another provider")
    .option("--judge-model <name>", "judge with another model")
    .option("--max-calls <n>", "refuse a run that needs more provider calls", int("--max-calls"))
    .option("--seed <n>", "seed of the judge's order", int("--seed"))
    .option("--resume <id>", "resume an interrupted or cancelled run")
    .option("--estimate", "print the number of provider calls and stop")
    .option("--json", "print the whole run as JSON")
    .option("-q, --quiet", "no progress on stderr")
    .action(async (file: string | undefined, opts) => {
      const app = await ctx.app();
      let input: Record<string, unknown>;
      if (opts.resume) {
        input = { resume: opts.resume };
      } else {
        // Loaded here, not with the CLI: it pulls in `yaml`, which `serve` does not need at start-up.
        const { parseTestConfig } = await import("../../core/prompt-tests/files.js");
        const config = file ? parseTestConfig(await readTextFile(file)) : { prompts: [], cases: [] };
        const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
        let original = opts.original ? await readTextFile(opts.original) : undefined;
        let optimized = opts.optimized ? await readTextFile(opts.optimized) : undefined;
        if (!original && !optimized && config.prompts.length === 2 && !opts.optimization && !opts.promptId) {
          original = await promptOf(config.prompts[0], baseDir);
          optimized = await promptOf(config.prompts[1], baseDir);
        }
        if (!original && !optimized && !opts.optimization && !opts.promptId) {
          throw new UsageError(
            "say which prompts to test: --original FILE --optimized FILE, --optimization ID, --prompt-id ID, or " +
              "`prompts:` in the YAML file",
          );
        }
        if (!file && !opts.promptId) throw new UsageError("give a test file (JSONL or YAML with `tests:`)");
        const judge =
          opts.judgeProvider || opts.judgeModel
            ? { provider: opts.judgeProvider, model: opts.judgeModel }
            : opts.judge
              ? true
              : undefined;
        input = {
          ...(opts.optimization ? { optimization_id: opts.optimization } : {}),
          ...(opts.promptId ? { prompt_id: opts.promptId } : {}),
          ...(original !== undefined ? { original } : {}),
          ...(optimized !== undefined ? { optimized } : {}),
          ...(config.cases.length > 0 ? { cases: config.cases } : {}),
          provider: opts.provider,
          model: opts.model,
          samples: opts.samples,
          concurrency: opts.concurrency,
          judge,
          max_calls: opts.maxCalls,
          seed: opts.seed,
        };
        if (opts.estimate) {
          const estimate = await app.promptTests.estimate(input);
          ctx.io.stdout.write(
            opts.json
              ? `${JSON.stringify(estimate, null, 2)}\n`
              : `${estimate.calls} provider calls (${estimate.cases} cases × ${estimate.samples} samples × 2 prompts` +
                  `${estimate.judge ? " + 2 judgments per pair" : ""}); cap ${estimate.max_calls}` +
                  `${estimate.within_cap ? "" : " — over the cap"}\n`,
          );
          if (!estimate.within_cap) ctx.setExitCode(1);
          return;
        }
      }
      const controller = new AbortController();
      const onSignal = () => controller.abort("cancelled");
      process.once("SIGINT", onSignal);
      try {
        const run = await app.promptTests.run(input, {
          signal: controller.signal,
          emit: opts.quiet ? undefined : progress(ctx.io),
        });
        ctx.io.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : `${formatRun(run)}\n`);
        const reasons = failedReasons(run);
        if (reasons.length > 0) {
          if (!opts.json) ctx.io.stderr.write(`promptforge: test failed: ${reasons.join("; ")}\n`);
          if (run.status !== "completed") ctx.io.stderr.write(`resume with: promptforge test --resume ${run.id}\n`);
          ctx.setExitCode(1);
        }
      } finally {
        process.removeListener("SIGINT", onSignal);
      }
    });
}
