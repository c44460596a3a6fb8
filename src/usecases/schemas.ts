// Request schemas of the use cases, shared by REST (validation + OpenAPI), MCP (inputSchema) and CLI.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { STAGES } from "../core/pipeline/events.js";
import { MAX_PROMPT_CHARS } from "../core/pipeline/run.js";
import { type CodebaseContext, CodebaseContextSchema, STRATEGY_NAMES, TASK_TYPES } from "../core/pipeline/schemas.js";
import { OPTIMIZATION_STATUSES } from "../core/records.js";
import { resolveStrategyName } from "../core/strategies/catalogue.js";
import { cleanBody, cleanLine } from "../core/text.js";

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

/**
 * A prompt-like text field (1–100 000 characters, not blank); messages name the field itself,
 * so a missing `optimized` or `content` is not reported as a bad `prompt`.
 */
export function promptText(field: string) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .min(1, `${field} must not be empty`)
    .max(MAX_PROMPT_CHARS, `${field} must be at most ${MAX_PROMPT_CHARS} characters`)
    .refine((s) => s.trim().length > 0, `${field} must not be blank`);
}

export const PromptTextSchema = promptText("prompt");

/** A one-line stored label: controls, bidi and invisible characters removed, line breaks made spaces. */
export function lineText<T extends z.ZodType<unknown, string>>(inner: T) {
  return z.string().transform(cleanLine).pipe(inner);
}

/** A multi-line stored text: controls, bidi and invisible characters removed; LF and TAB kept. */
export function bodyText<T extends z.ZodType<unknown, string>>(inner: T) {
  return z.string().transform(cleanBody).pipe(inner);
}

const TagSchema = lineText(z.string().trim().min(1).max(50));
/** Tags of a record: each stored once (tags compare case-insensitively), in the order first given. */
const TagsSchema = z
  .array(TagSchema)
  .max(20)
  .transform((tags) => tags.filter((tag, i) => tags.findIndex((t) => t.toLowerCase() === tag.toLowerCase()) === i));
const IdSchema = z.string().trim().min(1).max(100);

/** The nine context fields as stored: labels on one line, bodies and list items multi-line. */
export const CodebaseContextInputSchema = CodebaseContextSchema.transform(
  (context): CodebaseContext =>
    Object.fromEntries(
      Object.entries(context).map(([key, value]) => {
        const clean = key === "language" || key === "framework" || key === "test_framework" ? cleanLine : cleanBody;
        return [key, Array.isArray(value) ? value.map((v) => clean(v)) : clean(value as string)];
      }),
    ) as CodebaseContext,
);

export const OptimizeOptionsSchema = z.object({
  title: lineText(z.string().trim().min(1).max(200)).optional(),
  project: lineText(z.string().trim().min(1).max(100)).optional(),
  project_id: IdSchema.optional(),
  prompt_id: IdSchema.optional(),
  tags: TagsSchema.optional(),
  version: z
    .string()
    .regex(/^v[1-9]\d{0,5}$/, 'version must look like "v1", "v2", … (from v1)')
    .optional(),
  strategy: StrategyInputSchema.optional(),
  secondary_frameworks: SecondaryFrameworksSchema.optional(),
  provider: z.string().trim().min(1).max(50).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  codebase_context: CodebaseContextInputSchema.optional(),
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
  name: lineText(z.string().trim().min(1).max(100)),
  description: bodyText(z.string().max(2000)).optional(),
  context_profile: CodebaseContextInputSchema.optional(),
});
export const ProjectUpdateSchema = z
  .object({
    name: lineText(z.string().trim().min(1).max(100)).optional(),
    description: bodyText(z.string().max(2000)).nullable().optional(),
    context_profile: CodebaseContextInputSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to update: give name, description or context_profile");

/** A project prompt's body, stored sanitised as optimized prompts are. */
const PromptContentSchema = promptText("content")
  .transform(cleanBody)
  .pipe(z.string().refine((s) => s.trim().length > 0, "content must not be blank"));
export const PromptCreateSchema = z.object({
  title: lineText(z.string().trim().min(1).max(200)).optional(),
  content: PromptContentSchema,
});
export const PromptUpdateSchema = z
  .object({
    title: lineText(z.string().trim().min(1).max(200)).nullable().optional(),
    content: PromptContentSchema.optional(),
    optimization_id: IdSchema.optional(),
  })
  .refine((v) => v.title !== undefined || v.content !== undefined, "nothing to update: give title or content");
export const PromptReorderSchema = z.object({ ids: z.array(IdSchema).min(1).max(1000) });
