// Orchestration of the four stages: sanitises the input, runs the engine stage by stage, emits
// typed events, iterates towards a score threshold and stops as soon as the signal is aborted.
import { AppError } from "../errors.js";
import { detectInjection } from "../safety/injection.js";
import { sanitizePrompt } from "../safety/sanitize.js";
import { cleanBody, cleanLine } from "../text.js";
import type { PipelineEngine, StageContext, TokenUsage } from "./engine.js";
import type { EmitEvent, StageName, WarningPayload } from "./events.js";
import { STAGES } from "./events.js";
import type { Analysis, CodebaseContext, Optimization, StrategyName, StrategyResult, Validation } from "./schemas.js";

export const MAX_PROMPT_CHARS = 100_000;

export interface PipelineOptions {
  strategy?: StrategyName;
  secondaryFrameworks?: StrategyName[];
  codebaseContext?: CodebaseContext;
  /** 1–5; re-optimize while overall < scoreThreshold. */
  maxIterations?: number;
  scoreThreshold?: number;
  /** Stages to run; dependencies are added (validate needs optimize needs strategy needs analyze). */
  stages?: StageName[];
}

export interface PipelineResult {
  prompt: string;
  analysis: Analysis;
  strategy: StrategyResult | null;
  optimization: Optimization | null;
  validation: Validation | null;
  iterations: number;
  warnings: WarningPayload[];
  tokenUsage: TokenUsage | null;
}

export interface RunPipelineInput {
  prompt: string;
  engine: PipelineEngine;
  options?: PipelineOptions;
  signal?: AbortSignal;
  emit?: EmitEvent;
}

/** Thrown when a run stops because its signal was aborted. */
export class CancelledError extends AppError {
  constructor() {
    super("cancelled", "The optimization was cancelled.");
    this.name = "AbortError";
  }
}

/** Error raised inside a stage, tagged with the stage so callers can report it. */
export class StageError extends Error {
  readonly stage: StageName;
  constructor(stage: StageName, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "StageError";
    this.stage = stage;
  }
}

export function resolveStages(requested: StageName[] | undefined): Set<StageName> {
  if (!requested || requested.length === 0) return new Set(STAGES);
  const deepest = Math.max(...requested.map((s) => STAGES.indexOf(s)));
  return new Set(STAGES.slice(0, deepest + 1));
}

/** Checks the raw prompt and returns the sanitised text plus the warnings the caller must see. */
export function preparePrompt(raw: string): { prompt: string; warnings: WarningPayload[] } {
  const { text, removed } = sanitizePrompt(raw);
  if (text.trim().length === 0) throw new AppError("validation_error", "The prompt is empty.");
  if (text.length > MAX_PROMPT_CHARS) {
    throw new AppError(
      "validation_error",
      `The prompt is ${text.length} characters long; the limit is ${MAX_PROMPT_CHARS}.`,
    );
  }
  const warnings: WarningPayload[] = [];
  if (removed > 0) {
    warnings.push({
      code: "control_characters_removed",
      message: `${removed} control or invisible character(s) were removed from the prompt.`,
    });
  }
  const injection = detectInjection(text);
  if (injection.flagged) {
    const signals = [...new Set(injection.findings.map((f) => f.code))].join(", ");
    warnings.push({
      code: "prompt_injection",
      message: `The prompt looks like a prompt-injection attempt (${signals || "combined signals"}); it was processed anyway.`,
      score: injection.score,
      model_score: injection.model_score,
      pattern_score: injection.pattern_score,
      evidence: injection.findings.map((f) => ({ signal: f.code, pattern: f.signal, span: { ...f.span } })),
    });
  }
  return { prompt: text, warnings };
}

export async function runPipeline(input: RunPipelineInput): Promise<PipelineResult> {
  const { engine, options = {} } = input;
  const signal = input.signal ?? new AbortController().signal;
  const emit: EmitEvent = input.emit ?? (() => {});
  const stages = resolveStages(options.stages);
  const maxIterations = Math.min(5, Math.max(1, Math.trunc(options.maxIterations ?? 1)));
  const threshold = options.scoreThreshold ?? null;

  const { prompt, warnings } = preparePrompt(input.prompt);
  for (const warning of warnings) emit({ type: "warning", data: warning });

  let usage: TokenUsage | null = null;
  const ctxFor = (stage: StageName): StageContext => ({
    signal,
    codebaseContext: options.codebaseContext,
    onProgress: (progress, message) =>
      emit({ type: "step_progress", data: { stage, progress: Math.min(1, Math.max(0, progress)), message } }),
    onDelta: (text) => emit({ type: "optimization_delta", data: { text } }),
    onUsage: (u) => {
      usage = {
        input_tokens: (usage?.input_tokens ?? 0) + u.input_tokens,
        output_tokens: (usage?.output_tokens ?? 0) + u.output_tokens,
      };
    },
  });

  const stage = async <T>(name: StageName, iteration: number, work: (ctx: StageContext) => Promise<T>) => {
    if (signal.aborted) throw new CancelledError();
    emit({ type: "stage", data: { stage: name, status: "started", iteration } });
    // Yield once per stage: streamed events reach the socket while work continues, and a cancel
    // or client disconnect is noticed between stages even with the synchronous local engine.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw new CancelledError();
    let result: T;
    try {
      result = await work(ctxFor(name));
    } catch (error) {
      if (signal.aborted) throw new CancelledError();
      throw new StageError(name, error);
    }
    if (signal.aborted) throw new CancelledError();
    emit({ type: "stage", data: { stage: name, status: "completed", iteration } });
    return result;
  };

  const analysis = await stage("analyze", 1, (ctx) => engine.analyze(prompt, ctx));
  emit({ type: "analysis", data: analysis });
  const result: PipelineResult = {
    prompt,
    analysis,
    strategy: null,
    optimization: null,
    validation: null,
    iterations: 0,
    warnings,
    tokenUsage: null,
  };

  if (stages.has("strategy")) {
    result.strategy = await stage("strategy", 1, (ctx) =>
      engine.selectStrategy(
        { prompt, analysis, override: options.strategy, secondary: options.secondaryFrameworks },
        ctx,
      ),
    );
    emit({ type: "strategy", data: result.strategy });
  }

  if (stages.has("optimize") && result.strategy) {
    const strategy = result.strategy;
    let previous: Optimization | undefined;
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      const rewritten = await stage("optimize", iteration, (ctx) =>
        engine.optimize({ prompt, analysis, strategy, previous, iteration }, ctx),
      );
      // A model's rewrite is stored text too: no control, bidi or invisible characters in it.
      const optimization: Optimization = {
        ...rewritten,
        optimized_prompt: cleanBody(rewritten.optimized_prompt),
        framework_applied: cleanLine(rewritten.framework_applied),
        changes_made: rewritten.changes_made.map((c) => cleanLine(c)),
        notes: cleanBody(rewritten.notes),
      };
      emit({ type: "optimization", data: { ...optimization, iteration } });
      result.iterations = iteration;
      previous = optimization;
      if (!stages.has("validate")) {
        result.optimization = optimization;
        break;
      }
      const validation = await stage("validate", iteration, (ctx) =>
        engine.validate({ original: prompt, optimized: optimization.optimized_prompt, analysis }, ctx),
      );
      emit({ type: "validation", data: { ...validation, iteration } });
      // Keep the best-scoring iteration: a later pass must never make the result worse.
      if (!result.validation || validation.overall >= result.validation.overall) {
        result.optimization = optimization;
        result.validation = validation;
      }
      const more = iteration < maxIterations && threshold !== null && validation.overall < threshold;
      if (maxIterations > 1) {
        emit({
          type: "iteration",
          data: {
            iteration,
            max_iterations: maxIterations,
            overall: validation.overall,
            score_threshold: threshold,
            continue: more,
          },
        });
      }
      if (!more) break;
    }
  }
  result.tokenUsage = usage;
  return result;
}
