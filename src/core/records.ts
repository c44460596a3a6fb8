// Stored records as the surfaces see them (REST, MCP, CLI, export files). The store maps these to
// table rows; everything outside src/store speaks these shapes.
import { z } from "zod";
import { AnalysisSchema, CodebaseContextSchema, StrategyResultSchema, ValidationSchema } from "./pipeline/schemas.js";

export const OPTIMIZATION_STATUSES = ["pending", "running", "completed", "error", "cancelled"] as const;
export const OptimizationStatusSchema = z.enum(OPTIMIZATION_STATUSES);
export type OptimizationStatus = z.infer<typeof OptimizationStatusSchema>;

export const WarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  // prompt_injection warnings: the detector's scores and evidence (what fired where, offsets into the sanitised prompt)
  score: z.number().optional(),
  model_score: z.number().nullable().optional(),
  pattern_score: z.number().optional(),
  evidence: z
    .array(
      z.object({
        signal: z.string(),
        pattern: z.string(),
        span: z.object({ start: z.number().int(), end: z.number().int() }),
      }),
    )
    .optional(),
});
export type Warning = z.infer<typeof WarningSchema>;

export const TokenUsageSchema = z.object({
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
});

export const CONTEXT_LAYERS = ["workspace", "project", "request"] as const;
export const ContextSourceSchema = z.object({
  layer: z.enum(CONTEXT_LAYERS),
  /** Workspace: the link and the file path(s); project: "project profile"; request: "request". */
  source: z.string(),
});
export const ContextSourcesSchema = z
  .record(z.string(), ContextSourceSchema)
  .meta({ id: "ContextSources", description: "Which layer each resolved codebase-context field came from" });
export type ContextSources = z.infer<typeof ContextSourcesSchema>;

export const OptimizationRecordSchema = z.object({
  id: z.string(),
  status: OptimizationStatusSchema,
  raw_prompt: z.string(),
  optimized_prompt: z.string().nullable(),
  title: z.string().nullable(),
  tags: z.array(z.string()),
  project_id: z.string().nullable(),
  prompt_id: z.string().nullable(),
  version: z.string().nullable(),
  error_message: z.string().nullable(),
  analysis: AnalysisSchema.nullable(),
  strategy: StrategyResultSchema.nullable(),
  framework_applied: z.string().nullable(),
  changes_made: z.array(z.string()),
  notes: z.string().nullable(),
  validation: ValidationSchema.nullable(),
  warnings: z.array(WarningSchema),
  iterations: z.number().int().min(0),
  engine: z.string(),
  provider: z.string(),
  model: z.string().nullable(),
  token_usage: TokenUsageSchema.nullable(),
  duration_ms: z.number().nullable(),
  retry_of: z.string().nullable(),
  codebase_context: CodebaseContextSchema.nullable(),
  /** Per field of `codebase_context`: the layer it came from and, for a workspace, the file(s). */
  codebase_context_sources: ContextSourcesSchema.nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OptimizationRecord = z.infer<typeof OptimizationRecordSchema>;

export const PROJECT_STATUSES = ["active", "archived", "deleted"] as const;
export const ProjectStatusSchema = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;

export const ProjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  context_profile: CodebaseContextSchema.nullable(),
  status: ProjectStatusSchema,
  created_at: z.string(),
  updated_at: z.string(),
  /**
   * Only in the answer to a create that brought back a soft-deleted project whose name matches
   * case-insensitively: what it was called and how many of its prompts came back with it.
   */
  reactivated: z
    .object({
      previous_name: z.string(),
      prompts_restored: z.number().int().min(0),
    })
    .optional()
    .describe(
      "Present only when the create reactivated a deleted project of the same name (compared case-insensitively), with its former name and the number of its prompts restored",
    ),
});
export type Project = z.infer<typeof ProjectSchema>;

export const PromptSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  title: z.string().nullable(),
  content: z.string(),
  position: z.number().int().min(0),
  version: z.number().int().min(1),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Prompt = z.infer<typeof PromptSchema>;

/** Immutable snapshot of superseded prompt content. */
export const PromptVersionSchema = z.object({
  id: z.string(),
  prompt_id: z.string(),
  version: z.number().int().min(1),
  content: z.string(),
  optimization_id: z.string().nullable(),
  created_at: z.string(),
});
export type PromptVersion = z.infer<typeof PromptVersionSchema>;
