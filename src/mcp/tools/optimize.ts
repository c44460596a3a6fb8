// The optimize family: optimize, retry, cancel and batch. Long calls report MCP progress from the
// pipeline's stage events; the MCP request's abort signal cancels the run (the record ends cancelled).
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import type { PipelineEngine } from "../../core/pipeline/engine.js";
import { computeOverall } from "../../core/pipeline/schemas.js";
import type { OptimizationRecord } from "../../core/records.js";
import type { BatchItemResult } from "../../usecases/batch-optimize.js";
import { BatchRequestSchema, OptimizeRequestSchema, RetryRequestSchema } from "../../usecases/schemas.js";
import { BatchOutput, RecordOutput } from "../output-schemas.js";
import { pipelineProgress } from "../progress.js";
import { SAMPLING_ENGINE_NAME } from "../sampling-engine.js";
import { defineTool, progressReporter, type ToolDeps, type ToolExtra, type ToolOutcome } from "../tool-kit.js";

const Id = z.string().trim().min(1).max(100).describe("Optimization id (UUID) from optimize, list or search.");
const providerHelp =
  'Engine: "local" (built-in, offline), "anthropic", "openai", "gemini", "openai-compatible", "claude-cli", or ' +
  `"${SAMPLING_ENGINE_NAME}" (your own model through MCP sampling). Omit it for the server's default.`;

const OptimizeInput = OptimizeRequestSchema.extend({
  prompt: OptimizeRequestSchema.shape.prompt.describe("The raw prompt to optimize (1–100 000 characters)."),
  strategy: OptimizeRequestSchema.shape.strategy.describe(
    "Force a strategy (see the strategies tool), e.g. co-star, chain-of-thought; omit to let PromptForge choose.",
  ),
  provider: OptimizeRequestSchema.shape.provider.describe(providerHelp),
  project: OptimizeRequestSchema.shape.project.describe("Project name; created when it does not exist yet."),
  max_iterations: OptimizeRequestSchema.shape.max_iterations.describe(
    "1–5: re-optimize while the overall score is below score_threshold.",
  ),
});
const RetryInput = RetryRequestSchema.extend({
  id: Id,
  provider: RetryRequestSchema.shape.provider.describe(providerHelp),
});
const CancelInput = z.object({ id: Id });

/** True when the request names no engine and nothing but the local engine is configured. */
async function onlyLocalConfigured(app: App): Promise<boolean> {
  const configured = app.config.llmProvider?.trim().toLowerCase();
  if (configured && configured !== "auto") return false;
  const providers = await app.providers();
  return providers.every((p) => p.name === "local" || !p.available);
}

/** The engine override of a call: mcp-sampling when asked for, or when it is the only model around. */
export async function chooseEngine(
  deps: ToolDeps,
  provider: string | undefined,
  extra: ToolExtra,
): Promise<PipelineEngine | undefined> {
  const sampling = deps.samplingEngine?.(extra) ?? null;
  if (provider?.trim().toLowerCase() === SAMPLING_ENGINE_NAME) {
    if (sampling) return sampling;
    throw new AppError(
      "validation_error",
      `Provider "${SAMPLING_ENGINE_NAME}" needs an MCP client that declares the sampling capability; this client does not.`,
    );
  }
  if (provider || !sampling) return undefined;
  return (await onlyLocalConfigured(deps.app)) ? sampling : undefined;
}

function warningText(record: OptimizationRecord): string {
  if (record.warnings.length === 0) return "";
  return ` Warnings: ${record.warnings.map((w) => w.code).join(", ")}.`;
}

export function recordOutcome(record: OptimizationRecord, verb = "Optimized"): ToolOutcome<OptimizationRecord> {
  if (record.status === "completed") {
    const v = record.validation;
    const score = v
      ? ` overall ${v.overall}/10 (original ${computeOverall(v.original_scores)}), ${v.is_improvement ? "an improvement" : "not an improvement"};`
      : "";
    const strategy = record.strategy ? ` with ${record.strategy.strategy}` : "";
    return {
      value: record,
      summary: `${verb} ${record.id}${strategy} on ${record.engine}:${score} preserved constraints ${v ? `${v.preserved.constraints.kept}/${v.preserved.constraints.total}` : "n/a"}.${warningText(record)}`,
    };
  }
  const why = record.status === "cancelled" ? "was cancelled" : `failed: ${record.error_message ?? "unknown error"}`;
  return { value: record, summary: `Optimization ${record.id} ${why}.${warningText(record)}`, isError: true };
}

function batchItem(result: BatchItemResult) {
  if (result.status === "rejected") {
    return {
      index: result.index,
      status: result.status,
      id: null,
      overall: null,
      strategy: null,
      warnings: [],
      error: `${result.error.code}: ${result.error.message}`,
    };
  }
  const r = result.record;
  return {
    index: result.index,
    status: result.status,
    id: r.id,
    overall: r.validation?.overall ?? null,
    strategy: r.strategy?.strategy ?? null,
    warnings: r.warnings,
    error: r.error_message,
  };
}

export function registerOptimizeTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "optimize",
    title: "Optimize a prompt",
    description:
      "Analyse a prompt, choose a strategy, rewrite it and score the rewrite against the original. Returns the stored " +
      "record: optimized_prompt, analysis (task type, diagnostics, constraints), strategy, scores (overall 1–10, " +
      "is_improvement), preserved constraint/placeholder counts and warnings (e.g. prompt_injection). Every constraint " +
      "and placeholder of the original is kept. Reports progress per stage. The result appears in PromptForge history.",
    input: OptimizeInput,
    output: RecordOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(args, extra) {
      const engine = await chooseEngine(deps, args.provider, extra);
      const emit = pipelineProgress(
        { stages: args.stages, maxIterations: args.max_iterations },
        progressReporter(deps, extra),
      );
      return recordOutcome(await app.optimize(args, { signal: extra.signal, emit, engine }));
    },
  });

  defineTool(deps, {
    name: "retry",
    title: "Retry an optimization",
    description:
      "Re-run a stored optimization as a new record linked by retry_of, optionally with another strategy, provider " +
      "or model. Use it when a result scored low or you want to compare strategies. Reports progress per stage.",
    input: RetryInput,
    output: RecordOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run({ id, ...body }, extra) {
      const engine = await chooseEngine(deps, body.provider, extra);
      const emit = pipelineProgress({}, progressReporter(deps, extra));
      const record = await app.retry(id, body, { signal: extra.signal, emit, engine });
      return recordOutcome(record, "Retried as");
    },
  });

  defineTool(deps, {
    name: "cancel",
    title: "Cancel a running optimization",
    description:
      "Stop an optimization that is still running (in this or another PromptForge process); the record ends " +
      "cancelled. Fails with not_running when it already finished.",
    input: CancelInput,
    output: RecordOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run({ id }) {
      const record = await app.cancel(id);
      return { value: record, summary: `Optimization ${record.id} is ${record.status}.` };
    },
  });

  defineTool(deps, {
    name: "batch",
    title: "Optimize several prompts",
    description:
      "Optimize 1–20 prompts with the same options, a few at a time; one failure does not stop the rest. Returns one " +
      "result per prompt (id, status, overall score, warnings); fetch a full record with get. Reports progress per prompt.",
    input: BatchRequestSchema,
    output: BatchOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(args, extra) {
      const engine = await chooseEngine(deps, args.provider, extra);
      const report = progressReporter(deps, extra);
      report(0, args.prompts.length, `Optimizing ${args.prompts.length} prompt(s)`);
      const summary = await app.batch(engine ? { ...args, provider: undefined } : args, {
        signal: extra.signal,
        engine,
        onItem: (result, done, total) => report(done, total, `Prompt ${result.index + 1}: ${result.status}`),
      });
      return {
        value: {
          total: summary.total,
          completed: summary.completed,
          failed: summary.failed,
          results: summary.results.map(batchItem),
        },
        summary: `Batch of ${summary.total}: ${summary.completed} completed, ${summary.failed} failed.`,
        isError: summary.completed === 0,
      };
    },
  });
}
