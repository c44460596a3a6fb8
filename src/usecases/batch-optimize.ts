// Use case: optimize several prompts with bounded concurrency; one failure never stops the rest.
import { isAppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import type { EmitEvent } from "../core/pipeline/events.js";
import type { OptimizationRecord } from "../core/records.js";
import type { UseCaseDeps } from "./context.js";
import { optimizePrompt } from "./optimize-prompt.js";
import { assertFrameworkChoice, BatchRequestSchema, type OptimizeOptions } from "./schemas.js";
import { parseInput } from "./validate.js";

export type BatchItemResult =
  | { index: number; status: "completed" | "error" | "cancelled"; record: OptimizationRecord }
  | { index: number; status: "rejected"; error: { code: string; message: string } };

export interface BatchSummary {
  total: number;
  completed: number;
  failed: number;
  results: BatchItemResult[];
}

export interface BatchRunOptions {
  signal?: AbortSignal;
  concurrency?: number;
  /** Called as each item finishes, in completion order. */
  onItem?: (result: BatchItemResult, done: number, total: number) => void;
  /** Run every item on this engine (MCP sampling) instead of resolving one. */
  engine?: PipelineEngine;
  /** Per-request provider key, used for every item and never stored. */
  apiKey?: string;
  /** Pipeline events of every item, tagged with its index. */
  emit?: (index: number) => EmitEvent;
}

/** Runs `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Optimizes a list of already-validated prompts; used by the API batch and the CLI batch file. */
export async function optimizeMany(
  deps: UseCaseDeps,
  prompts: readonly string[],
  shared: OptimizeOptions,
  options: BatchRunOptions = {},
): Promise<BatchSummary> {
  let done = 0;
  const results = await mapWithConcurrency(
    prompts,
    options.concurrency ?? deps.batchConcurrency,
    async (prompt, index): Promise<BatchItemResult> => {
      let result: BatchItemResult;
      try {
        const record = await optimizePrompt(
          deps,
          { ...shared, prompt },
          { signal: options.signal, emit: options.emit?.(index), apiKey: options.apiKey, engine: options.engine },
        );
        const status =
          record.status === "completed" ? "completed" : record.status === "cancelled" ? "cancelled" : "error";
        result = { index, status, record };
      } catch (error) {
        const code = isAppError(error) ? error.code : "internal_error";
        const message = isAppError(error) ? error.message : "Internal error; details are in the server log.";
        if (!isAppError(error)) deps.logger.error({ err: error, index }, "batch item failed");
        result = { index, status: "rejected", error: { code, message } };
      }
      done++;
      options.onItem?.(result, done, prompts.length);
      return result;
    },
  );
  const completed = results.filter((r) => r.status === "completed").length;
  return { total: prompts.length, completed, failed: prompts.length - completed, results };
}

export async function batchOptimize(deps: UseCaseDeps, rawInput: unknown, options: BatchRunOptions = {}) {
  const { prompts, ...shared } = parseInput(BatchRequestSchema, rawInput);
  assertFrameworkChoice(shared);
  return optimizeMany(deps, prompts, shared, options);
}
