// What the model is asked to return at each stage. These are strict-mode friendly (every field
// required, closed objects, no records, no numeric bounds) so OpenAI structured outputs, Anthropic
// output_config.format and Gemini response schemas all accept them; the engine then maps each onto
// the pipeline's own stage schema (src/core/pipeline/schemas.ts), clamping and checking as it goes.
import { z } from "zod";
import {
  CONSTRAINT_KINDS,
  ComplexitySchema,
  DIAGNOSTIC_CODES,
  SeveritySchema,
  StrategyNameSchema,
  TaskTypeSchema,
} from "../core/pipeline/schemas.js";

const DIAGNOSTIC_CODE_VALUES = Object.values(DIAGNOSTIC_CODES) as [string, ...string[]];

export const LlmAnalysisSchema = z.object({
  task_type: TaskTypeSchema,
  complexity: ComplexitySchema,
  weaknesses: z.array(
    z.object({
      code: z.enum(DIAGNOSTIC_CODE_VALUES),
      severity: SeveritySchema,
      message: z.string(),
    }),
  ),
  strengths: z.array(z.string()),
  constraints: z.array(
    z.object({
      kind: z.enum(CONSTRAINT_KINDS),
      text: z.string().describe("the verbatim span of the prompt that states the constraint"),
    }),
  ),
  placeholders: z.array(z.string().describe("a placeholder exactly as written, e.g. {{name}}")),
});
export type LlmAnalysis = z.infer<typeof LlmAnalysisSchema>;

export const LlmStrategySchema = z.object({
  strategy: StrategyNameSchema,
  secondary_frameworks: z.array(StrategyNameSchema).describe("0 to 2 complementary strategies"),
  reasoning: z.string(),
  confidence: z.number().describe("0 to 1"),
});
export type LlmStrategy = z.infer<typeof LlmStrategySchema>;

/** `optimized_prompt` comes first so it can be streamed while the rest of the object follows. */
export const LlmOptimizationSchema = z.object({
  optimized_prompt: z.string(),
  framework_applied: z.string(),
  changes_made: z.array(z.string()),
  notes: z.string(),
});
export type LlmOptimization = z.infer<typeof LlmOptimizationSchema>;

const LlmScoresSchema = z.object({
  clarity: z.number().describe("1 to 10"),
  specificity: z.number().describe("1 to 10"),
  structure: z.number().describe("1 to 10"),
  faithfulness: z.number().describe("1 to 10"),
  conciseness: z.number().describe("1 to 10"),
});

export const LlmValidationSchema = z.object({
  prompt_a: LlmScoresSchema,
  prompt_b: LlmScoresSchema,
  better: z.enum(["A", "B", "tie"]),
  verdict: z.string().describe("two or three sentences; refer to the prompts as Prompt A and Prompt B"),
});
export type LlmValidation = z.infer<typeof LlmValidationSchema>;

export interface StageSpec<T> {
  stage: "analyze" | "strategy" | "optimize" | "validate";
  name: string;
  schema: z.ZodType<T>;
}

export const STAGE_SPECS = {
  analyze: { stage: "analyze", name: "prompt_analysis", schema: LlmAnalysisSchema },
  strategy: { stage: "strategy", name: "strategy_choice", schema: LlmStrategySchema },
  optimize: { stage: "optimize", name: "prompt_rewrite", schema: LlmOptimizationSchema },
  validate: { stage: "validate", name: "prompt_comparison", schema: LlmValidationSchema },
} as const satisfies Record<string, StageSpec<unknown>>;
