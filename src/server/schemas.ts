// Named copies of the shared response shapes, so the OpenAPI document lists them as components
// (`#/components/schemas/OptimizationRecord`) and generated clients get readable type names.
// The names are given here, on copies, never on the core schemas: an `id` in zod's registry also
// changes what `z.toJSONSchema` produces for MCP tool schemas and provider structured output.
import { z } from "zod";
import {
  AnalysisSchema,
  OptimizationSchema,
  StrategyResultSchema,
  ValidationSchema,
} from "../core/pipeline/schemas.js";
import { OptimizationRecordSchema, ProjectSchema, PromptSchema, PromptVersionSchema } from "../core/records.js";

export const Analysis = AnalysisSchema.meta({
  id: "Analysis",
  description: "Task type, complexity, diagnostics, extracted constraints and placeholders of a prompt",
});
export const StrategySelection = StrategyResultSchema.meta({
  id: "StrategySelection",
  description: "The chosen strategy, up to two secondaries and the reasoning",
});
export const OptimizationResult = OptimizationSchema.meta({
  id: "OptimizationResult",
  description: "The rewritten prompt and what changed",
});
export const Validation = ValidationSchema.meta({
  id: "Validation",
  description: "Scores of the original and the rewrite, deltas, overall score and preservation counts",
});

/**
 * `schema | null` for a named schema. `.nullable()` would make the generator mark the shared
 * component itself nullable; a union with null keeps the component exact.
 */
function orNull<S extends z.ZodType>(schema: S) {
  return z.union([schema, z.null()]);
}

export const OptimizationRecord = OptimizationRecordSchema.extend({
  analysis: orNull(Analysis),
  strategy: orNull(StrategySelection),
  validation: orNull(Validation),
}).meta({ id: "OptimizationRecord", description: "One stored optimization (any status)" });

export const Project = ProjectSchema.meta({ id: "Project" });
export const Prompt = PromptSchema.meta({ id: "Prompt", description: "A prompt of a project, in its current version" });
export const PromptVersion = PromptVersionSchema.meta({
  id: "PromptVersion",
  description: "Immutable snapshot of superseded prompt content",
});

export const HistoryPage = z
  .object({
    items: z.array(OptimizationRecord),
    total: z.number().int(),
    page: z.number().int(),
    per_page: z.number().int(),
  })
  .meta({ id: "HistoryPage", description: "One page of optimization records" });
