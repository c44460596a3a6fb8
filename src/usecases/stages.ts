// Use cases: run one pipeline stage alone (POST /api/orchestrate/*, MCP `analyze`). Inputs a
// stage depends on may be passed in; whatever is missing is computed first on the same engine.
import { z } from "zod";
import type { StageContext } from "../core/pipeline/engine.js";
import { preparePrompt } from "../core/pipeline/run.js";
import {
  type Analysis,
  AnalysisSchema,
  CodebaseContextSchema,
  StrategyResultSchema,
} from "../core/pipeline/schemas.js";
import type { UseCaseDeps } from "./context.js";
import {
  assertFrameworkChoice,
  PromptTextSchema,
  promptText,
  SecondaryFrameworksSchema,
  StrategyInputSchema,
} from "./schemas.js";
import { parseInput } from "./validate.js";

const EngineChoice = {
  provider: z.string().trim().min(1).max(50).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  codebase_context: CodebaseContextSchema.optional(),
};

export const AnalyzeStageSchema = z.object({ prompt: PromptTextSchema, ...EngineChoice });
export const StrategyStageSchema = z.object({
  prompt: PromptTextSchema,
  analysis: AnalysisSchema.optional(),
  strategy: StrategyInputSchema.optional(),
  secondary_frameworks: SecondaryFrameworksSchema.optional(),
  ...EngineChoice,
});
export const OptimizeStageSchema = z.object({
  prompt: PromptTextSchema,
  analysis: AnalysisSchema.optional(),
  strategy: z.union([StrategyResultSchema, StrategyInputSchema]).optional(),
  ...EngineChoice,
});
export const ValidateStageSchema = z.object({
  original: promptText("original"),
  optimized: promptText("optimized"),
  analysis: AnalysisSchema.optional(),
  ...EngineChoice,
});

export function createStageService(deps: UseCaseDeps) {
  const setup = async (
    input: { provider?: string; model?: string; codebase_context?: unknown },
    signal?: AbortSignal,
    apiKey?: string,
  ) => {
    const engine = await deps.providers.resolve({ provider: input.provider, model: input.model, apiKey });
    const ctx: StageContext = {
      signal: signal ?? new AbortController().signal,
      codebaseContext: input.codebase_context as StageContext["codebaseContext"],
    };
    return { engine, ctx };
  };
  const analysisOf = async (prompt: string, given: Analysis | undefined, s: Awaited<ReturnType<typeof setup>>) =>
    given ?? s.engine.analyze(prompt, s.ctx);

  return {
    async analyze(raw: unknown, signal?: AbortSignal, apiKey?: string) {
      const input = parseInput(AnalyzeStageSchema, raw);
      const { prompt, warnings } = preparePrompt(input.prompt);
      const s = await setup(input, signal, apiKey);
      return { analysis: await s.engine.analyze(prompt, s.ctx), warnings, engine: s.engine.name };
    },
    async strategy(raw: unknown, signal?: AbortSignal, apiKey?: string) {
      const input = parseInput(StrategyStageSchema, raw);
      assertFrameworkChoice(input);
      const { prompt, warnings } = preparePrompt(input.prompt);
      const s = await setup(input, signal, apiKey);
      const analysis = await analysisOf(prompt, input.analysis, s);
      const strategy = await s.engine.selectStrategy(
        { prompt, analysis, override: input.strategy, secondary: input.secondary_frameworks },
        s.ctx,
      );
      return { strategy, analysis, warnings, engine: s.engine.name };
    },
    async optimize(raw: unknown, signal?: AbortSignal, apiKey?: string) {
      const input = parseInput(OptimizeStageSchema, raw);
      const { prompt, warnings } = preparePrompt(input.prompt);
      const s = await setup(input, signal, apiKey);
      const analysis = await analysisOf(prompt, input.analysis, s);
      const strategy =
        typeof input.strategy === "object"
          ? input.strategy
          : await s.engine.selectStrategy({ prompt, analysis, override: input.strategy }, s.ctx);
      const optimization = await s.engine.optimize({ prompt, analysis, strategy, iteration: 1 }, s.ctx);
      return { optimization, strategy, analysis, warnings, engine: s.engine.name };
    },
    async validate(raw: unknown, signal?: AbortSignal, apiKey?: string) {
      const input = parseInput(ValidateStageSchema, raw);
      const original = preparePrompt(input.original);
      const optimized = preparePrompt(input.optimized);
      const s = await setup(input, signal, apiKey);
      const analysis = await analysisOf(original.prompt, input.analysis, s);
      const validation = await s.engine.validate(
        { original: original.prompt, optimized: optimized.prompt, analysis },
        s.ctx,
      );
      return { validation, warnings: original.warnings, engine: s.engine.name };
    },
  };
}
