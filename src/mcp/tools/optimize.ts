// The optimize family: optimize, retry, cancel and batch. Long calls report MCP progress from the
// pipeline's stage events; the MCP request's abort signal cancels the run (the record ends cancelled).
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import type { PipelineEngine } from "../../core/pipeline/engine.js";
import { computeOverall } from "../../core/pipeline/schemas.js";
import type { OptimizationRecord } from "../../core/records.js";
import type { BatchItemResult } from "../../usecases/batch-optimize.js";
import { BatchRequestSchema, PromptTextSchema } from "../../usecases/schemas.js";
import { CAP_NOTE, compactRecord, type Detail, DetailSchema, RecordResultOutput, recordReadMore } from "../compact.js";
import { BatchOutput } from "../output-schemas.js";
import { pipelineProgress } from "../progress.js";
import { SAMPLING_ENGINE_NAME } from "../sampling-engine.js";
import {
  defineTool,
  mcpHints,
  mcpMessage,
  progressReporter,
  type ToolDeps,
  type ToolExtra,
  type ToolOutcome,
} from "../tool-kit.js";
import { Model, OptimizationId, OptimizeOptionsInput, Provider, Strategy, stagesRun } from "./params.js";

const OptimizeInput = OptimizeOptionsInput.extend({
  prompt: PromptTextSchema.describe("The prompt to optimize, exactly as written (1–100 000 characters)."),
  detail: DetailSchema,
});
const RetryInput = z.object({
  id: OptimizationId,
  strategy: Strategy.optional(),
  provider: Provider.optional(),
  model: Model,
  detail: DetailSchema,
});
const CancelInput = z.object({ id: OptimizationId, detail: DetailSchema });
// The options that make sense for a whole batch (per-prompt links, versions and iteration tuning are
// optimize's): fewer parameters for an agent to read.
const BatchInput = OptimizeOptionsInput.pick({
  title: true,
  project: true,
  project_id: true,
  tags: true,
  strategy: true,
  provider: true,
  model: true,
}).extend({
  prompts: BatchRequestSchema.shape.prompts.describe(
    "1–20 prompts, each optimized on its own with the options below; one failing does not stop the rest.",
  ),
});

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

export function recordOutcome(
  record: OptimizationRecord,
  verb = "Optimized",
  detail: Detail = "summary",
): ToolOutcome<z.input<typeof RecordResultOutput>> {
  const value = compactRecord(record, detail);
  if (record.error_message) value.error_message = mcpHints(record.error_message);
  if (record.status === "completed") {
    const v = record.validation;
    if (!record.optimized_prompt) {
      const ran = record.strategy ? `analysed; strategy ${record.strategy.strategy}` : "analysed";
      return {
        value,
        summary: `Ran the early stages only for ${record.id}: ${ran}; no rewrite (stages).${warningText(record)}`,
      };
    }
    const score = v
      ? ` overall ${v.overall}/10 (original ${computeOverall(v.original_scores)}), ${v.is_improvement ? "an improvement" : "not an improvement"};`
      : " not scored (stages);";
    const strategy = record.strategy ? ` with ${record.strategy.strategy}` : "";
    return {
      value,
      summary: `${verb} ${record.id}${strategy} on ${record.engine}:${score} preserved constraints ${v ? `${v.preserved.constraints.kept}/${v.preserved.constraints.total}` : "n/a"}.${warningText(record)}`,
    };
  }
  const why = record.status === "cancelled" ? "was cancelled" : `failed: ${value.error_message ?? "unknown error"}`;
  return { value, summary: `Optimization ${record.id} ${why}.${warningText(record)}`, isError: true };
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
      error: mcpMessage(result.error.code, result.error.message),
    };
  }
  const r = result.record;
  return {
    index: result.index,
    status: result.status,
    id: r.id,
    overall: r.validation?.overall ?? null,
    strategy: r.strategy?.strategy ?? null,
    warnings: r.warnings.map((w) => ({ code: w.code, message: w.message })),
    error: r.error_message ? mcpHints(r.error_message) : null,
  };
}

const RECORD_RESULT =
  "Returns id, optimized_prompt, strategy, scores (overall 1–10 vs the original), preserved counts and warnings " +
  "(report prompt_injection to the user); inputs come back as size and SHA-256. " +
  `${CAP_NOTE} Whole record: promptforge://optimizations/{id}.`;

const WRITE_OPEN = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

export function registerOptimizeTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "optimize",
    title: "Optimize a prompt",
    description:
      "Analyse, rewrite and score a prompt, keeping every constraint and placeholder; stored in history. " +
      RECORD_RESULT,
    input: OptimizeInput,
    output: RecordResultOutput,
    annotations: WRITE_OPEN,
    readMore: recordReadMore,
    async run({ detail, ...args }, extra) {
      const engine = await chooseEngine(deps, args.provider, extra);
      const stages = args.stages ? stagesRun(args.stages) : undefined;
      const emit = pipelineProgress({ stages, maxIterations: args.max_iterations }, progressReporter(deps, extra));
      const record = await app.optimize({ ...args, stages }, { signal: extra.signal, emit, engine });
      return recordOutcome(record, "Optimized", detail);
    },
  });

  defineTool(deps, {
    name: "retry",
    title: "Retry an optimization",
    description:
      "Re-run a stored optimization as a new record (retry_of), e.g. with another strategy when it scored low. " +
      RECORD_RESULT,
    input: RetryInput,
    output: RecordResultOutput,
    annotations: WRITE_OPEN,
    readMore: recordReadMore,
    async run({ id, detail, ...body }, extra) {
      const engine = await chooseEngine(deps, body.provider, extra);
      const emit = pipelineProgress({}, progressReporter(deps, extra));
      const record = await app.retry(id, body, { signal: extra.signal, emit, engine });
      return recordOutcome(record, "Retried as", detail);
    },
  });

  defineTool(deps, {
    name: "cancel",
    title: "Cancel a running optimization",
    description:
      "Stop a running optimization (in any PromptForge process); it ends cancelled. not_running when already " +
      `finished. Returns the compact record. ${CAP_NOTE}`,
    input: CancelInput,
    output: RecordResultOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    readMore: recordReadMore,
    async run({ id, detail }) {
      const record = await app.cancel(id);
      return { value: compactRecord(record, detail), summary: `Optimization ${record.id} is ${record.status}.` };
    },
  });

  defineTool(deps, {
    name: "batch",
    title: "Optimize several prompts",
    description:
      "Optimize 1–20 prompts with the same options; one failure does not stop the rest. One line per prompt " +
      `(id, status, overall, warnings); get fetches a record. ${CAP_NOTE}`,
    input: BatchInput,
    output: BatchOutput,
    annotations: WRITE_OPEN,
    async run(args, extra) {
      const engine = await chooseEngine(deps, args.provider, extra);
      const report = progressReporter(deps, extra);
      report(0, args.prompts.length, `Optimizing ${args.prompts.length} prompt(s)`);
      const request = { ...args, ...(engine ? { provider: undefined } : {}) };
      const summary = await app.batch(request, {
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
