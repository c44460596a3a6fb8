// The `test_prompt` tool: run the original and the optimized prompt on the same test cases and report
// which one the model follows better. With provider "mcp-sampling" (or when the client's own model is
// the only one around) every call goes to the calling client's model through MCP sampling.
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import { samplingTestModel } from "../../usecases/prompt-tests-model.js";
import {
  TestRunOptionsSchema,
  type TestRunRecord,
  TestRunRequestSchema,
  TestRunSchema,
} from "../../usecases/prompt-tests-schemas.js";
import { CAP_NOTE } from "../compact.js";
import { clientCanSample, mcpSampler, SAMPLING_ENGINE_NAME, SAMPLING_TIMEOUT_MS } from "../sampling-engine.js";
import { defineTool, progressReporter, type ToolDeps, type ToolExtra, type ToolOutcome } from "../tool-kit.js";

// Built from the shapes (not the named component schemas), so tools/list shows a plain object schema.
const Input = TestRunOptionsSchema.extend({
  optimization_id: TestRunRequestSchema.shape.optimization_id.describe(
    "Test this optimization's original prompt (a) against its optimized prompt (b).",
  ),
  prompt_id: TestRunRequestSchema.shape.prompt_id.describe(
    "Or test two versions of a project prompt (default: previous against current); its stored cases are used.",
  ),
  original: TestRunRequestSchema.shape.original.describe("Or give the baseline prompt inline (with `optimized`)."),
  optimized: TestRunRequestSchema.shape.optimized.describe("The candidate prompt inline (with `original`)."),
  cases: TestRunRequestSchema.shape.cases.describe(
    "Test cases in promptfoo's shape: {vars: {placeholder: value}, assert: [{type, value, threshold, weight}]}; " +
      "types equals, contains, icontains, contains-any, contains-all, not-contains, regex, starts-with, is-json, " +
      "contains-json.",
  ),
  provider: TestRunRequestSchema.shape.provider.describe(
    `Model that answers the prompts: anthropic, openai, gemini, openai-compatible, claude-cli or "${SAMPLING_ENGINE_NAME}" ` +
      '(your own model). "local" cannot answer prompts.',
  ),
  judge: TestRunRequestSchema.shape.judge.describe(
    "true: the same model also compares each pair of outputs in both orders; or {provider, model, rubric}.",
  ),
  resume: TestRunRequestSchema.shape.resume.describe("Resume an interrupted or cancelled run by its id."),
  versions: TestRunOptionsSchema.shape.versions.describe('With prompt_id: which versions, e.g. {a: 2, b: "current"}.'),
  model: TestRunOptionsSchema.shape.model.describe("Model of that provider; omit for its default."),
  samples: TestRunOptionsSchema.shape.samples.describe("Outputs per case and prompt, 1–10 (more = tighter interval)."),
  concurrency: TestRunOptionsSchema.shape.concurrency.describe("Model calls in flight at once, 1–8."),
  max_calls: TestRunOptionsSchema.shape.max_calls.describe("Stop after this many model calls (cost guard)."),
  max_output_tokens: TestRunOptionsSchema.shape.max_output_tokens.describe("Token limit of each answer."),
  seed: TestRunOptionsSchema.shape.seed.describe("Fixes the judge's order, to repeat a run."),
});

const Output = z.object(TestRunSchema.shape);

async function onlyLocalConfigured(app: App): Promise<boolean> {
  const configured = app.config.llmProvider?.trim().toLowerCase();
  if (configured && configured !== "auto") return false;
  return (await app.providers()).every((p) => p.name === "local" || !p.available);
}

const pct = (x: number | null) => (x === null ? "n/a" : `${Math.round(x * 100)} %`);

export function runSummary(run: TestRunRecord): string {
  const { a, b, comparison } = run.summary;
  const interval = comparison.interval
    ? ` (win rate ${pct(comparison.win_rate)}, 95 % interval ${pct(comparison.interval.low)}–${pct(comparison.interval.high)})`
    : "";
  return (
    `Test run ${run.id} ${run.status}: ${comparison.verdict}${interval} by ${comparison.source}; ` +
    `constraints followed ${run.labels.a} ${pct(a.constraints.rate)} vs ${run.labels.b} ${pct(b.constraints.rate)}; ` +
    `assertions passed ${pct(a.assertions.rate)} vs ${pct(b.assertions.rate)}; ` +
    `${run.calls_made} calls, ${a.failed + b.failed} failed outputs.`
  );
}

export function registerTestPromptTool(deps: ToolDeps): void {
  defineTool(deps, {
    name: "test_prompt",
    title: "Test original against optimized",
    description:
      "Run two prompts (an optimization's original and optimized, two versions of a project prompt, or two inline) " +
      "on the same test cases, `samples` times each; every output is checked against its prompt's constraints and " +
      "the assertions, optionally judged pairwise. Returns the outputs and a verdict (wins / loses / cannot tell) " +
      `only when the 95 % interval allows it. ${CAP_NOTE}`,
    input: Input,
    output: Output,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(args, extra: ToolExtra): Promise<ToolOutcome<TestRunRecord>> {
      const canSample = clientCanSample(deps.server.server);
      const wantsSampling = args.provider?.trim().toLowerCase() === SAMPLING_ENGINE_NAME;
      if (wantsSampling && !canSample) {
        throw new AppError(
          "validation_error",
          `Provider "${SAMPLING_ENGINE_NAME}" needs an MCP client that declares the sampling capability; this client does not.`,
        );
      }
      const useSampling = wantsSampling || (!args.provider && canSample && (await onlyLocalConfigured(deps.app)));
      const model = useSampling
        ? samplingTestModel(mcpSampler(deps.server.server, extra.requestId, SAMPLING_TIMEOUT_MS))
        : undefined;
      const report = progressReporter(deps, extra);
      let total = 0;
      let outputs = 0;
      let judgments = 0;
      const run = await deps.app.promptTests.run(
        { ...args, ...(useSampling ? { provider: undefined } : {}) },
        {
          signal: extra.signal,
          model,
          emit: (event) => {
            if (event.type === "start") total = event.data.outputs_total + event.data.judgments_total;
            if (event.type === "output") outputs = event.data.done;
            if (event.type === "judgment") judgments = event.data.done;
            if (event.type === "output" || event.type === "judgment") {
              report(outputs + judgments, total, `${outputs} outputs and ${judgments} judgments done`);
            }
          },
        },
      );
      return { value: run, summary: runSummary(run), isError: run.status !== "completed" };
    },
  });
}
