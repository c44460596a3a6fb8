// The `mcp-sampling` engine (PRODUCT.md 2): the four stages run on the MCP client's own model through
// `sampling/createMessage`. It reuses the LLM engine's stage prompts (which spell out the JSON reply
// schema) and its pure merge/blend steps; a reply that is not valid JSON for the stage, a sampling
// request the client refuses, or a rewrite that drops a protected item falls back to the local
// engine for that stage, and the fallback is said in progress messages and notes.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { isAbortError } from "../core/errors.js";
import { checkPreservation } from "../core/local/preservation.js";
import { withRequestedSecondaries } from "../core/local/selector.js";
import type { PipelineEngine, StageContext } from "../core/pipeline/engine.js";
import {
  AnalysisSchema,
  OptimizationSchema,
  type StrategyResult,
  StrategyResultSchema,
  ValidationSchema,
} from "../core/pipeline/schemas.js";
import { mergeAnalysis } from "../providers/analysis-merge.js";
import { blendValidation } from "../providers/hybrid-scoring.js";
import type { ChatTurn } from "../providers/model-client.js";
import { parseModelJson, stripReasoning } from "../providers/model-output.js";
import { analyzeMessages } from "../providers/prompts/analyze.js";
import { rewriteMessages } from "../providers/prompts/optimize.js";
import { strategyMessages } from "../providers/prompts/strategy.js";
import type { StageMessages } from "../providers/prompts/types.js";
import { validateMessages } from "../providers/prompts/validate.js";
import {
  LlmAnalysisSchema,
  LlmOptimizationSchema,
  LlmStrategySchema,
  LlmValidationSchema,
} from "../providers/stage-schemas.js";

export const SAMPLING_ENGINE_NAME = "mcp-sampling";

export interface SampleRequest {
  systemPrompt: string;
  messages: ChatTurn[];
  maxTokens: number;
  signal: AbortSignal;
}

/** One sampling round trip; resolves to the reply text. */
export type SampleFn = (request: SampleRequest) => Promise<{ text: string; model?: string }>;

export interface SamplingEngineOptions {
  sample: SampleFn;
  /** The local engine: exact spans, local scores and every fallback. */
  local: PipelineEngine;
  /** A/B order of the validator; injectable for tests. */
  random?: () => number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function createSamplingEngine(options: SamplingEngineOptions): PipelineEngine {
  const { sample, local } = options;
  const random = options.random ?? Math.random;

  /** Asks the client's model for one stage; `problem` says why there is no usable value. */
  async function ask<T>(
    messages: StageMessages,
    schema: Parameters<typeof parseModelJson<T>>[1],
    maxTokens: number,
    ctx: StageContext,
  ): Promise<Parsed<T>> {
    let text: string;
    try {
      ({ text } = await sample({
        systemPrompt: messages.system,
        messages: [{ role: "user", content: messages.user }],
        maxTokens,
        signal: ctx.signal,
      }));
    } catch (error) {
      if (ctx.signal.aborted || isAbortError(error)) throw error;
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: `the sampling request failed (${why.slice(0, 160)})` };
    }
    return parseModelJson(text, schema);
  }

  const fellBack = (ctx: StageContext, stage: string, problem: string) =>
    ctx.onProgress?.(0.9, `The client's model gave no usable ${stage} (${problem}); using the built-in engine.`);

  return {
    name: SAMPLING_ENGINE_NAME,
    provider: SAMPLING_ENGINE_NAME,
    model: null,

    async analyze(prompt, ctx) {
      const localAnalysis = await local.analyze(prompt, ctx);
      ctx.onProgress?.(0.1, "Analysing with the client's model (MCP sampling)");
      const reply = await ask(
        analyzeMessages({ prompt, codebaseContext: ctx.codebaseContext }),
        LlmAnalysisSchema,
        4_096,
        ctx,
      );
      if (!reply.ok) {
        fellBack(ctx, "analysis", reply.problem);
        return localAnalysis;
      }
      const merged = AnalysisSchema.safeParse(mergeAnalysis(prompt, localAnalysis, reply.value));
      return merged.success ? merged.data : localAnalysis;
    },

    async selectStrategy(req, ctx) {
      if (req.override) return local.selectStrategy(req, ctx);
      ctx.onProgress?.(0.1, "Choosing a strategy with the client's model (MCP sampling)");
      const reply = await ask(
        strategyMessages({ prompt: req.prompt, analysis: req.analysis, codebaseContext: ctx.codebaseContext }),
        LlmStrategySchema,
        1_024,
        ctx,
      );
      const chosen: StrategyResult | null = reply.ok
        ? {
            strategy: reply.value.strategy,
            secondary_frameworks: [...new Set(reply.value.secondary_frameworks)]
              .filter((s) => s !== reply.value.strategy)
              .slice(0, 2),
            reasoning: reply.value.reasoning.trim() || `Chose ${reply.value.strategy}.`,
            confidence: Number.isFinite(reply.value.confidence)
              ? Math.min(1, Math.max(0, reply.value.confidence))
              : 0.5,
          }
        : null;
      const valid = chosen ? StrategyResultSchema.safeParse(chosen) : null;
      if (valid?.success) return withRequestedSecondaries(valid.data, req.secondary) ?? local.selectStrategy(req, ctx);
      fellBack(ctx, "strategy", reply.ok ? "the choice did not validate" : reply.problem);
      return local.selectStrategy(req, ctx);
    },

    async optimize(req, ctx) {
      const { prompt, analysis, strategy } = req;
      ctx.onProgress?.(0.1, "Rewriting with the client's model (MCP sampling)");
      const messages = rewriteMessages(req, ctx.codebaseContext);
      const budget = Math.min(32_000, Math.max(4_096, Math.ceil(prompt.length / 2) + 2_000));
      const reply = await ask(messages, LlmOptimizationSchema, budget, ctx);
      let problem = reply.ok ? "" : reply.problem;
      if (reply.ok) {
        const draft = OptimizationSchema.safeParse({
          optimized_prompt: stripReasoning(reply.value.optimized_prompt),
          framework_applied: reply.value.framework_applied.trim() || strategy.strategy,
          changes_made: reply.value.changes_made.map((c) => c.trim()).filter(Boolean),
          notes: reply.value.notes.trim(),
        });
        if (draft.success) {
          const missing = checkPreservation({
            original: prompt,
            optimized: draft.data.optimized_prompt,
            analysis,
          }).missing;
          if (missing.length === 0) return draft.data;
          problem = `the rewrite dropped ${missing.length} protected item(s)`;
        } else problem = "the rewrite was empty or incomplete";
      }
      fellBack(ctx, "rewrite", problem);
      const fallback = await local.optimize(req, ctx);
      const note = `The client's model (MCP sampling) gave no usable rewrite (${problem}); this is the built-in rewrite.`;
      return { ...fallback, notes: [fallback.notes, note].filter((n) => n.trim() !== "").join(" ") };
    },

    async validate(req, ctx) {
      const localValidation = await local.validate(req, ctx);
      ctx.onProgress?.(0.1, "Scoring with the client's model (MCP sampling)");
      const originalIsA = random() < 0.5;
      const messages = validateMessages({
        promptA: originalIsA ? req.original : req.optimized,
        promptB: originalIsA ? req.optimized : req.original,
        analysis: req.analysis,
        codebaseContext: ctx.codebaseContext,
      });
      const reply = await ask(messages, LlmValidationSchema, 2_048, ctx);
      if (!reply.ok) {
        fellBack(ctx, "scores", reply.problem);
        return localValidation;
      }
      const blended = ValidationSchema.safeParse(
        blendValidation({ local: localValidation, llm: reply.value, originalIsA }),
      );
      return blended.success ? blended.data : localValidation;
    },
  };
}

/** Default time limit of one sampling round trip (the user may have to approve it in the client). */
export const SAMPLING_TIMEOUT_MS = 120_000;

/** True when the connected client declared the sampling capability. */
export function clientCanSample(server: Server): boolean {
  return server.getClientCapabilities()?.sampling !== undefined;
}

/** A SampleFn over `sampling/createMessage`, sent in relation to the tool call that needs it. */
export function mcpSampler(server: Server, relatedRequestId: RequestId, timeoutMs = SAMPLING_TIMEOUT_MS): SampleFn {
  return async ({ systemPrompt, messages, maxTokens, signal }) => {
    const result = await server.createMessage(
      {
        systemPrompt,
        messages: messages.map((m) => ({ role: m.role, content: { type: "text" as const, text: m.content } })),
        maxTokens,
        includeContext: "none",
        temperature: 0.2,
        modelPreferences: { intelligencePriority: 0.8, speedPriority: 0.3, costPriority: 0.3 },
      },
      { signal, relatedRequestId, timeout: timeoutMs },
    );
    const blocks = Array.isArray(result.content) ? result.content : [result.content];
    const text = blocks
      .map((b) => (b.type === "text" ? b.text : ""))
      .join("")
      .trim();
    return { text, model: result.model };
  };
}
