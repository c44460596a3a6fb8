// The `mcp-sampling` engine (PRODUCT.md 2): the four stages run on the MCP client's own model through
// `sampling/createMessage`. It reuses the LLM engine's stage prompts (which spell out the JSON reply
// schema) and its pure merge/blend steps; a reply that is not valid JSON for the stage, or a rewrite
// that drops a protected item falls back to the local engine for that stage, and the fallback is
// said in progress messages and notes. A request the user refuses ends the run at once (one approval
// prompt, not four); a request that fails otherwise (timeout, client error) is not sent again: the
// remaining stages run on the built-in engine. `name`/`provider`/`model` say what really produced the
// result: `mcp-sampling` and the model the client reported when at least one stage came from the
// client's model, `local` when every stage fell back.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { McpError, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import { AppError, isAbortError } from "../core/errors.js";
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

type StageName = "analyze" | "strategy" | "optimize" | "validate";

/** MCP's error code for "User rejected sampling request" (spec: sampling, error handling). */
const USER_REJECTED_CODE = -1;

/** True when a failed sampling request means the user (or the client on their behalf) said no. */
export function isSamplingRefusal(error: unknown): boolean {
  if (error instanceof McpError && error.code === USER_REJECTED_CODE) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(reject|declin|denied|deny|refus|not approved|disapprov)/i.test(message);
}

/** The model name a client reported, safe to store (one line, no control characters, at most 100 chars). */
function modelLabel(model: unknown): string | null {
  if (typeof model !== "string") return null;
  const clean = model
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean === "" ? null : clean.slice(0, 100);
}

/** The refusal ends the run with this message (naming the stage where it happened). */
export function refusalMessage(stage: StageName): string {
  return (
    `The MCP client refused the sampling request for the ${stage} stage (the user declined it), so the run stopped ` +
    "there and nothing more was sent to the client's model. Approve the request to use the client's model, or " +
    'call again with provider "local" for the built-in engine.'
  );
}

export function createSamplingEngine(options: SamplingEngineOptions): PipelineEngine {
  const { sample, local } = options;
  const random = options.random ?? Math.random;
  /** Stages whose result came (at least in part) from the client's model. */
  const sampled = new Set<StageName>();
  let reportedModel: string | null = null;
  let overridden = false;
  /** Set after a request failed for another reason than a refusal: no further request is sent. */
  let unavailable: string | null = null;

  /** Asks the client's model for one stage; `problem` says why there is no usable value. */
  async function ask<T>(
    stage: StageName,
    messages: StageMessages,
    schema: Parameters<typeof parseModelJson<T>>[1],
    maxTokens: number,
    ctx: StageContext,
  ): Promise<Parsed<T>> {
    if (unavailable) return { ok: false, problem: unavailable };
    let text: string;
    try {
      const reply = await sample({
        systemPrompt: messages.system,
        messages: [{ role: "user", content: messages.user }],
        maxTokens,
        signal: ctx.signal,
      });
      text = reply.text;
      reportedModel = modelLabel(reply.model) ?? reportedModel;
    } catch (error) {
      if (ctx.signal.aborted || isAbortError(error)) throw error;
      if (isSamplingRefusal(error)) throw new AppError("forbidden", refusalMessage(stage));
      const why = (error instanceof Error ? error.message : String(error)).slice(0, 160);
      unavailable = `an earlier sampling request failed (${why}), so no further one was sent`;
      return { ok: false, problem: `the sampling request failed (${why})` };
    }
    return parseModelJson(text, schema);
  }

  /** One sentence naming what produced each stage so far (for the notes), empty when all were sampled. */
  const stageSummary = () => {
    const stages: StageName[] = overridden ? ["analyze", "optimize"] : ["analyze", "strategy", "optimize"];
    const onClient = stages.filter((s) => sampled.has(s));
    const builtIn = stages.filter((s) => !sampled.has(s));
    if (builtIn.length === 0) return "";
    const model = reportedModel ? ` (${reportedModel})` : "";
    return onClient.length === 0
      ? "Every stage so far ran on the built-in engine: the client's model gave no usable answer."
      : `Stages on the client's model${model}: ${onClient.join(", ")}; on the built-in engine: ${builtIn.join(", ")}.`;
  };

  const fellBack = (ctx: StageContext, stage: string, problem: string) =>
    ctx.onProgress?.(0.9, `The client's model gave no usable ${stage} (${problem}); using the built-in engine.`);

  return {
    // Read when the record is stored: what really produced the result.
    get name() {
      return sampled.size > 0 ? SAMPLING_ENGINE_NAME : local.name;
    },
    get provider() {
      return sampled.size > 0 ? SAMPLING_ENGINE_NAME : local.provider;
    },
    get model() {
      return sampled.size > 0 ? reportedModel : local.model;
    },

    async analyze(prompt, ctx) {
      const localAnalysis = await local.analyze(prompt, ctx);
      ctx.onProgress?.(0.1, "Analysing with the client's model (MCP sampling)");
      const reply = await ask(
        "analyze",
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
      if (!merged.success) return localAnalysis;
      sampled.add("analyze");
      return merged.data;
    },

    async selectStrategy(req, ctx) {
      if (req.override) {
        overridden = true;
        return local.selectStrategy(req, ctx);
      }
      ctx.onProgress?.(0.1, "Choosing a strategy with the client's model (MCP sampling)");
      const reply = await ask(
        "strategy",
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
      if (valid?.success) {
        const kept = withRequestedSecondaries(valid.data, req.secondary);
        if (!kept) return local.selectStrategy(req, ctx);
        sampled.add("strategy");
        return kept;
      }
      fellBack(ctx, "strategy", reply.ok ? "the choice did not validate" : reply.problem);
      return local.selectStrategy(req, ctx);
    },

    async optimize(req, ctx) {
      const { prompt, analysis, strategy } = req;
      ctx.onProgress?.(0.1, "Rewriting with the client's model (MCP sampling)");
      const messages = rewriteMessages(req, ctx.codebaseContext);
      const budget = Math.min(32_000, Math.max(4_096, Math.ceil(prompt.length / 2) + 2_000));
      const reply = await ask("optimize", messages, LlmOptimizationSchema, budget, ctx);
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
          if (missing.length === 0) {
            sampled.add("optimize");
            const summary = stageSummary();
            return summary
              ? { ...draft.data, notes: [draft.data.notes, summary].filter(Boolean).join(" ") }
              : draft.data;
          }
          problem = `the rewrite dropped ${missing.length} protected item(s)`;
        } else problem = "the rewrite was empty or incomplete";
      }
      fellBack(ctx, "rewrite", problem);
      const fallback = await local.optimize(req, ctx);
      const note = `The client's model (MCP sampling) gave no usable rewrite (${problem}); this is the built-in rewrite.`;
      return {
        ...fallback,
        notes: [fallback.notes, note, stageSummary()].filter((n) => n.trim() !== "").join(" "),
      };
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
      const reply = await ask("validate", messages, LlmValidationSchema, 2_048, ctx);
      if (!reply.ok) {
        fellBack(ctx, "scores", reply.problem);
        return localValidation;
      }
      const blended = ValidationSchema.safeParse(
        blendValidation({ local: localValidation, llm: reply.value, originalIsA }),
      );
      if (!blended.success) return localValidation;
      sampled.add("validate");
      return blended.data;
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
