// Request schemas of the use cases, shared by REST (validation + OpenAPI), MCP (inputSchema) and CLI.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { STAGES } from "../core/pipeline/events.js";
import { MAX_PROMPT_CHARS } from "../core/pipeline/run.js";
import { CodebaseContextSchema, STRATEGY_NAMES, TASK_TYPES } from "../core/pipeline/schemas.js";
import { OPTIMIZATION_STATUSES } from "../core/records.js";
import { resolveStrategyName } from "../core/strategies/catalogue.js";

/** Strategy names and legacy aliases, normalised to the canonical name. */
export const StrategyInputSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const name = resolveStrategyName(value);
    if (!name) {
      ctx.addIssue({
        code: "custom",
        message: `Unknown strategy "${value.slice(0, 60)}". Known: ${STRATEGY_NAMES.join(", ")}.`,
      });
      return z.NEVER;
    }
    return name;
  });

/** Up to two secondary strategies, each named once (after aliases are resolved). */
export const SecondaryFrameworksSchema = z
  .array(StrategyInputSchema)
  .max(2, "secondary_frameworks holds at most 2 strategies")
  .refine((list) => new Set(list).size === list.length, "secondary_frameworks must not name a strategy twice");

/**
 * A secondary equal to the primary cannot be honoured: refused (422) rather than silently dropped.
 * Called by every use case that takes both (the schemas are extended by MCP, so no object refinement).
 */
export function assertFrameworkChoice(input: { strategy?: string; secondary_frameworks?: readonly string[] }): void {
  if (!input.strategy || !input.secondary_frameworks?.includes(input.strategy)) return;
  const message = `secondary_frameworks must differ from strategy (${input.strategy} is the primary)`;
  throw new AppError("validation_error", `Invalid input — secondary_frameworks: ${message}`, {
    details: { issues: [{ path: "secondary_frameworks", message }] },
  });
}

export const PromptTextSchema = z
  .string({ error: "prompt must be a string" })
  .min(1, "prompt must not be empty")
  .max(MAX_PROMPT_CHARS, `prompt must be at most ${MAX_PROMPT_CHARS} characters`)
  .refine((s) => s.trim().length > 0, "prompt must not be blank");

const TagSchema = z.string().trim().min(1).max(50);
const IdSchema = z.string().trim().min(1).max(100);

export const OptimizeOptionsSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  project: z.string().trim().min(1).max(100).optional(),
  project_id: IdSchema.optional(),
  prompt_id: IdSchema.optional(),
  tags: z.array(TagSchema).max(20).optional(),
  version: z
    .string()
    .regex(/^v\d{1,6}$/, 'version must look like "v1", "v2", …')
    .optional(),
  strategy: StrategyInputSchema.optional(),
  secondary_frameworks: SecondaryFrameworksSchema.optional(),
  provider: z.string().trim().min(1).max(50).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  codebase_context: CodebaseContextSchema.optional(),
  max_iterations: z.number().int().min(1).max(5).optional(),
  score_threshold: z.number().min(1).max(10).optional(),
  stages: z.array(z.enum(STAGES)).min(1).max(4).optional(),
});
export type OptimizeOptions = z.infer<typeof OptimizeOptionsSchema>;

export const OptimizeRequestSchema = OptimizeOptionsSchema.extend({ prompt: PromptTextSchema });
export type OptimizeRequest = z.infer<typeof OptimizeRequestSchema>;

export const RetryRequestSchema = z.object({
  strategy: StrategyInputSchema.optional(),
  secondary_frameworks: SecondaryFrameworksSchema.optional(),
  provider: z.string().trim().min(1).max(50).optional(),
  model: z.string().trim().min(1).max(200).optional(),
});
export type RetryRequest = z.infer<typeof RetryRequestSchema>;

export const BATCH_MAX = 20;
export const BatchRequestSchema = OptimizeOptionsSchema.extend({
  prompts: z
    .array(PromptTextSchema)
    .min(1, "prompts must hold 1–20 prompts")
    .max(BATCH_MAX, "prompts must hold 1–20 prompts"),
});
export type BatchRequest = z.infer<typeof BatchRequestSchema>;

export const HistoryQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  search: z.string().trim().max(500).optional(),
  project_id: IdSchema.optional(),
  task_type: z.enum(TASK_TYPES).optional(),
  status: z.enum(OPTIMIZATION_STATUSES).optional(),
  strategy: StrategyInputSchema.optional(),
  tag: TagSchema.optional(),
  min_score: z.coerce.number().min(0).max(10).optional(),
  /** Only the records that retry this optimization id (exact match). */
  retry_of: IdSchema.optional(),
  sort: z.enum(["created_at", "overall_score", "title", "relevance"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const BulkDeleteSchema = z.object({ ids: z.array(IdSchema).min(1).max(100) });

export const ProjectCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
  context_profile: CodebaseContextSchema.optional(),
});
export const ProjectUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(2000).nullable().optional(),
    context_profile: CodebaseContextSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to update: give name, description or context_profile");

export const PromptCreateSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  content: PromptTextSchema,
});
export const PromptUpdateSchema = z
  .object({
    title: z.string().trim().min(1).max(200).nullable().optional(),
    content: PromptTextSchema.optional(),
    optimization_id: IdSchema.optional(),
  })
  .refine((v) => v.title !== undefined || v.content !== undefined, "nothing to update: give title or content");
export const PromptReorderSchema = z.object({ ids: z.array(IdSchema).min(1).max(1000) });
