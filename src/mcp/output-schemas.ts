// Output schemas of the MCP tools besides the compact record and project results of compact.ts: the
// compact shapes used in lists (an agent browsing history needs ids, scores and a preview, not every
// field), stats, batch and the catalogue.
import { z } from "zod";
import { AnalysisSchema } from "../core/pipeline/schemas.js";
import { type OptimizationRecord, OptimizationStatusSchema, PromptSchema, WarningSchema } from "../core/records.js";
import { clip } from "../events/mcp-activity.js";

export const RecordSummarySchema = z.object({
  id: z.string(),
  status: OptimizationStatusSchema,
  title: z.string().nullable(),
  /** The first characters of the raw prompt. */
  preview: z.string(),
  tags: z.array(z.string()),
  project_id: z.string().nullable(),
  task_type: z.string().nullable(),
  strategy: z.string().nullable(),
  overall: z.number().nullable(),
  engine: z.string(),
  created_at: z.string(),
});
export type RecordSummary = z.infer<typeof RecordSummarySchema>;

export function summarizeRecord(record: OptimizationRecord): RecordSummary {
  return {
    id: record.id,
    status: record.status,
    title: record.title,
    preview: clip(record.raw_prompt, 120),
    tags: record.tags,
    project_id: record.project_id,
    task_type: record.analysis?.task_type ?? null,
    strategy: record.strategy?.strategy ?? null,
    overall: record.validation?.overall ?? null,
    engine: record.engine,
    created_at: record.created_at,
  };
}

export const RecordPageOutput = z.object({
  items: z.array(RecordSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  per_page: z.number().int(),
  has_more: z.boolean(),
});

const Breakdown = z.object({
  count: z.number(),
  avg_overall: z.number().nullable(),
  improvement_rate: z.number().nullable(),
});
export const StatsOutput = z.object({
  total: z.number().int(),
  by_status: z.record(z.string(), z.number()),
  avg_overall: z.number().nullable(),
  avg_improvement: z.number().nullable(),
  improvement_rate: z.number().nullable(),
  by_strategy: z.record(z.string(), Breakdown),
  by_task_type: z.record(z.string(), Breakdown),
  by_strategy_task_type: z.record(z.string(), z.record(z.string(), Breakdown)),
  score_distribution: z.record(z.string(), z.number()),
});

export const DeleteOutput = z.object({ id: z.string(), deleted: z.boolean() });
export const BulkDeleteOutput = z.object({ requested: z.number().int(), deleted: z.number().int() });

export const PromptOutput = PromptSchema;

export const StrategiesOutput = z.object({
  strategies: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      description: z.string(),
      best_when: z.string(),
      sections: z.array(z.string()),
    }),
  ),
});

export const AnalyzeOutput = z.object({
  analysis: AnalysisSchema,
  warnings: z.array(WarningSchema),
  engine: z.string(),
});

export const BatchOutput = z.object({
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(["completed", "error", "cancelled", "rejected"]),
      id: z.string().nullable(),
      overall: z.number().nullable(),
      strategy: z.string().nullable(),
      warnings: z.array(WarningSchema),
      error: z.string().nullable(),
    }),
  ),
});
