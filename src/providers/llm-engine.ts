// The LLM engine: the four pipeline stages on any ModelClient, with the quality guards of
// PRODUCT.md 3: the local selector as strategy fallback, intent preservation (repair, else reject in
// favour of the local rewrite), hybrid scoring and a blind A/B validator.
import { isAbortError } from "../core/errors.js";
import { checkPreservation } from "../core/local/preservation.js";
import { withRequestedSecondaries } from "../core/local/selector.js";
import type { OptimizeRequest, PipelineEngine, StageContext } from "../core/pipeline/engine.js";
import type { Optimization, StrategyResult } from "../core/pipeline/schemas.js";
import { mergeAnalysis } from "./analysis-merge.js";
import { PROVIDER_DESCRIPTORS } from "./catalogue.js";
import { blendValidation } from "./hybrid-scoring.js";
import type { ChatTurn, ModelClient } from "./model-client.js";
import { stripReasoning } from "./model-output.js";
import { analyzeMessages } from "./prompts/analyze.js";
import { preservationRepairMessage, rewriteMessages } from "./prompts/optimize.js";
import { strategyMessages } from "./prompts/strategy.js";
import { validateMessages } from "./prompts/validate.js";
import type { LlmOptimization, LlmStrategy } from "./stage-schemas.js";
import { STAGE_SPECS } from "./stage-schemas.js";
import { type CallSettings, callStructured, type StructuredCallOptions } from "./structured-call.js";

export interface LlmEngineOptions {
  client: ModelClient;
  /** The local engine: source of exact spans, local scores and the fallbacks. */
  local: PipelineEngine;
  settings: CallSettings;
  /** A/B order of the validator; injectable for tests. */
  random?: () => number;
}

/** Output budget of the rewrite: room for a prompt somewhat longer than the original. */
function rewriteTokenBudget(prompt: string): number {
  return Math.min(32_000, Math.max(4_096, Math.ceil(prompt.length / 2) + 2_000));
}

function joinNotes(...parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .join(" ");
}

function listItems(items: string[]): string {
  const shown = items.slice(0, 5).map((i) => JSON.stringify(i.length > 60 ? `${i.slice(0, 60)}…` : i));
  return items.length > 5 ? `${shown.join(", ")} and ${items.length - 5} more` : shown.join(", ");
}

function toStrategy(value: LlmStrategy): StrategyResult {
  const secondaries = [...new Set(value.secondary_frameworks)].filter((s) => s !== value.strategy).slice(0, 2);
  const confidence = Number.isFinite(value.confidence) ? Math.min(1, Math.max(0, value.confidence)) : 0.5;
  const reasoning = value.reasoning.trim() || `Chose ${value.strategy}.`;
  return { strategy: value.strategy, secondary_frameworks: secondaries, reasoning, confidence };
}

function toOptimization(value: LlmOptimization, fallbackFramework: string): Optimization {
  return {
    optimized_prompt: stripReasoning(value.optimized_prompt),
    framework_applied: value.framework_applied.trim() || fallbackFramework,
    changes_made: value.changes_made.map((c) => c.trim()).filter(Boolean),
    notes: value.notes.trim(),
  };
}

/**
 * Runs the local engine's share of a stage while the model call is in flight: the request is sent
 * first (the local work starts on the next turn of the event loop), so its CPU time overlaps the
 * provider's latency instead of adding to it. The call's rejection is handled here and re-thrown
 * where the caller awaits it.
 */
async function whileWaiting<T>(call: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  call.catch(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  return work();
}

export function createLlmEngine(options: LlmEngineOptions): PipelineEngine {
  const { client, local, settings } = options;
  const random = options.random ?? Math.random;
  const { provider, model } = client.context;
  const label = PROVIDER_DESCRIPTORS[provider].label;

  const common = (ctx: StageContext) => ({
    client,
    signal: ctx.signal,
    settings,
    onUsage: ctx.onUsage,
    onRetry: (message: string) => ctx.onProgress?.(0.2, message),
  });
  const begin = (ctx: StageContext, what: string) => ctx.onProgress?.(0.1, `${what} with ${label} (${model})`);

  async function rewrite(req: OptimizeRequest, ctx: StageContext): Promise<Optimization> {
    const { prompt, analysis, strategy } = req;
    const messages = rewriteMessages(req, ctx.codebaseContext);
    const turns: ChatTurn[] = [{ role: "user", content: messages.user }];
    const call: Omit<StructuredCallOptions<LlmOptimization>, "messages"> = {
      ...common(ctx),
      spec: STAGE_SPECS.optimize,
      system: messages.system,
      maxOutputTokens: rewriteTokenBudget(prompt),
    };
    const first = await callStructured({
      ...call,
      messages: turns,
      stream: ctx.onDelta ? { field: "optimized_prompt", onDelta: ctx.onDelta } : undefined,
    });
    const draft = toOptimization(first.value, strategy.strategy);
    let missing = checkPreservation({ original: prompt, optimized: draft.optimized_prompt, analysis }).missing;
    if (draft.optimized_prompt.length > 0 && missing.length === 0) return draft;

    const dropped = draft.optimized_prompt.length === 0 ? ["the whole prompt (the rewrite was empty)"] : missing;
    ctx.onProgress?.(0.7, `The rewrite dropped ${dropped.length} protected item(s); asking ${label} to restore them`);
    let repairFailure = "";
    try {
      const second = await callStructured({
        ...call,
        messages: [
          ...turns,
          { role: "assistant", content: first.text },
          { role: "user", content: preservationRepairMessage(dropped) },
        ],
      });
      const repaired = toOptimization(second.value, strategy.strategy);
      missing = checkPreservation({ original: prompt, optimized: repaired.optimized_prompt, analysis }).missing;
      if (repaired.optimized_prompt.length > 0 && missing.length === 0) {
        return {
          ...repaired,
          notes: joinNotes(
            repaired.notes,
            `The first ${label} rewrite dropped ${dropped.length} protected item(s) (${listItems(dropped)}); ` +
              "a repair pass restored them.",
          ),
        };
      }
    } catch (error) {
      if (ctx.signal.aborted || isAbortError(error)) throw error;
      repairFailure = ` (the repair request failed: ${error instanceof Error ? error.message : "unknown error"})`;
    }
    const fallback = await local.optimize(req, ctx);
    return {
      ...fallback,
      notes: joinNotes(
        fallback.notes,
        `The ${label} rewrite dropped protected item(s) (${listItems(missing.length > 0 ? missing : dropped)}) ` +
          `and was rejected${repairFailure}; this is the built-in rewrite instead.`,
      ),
    };
  }

  return {
    name: provider,
    provider,
    model,

    async analyze(prompt, ctx) {
      begin(ctx, "Analysing");
      const messages = analyzeMessages({ prompt, codebaseContext: ctx.codebaseContext });
      const remote = callStructured({
        ...common(ctx),
        spec: STAGE_SPECS.analyze,
        system: messages.system,
        messages: [{ role: "user", content: messages.user }],
        maxOutputTokens: 4_096,
      });
      const localAnalysis = await whileWaiting(remote, () => local.analyze(prompt, ctx));
      const { value } = await remote;
      return mergeAnalysis(prompt, localAnalysis, value);
    },

    async selectStrategy(req, ctx) {
      if (req.override) return local.selectStrategy(req, ctx);
      begin(ctx, "Choosing a strategy");
      try {
        const messages = strategyMessages({
          prompt: req.prompt,
          analysis: req.analysis,
          codebaseContext: ctx.codebaseContext,
        });
        const { value } = await callStructured({
          ...common(ctx),
          spec: STAGE_SPECS.strategy,
          system: messages.system,
          messages: [{ role: "user", content: messages.user }],
          maxOutputTokens: 1_024,
        });
        // The user's secondaries are kept; a model primary among them is re-chosen locally.
        return withRequestedSecondaries(toStrategy(value), req.secondary) ?? local.selectStrategy(req, ctx);
      } catch (error) {
        if (ctx.signal.aborted || isAbortError(error)) throw error;
        const fallback = await local.selectStrategy(req, ctx);
        const why = error instanceof Error ? error.message : "unknown error";
        return {
          ...fallback,
          reasoning: `${fallback.reasoning} (Chosen by the built-in selector: the ${label} model's choice failed: ${why})`,
        };
      }
    },

    async optimize(req, ctx) {
      begin(ctx, "Rewriting");
      return rewrite(req, ctx);
    },

    async validate(req, ctx) {
      begin(ctx, "Scoring");
      const originalIsA = random() < 0.5;
      const messages = validateMessages({
        promptA: originalIsA ? req.original : req.optimized,
        promptB: originalIsA ? req.optimized : req.original,
        analysis: req.analysis,
        codebaseContext: ctx.codebaseContext,
      });
      const remote = callStructured({
        ...common(ctx),
        spec: STAGE_SPECS.validate,
        system: messages.system,
        messages: [{ role: "user", content: messages.user }],
        maxOutputTokens: 2_048,
      });
      const localValidation = await whileWaiting(remote, () => local.validate(req, ctx));
      const { value } = await remote;
      return blendValidation({ local: localValidation, llm: value, originalIsA });
    },
  };
}
