// Use case: optimize one prompt. Creates the record, runs the pipeline on the resolved engine,
// stores the outcome (completed, error or cancelled) and only then emits `complete` or `error`.
import { AppError, isAppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import type { EmitEvent } from "../core/pipeline/events.js";
import { CancelledError, MAX_PROMPT_CHARS, preparePrompt, runPipeline, StageError } from "../core/pipeline/run.js";
import type { CodebaseContext } from "../core/pipeline/schemas.js";
import type { OptimizationRecord } from "../core/records.js";
import type { UseCaseDeps } from "./context.js";
import { assertFrameworkChoice, type OptimizeRequest, OptimizeRequestSchema } from "./schemas.js";
import { parseInput } from "./validate.js";

export interface OptimizeRunOptions {
  signal?: AbortSignal;
  emit?: EmitEvent;
  retryOf?: string;
  /** A per-request provider key (X-LLM-API-Key): used for this run only, never stored or logged. */
  apiKey?: string;
  /** Run on this engine instead of resolving one (MCP sampling uses the client's own model). */
  engine?: PipelineEngine;
  /** Called once the record exists (status running), before any stage runs. */
  onCreated?: (record: OptimizationRecord) => void | Promise<void>;
}

/** Merges codebase context layers, later layers winning per field. */
export function mergeContext(...layers: Array<CodebaseContext | null | undefined>): CodebaseContext | undefined {
  const merged: CodebaseContext = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      if (typeof value === "string" && value.trim() === "") continue;
      (merged as Record<string, unknown>)[key] = value;
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Resolves `project` (name; created or reactivated) or `project_id` to an active project id. */
export async function resolveProjectId(
  deps: UseCaseDeps,
  input: { project?: string; project_id?: string },
): Promise<{ id: string; context: CodebaseContext | null } | null> {
  if (input.project_id) {
    const project = await deps.store.projects.get(input.project_id);
    if (!project) throw new AppError("not_found", `Project ${input.project_id} does not exist.`);
    if (project.status === "archived") {
      throw new AppError("project_archived", `Project "${project.name}" is archived and read-only.`);
    }
    return { id: project.id, context: project.context_profile };
  }
  if (input.project) {
    const existing = await deps.store.projects.getByName(input.project);
    if (existing?.status === "archived") {
      throw new AppError("project_archived", `Project "${existing.name}" is archived and read-only.`);
    }
    if (existing && existing.status === "active") return { id: existing.id, context: existing.context_profile };
    try {
      const created = await deps.store.projects.create({ name: input.project });
      return { id: created.id, context: created.context_profile };
    } catch (error) {
      // Another request (a batch lane) created it first: use theirs.
      const raced =
        isAppError(error) && error.code === "conflict" ? await deps.store.projects.getByName(input.project) : null;
      if (raced?.status === "active") return { id: raced.id, context: raced.context_profile };
      throw error;
    }
  }
  return null;
}

/**
 * Trims an optimized prompt longer than the input limit (MAX_PROMPT_CHARS) at the last paragraph,
 * line or word break before it, with a warning saying how much was cut.
 */
export function capOptimizedPrompt(text: string | null): {
  text: string | null;
  warning?: { code: string; message: string };
} {
  if (text === null || text.length <= MAX_PROMPT_CHARS) return { text };
  const head = text.slice(0, MAX_PROMPT_CHARS);
  const floor = MAX_PROMPT_CHARS * 0.9;
  const cut = [head.lastIndexOf("\n\n"), head.lastIndexOf("\n"), head.lastIndexOf(" ")].find((i) => i >= floor);
  const trimmed = head.slice(0, cut ?? MAX_PROMPT_CHARS).trimEnd();
  return {
    text: trimmed,
    warning: {
      code: "optimized_prompt_trimmed",
      message: `The optimized prompt was ${text.length} characters, over the ${MAX_PROMPT_CHARS}-character input limit; it was cut to ${trimmed.length} characters at a break so it can be sent back. Review its end.`,
    },
  };
}

/**
 * A record linked to a project prompt belongs to that prompt's project: without a project in the
 * request it is inferred from the prompt, and a different one is refused (422), so the prompt's
 * forges and `/api/history?project_id=` always agree.
 */
async function projectOfPrompt<T extends { prompt_id?: string; project?: string; project_id?: string }>(
  deps: UseCaseDeps,
  input: T,
): Promise<T> {
  if (!input.prompt_id) return input;
  const prompt = await deps.store.prompts.get(input.prompt_id);
  if (!prompt) throw new AppError("not_found", `Prompt ${input.prompt_id} does not exist.`);
  const mismatch = (named: string) =>
    new AppError(
      "validation_error",
      `prompt_id ${prompt.id} belongs to project ${prompt.project_id}, not to ${named}; leave the project out (it is inferred from the prompt) or name that one.`,
      { details: { field: "prompt_id", project_id: prompt.project_id } },
    );
  if (input.project_id !== undefined && input.project_id !== prompt.project_id) throw mismatch(input.project_id);
  if (input.project !== undefined) {
    const named = await deps.store.projects.getByName(input.project);
    if (named?.id !== prompt.project_id) throw mismatch(`"${input.project}"`);
  }
  return input.project_id === undefined && input.project === undefined
    ? { ...input, project_id: prompt.project_id }
    : input;
}

export async function optimizePrompt(
  deps: UseCaseDeps,
  rawInput: unknown,
  options: OptimizeRunOptions = {},
): Promise<OptimizationRecord> {
  const input: OptimizeRequest = parseInput(OptimizeRequestSchema, rawInput);
  assertFrameworkChoice(input);
  // Reject bad input before anything is stored: a record is either real work or nothing.
  // Stored as sanitised: control and invisible characters never reach the database or later stages.
  const sanitised = preparePrompt(input.prompt).prompt;
  const engine =
    options.engine ??
    (await deps.providers.resolve({ provider: input.provider, model: input.model, apiKey: options.apiKey }));
  const project = await resolveProjectId(deps, await projectOfPrompt(deps, input));
  // Workspace auto-context → project profile → this request, later layers winning per field.
  const resolved = deps.workspaces
    ? await deps.workspaces.resolve(project?.id ?? null, project?.context, input.codebase_context)
    : { context: mergeContext(project?.context, input.codebase_context), sources: undefined };
  const codebaseContext = resolved.context;

  const record = await deps.store.optimizations.create({
    raw_prompt: sanitised,
    title: input.title ?? null,
    tags: input.tags ?? [],
    project_id: project?.id ?? null,
    prompt_id: input.prompt_id ?? null,
    version: input.version ?? null,
    engine: engine.name,
    provider: engine.provider,
    model: engine.model,
    retry_of: options.retryOf ?? null,
    codebase_context: codebaseContext ?? null,
    codebase_context_sources: resolved.sources ?? null,
    status: "running",
  });
  await options.onCreated?.(record);

  const emit: EmitEvent = options.emit ?? (() => {});
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  deps.runs.register(record.id, controller);
  const started = performance.now();
  try {
    const result = await runPipeline({
      prompt: input.prompt,
      engine,
      signal: controller.signal,
      emit,
      options: {
        strategy: input.strategy,
        secondaryFrameworks: input.secondary_frameworks,
        codebaseContext,
        maxIterations: input.max_iterations,
        scoreThreshold: input.score_threshold,
        stages: input.stages,
      },
    });
    // An optimized prompt must fit the input limit, or it could not be sent back (retry, analyze).
    const capped = capOptimizedPrompt(result.optimization?.optimized_prompt ?? null);
    if (capped.warning) {
      result.warnings.push(capped.warning);
      emit({ type: "warning", data: capped.warning });
    }
    const outcome = await deps.store.optimizations.update(record.id, {
      status: "completed",
      // Read again: an engine may learn what really ran (mcp-sampling falls back, reports its model).
      engine: engine.name,
      provider: engine.provider,
      model: engine.model,
      optimized_prompt: capped.text,
      analysis: result.analysis,
      strategy: result.strategy,
      framework_applied: result.optimization?.framework_applied ?? null,
      changes_made: result.optimization?.changes_made ?? [],
      notes: result.optimization?.notes ?? null,
      validation: result.validation,
      warnings: result.warnings,
      iterations: result.iterations,
      token_usage: result.tokenUsage,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
    });
    const completed = outcome.record;
    if (!outcome.applied) {
      // Cancelled (possibly by another process) while the last stage ran: the cancel wins.
      throw new CancelledError();
    }
    emit({ type: "complete", data: completed });
    return completed;
  } catch (error) {
    const cancelled = controller.signal.aborted || error instanceof CancelledError;
    const stage = error instanceof StageError ? error.stage : null;
    const cause = error instanceof StageError ? error.cause : error;
    const code = cancelled ? "cancelled" : isAppError(cause) ? cause.code : "pipeline_failed";
    const message = cancelled
      ? "The optimization was cancelled."
      : isAppError(cause)
        ? cause.message
        : "The optimization failed in an internal step; details are in the server log.";
    if (!cancelled && !isAppError(cause)) deps.logger.error({ err: cause, id: record.id, stage }, "pipeline failed");
    const duration = Math.round((performance.now() - started) * 100) / 100;
    const final = await deps.store.optimizations
      .update(
        record.id,
        cancelled
          ? { status: "cancelled", duration_ms: duration }
          : { status: "error", error_message: message, duration_ms: duration },
      )
      .then((o) => o.record)
      .catch(() => null);
    const stored = final ?? (await deps.store.optimizations.get(record.id).catch(() => null));
    // Deleted while it ran (here or by another process): the stream says so, then the call fails.
    const deleted = stored === null ? `Optimization ${record.id} was deleted while it ran.` : null;
    emit({
      type: "error",
      data: {
        code,
        message: deleted ?? message,
        stage,
        retryable: deleted === null && (cancelled || (isAppError(cause) && cause.retryable)),
      },
    });
    if (!stored) throw new AppError("not_found", deleted as string);
    return stored;
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
    deps.runs.unregister(record.id);
  }
}
