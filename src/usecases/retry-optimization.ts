// Use case: re-run a stored optimization as a new record linked by `retry_of`.
import { AppError } from "../core/errors.js";
import type { OptimizationRecord } from "../core/records.js";
import type { UseCaseDeps } from "./context.js";
import { type OptimizeRunOptions, optimizePrompt } from "./optimize-prompt.js";
import { assertFrameworkChoice, RetryRequestSchema } from "./schemas.js";
import { parseInput } from "./validate.js";

export async function retryOptimization(
  deps: UseCaseDeps,
  id: string,
  rawInput: unknown,
  options: Omit<OptimizeRunOptions, "retryOf"> = {},
): Promise<OptimizationRecord> {
  const input = parseInput(RetryRequestSchema, rawInput ?? {});
  assertFrameworkChoice(input);
  const original = await deps.store.optimizations.get(id);
  if (!original) throw new AppError("not_found", `Optimization ${id} does not exist.`);
  if (original.project_id !== null && (await deps.store.projects.get(original.project_id)) === null) {
    const gone = await deps.store.projects.get(original.project_id, { includeDeleted: true });
    throw new AppError(
      "conflict",
      `Optimization ${id} belongs to project ${gone ? `"${gone.name}"` : original.project_id}, which was deleted; ` +
        "create a project of that name again to restore it (with its prompts), then retry.",
      { details: { project_id: original.project_id } },
    );
  }
  // Keep the original's own choices unless the retry overrides them; an auto-selected strategy
  // is selected again so the retry can benefit from a changed selector.
  return optimizePrompt(
    deps,
    {
      prompt: original.raw_prompt,
      title: original.title ?? undefined,
      tags: original.tags,
      project_id: original.project_id ?? undefined,
      prompt_id: original.prompt_id ?? undefined,
      version: original.version ?? undefined,
      codebase_context: original.codebase_context ?? undefined,
      strategy: input.strategy,
      secondary_frameworks: input.secondary_frameworks,
      provider: input.provider,
      model: input.model,
    },
    { ...options, retryOf: original.id },
  );
}
