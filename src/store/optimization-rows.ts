// Mapping between OptimizationRecord (what the app speaks) and the flat `optimization` row:
// filterable fields become columns, nested objects become JSON text.
import type { Selectable } from "kysely";
import { computeOverall } from "../core/pipeline/schemas.js";
import type { OptimizationRecord } from "../core/records.js";
import type { OptimizationTable } from "./database.js";

export type OptimizationRow = Selectable<OptimizationTable>;
/** A row as written: `seq` is assigned by the database. */
export type OptimizationInsert = Omit<OptimizationRow, "seq">;

/** Fields a caller may change after creation. */
export type OptimizationPatch = Partial<Omit<OptimizationRecord, "id" | "created_at" | "updated_at">>;

/** A new record starts pending or running; everything else defaults to empty. */
export type NewOptimization = Pick<OptimizationRecord, "raw_prompt" | "engine" | "provider"> &
  Omit<OptimizationPatch, "status"> & { id?: string; status?: "pending" | "running" };

/** Tags compare trimmed and case-insensitively. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

export function titleKey(title: string | null | undefined): string | null {
  if (title === null || title === undefined) return null;
  return title.trim().toLowerCase();
}

function tagsKey(tags: readonly string[]): string {
  return JSON.stringify([...new Set(tags.map(normalizeTag))]);
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function parse<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

/** Columns for the fields present in `patch`, including the flat columns derived from them. */
export function patchToRow(patch: OptimizationPatch): Partial<OptimizationInsert> {
  const row: Partial<OptimizationInsert> = {};
  const copy = [
    "status",
    "raw_prompt",
    "optimized_prompt",
    "project_id",
    "prompt_id",
    "version",
    "error_message",
    "framework_applied",
    "notes",
    "iterations",
    "engine",
    "provider",
    "model",
    "duration_ms",
    "retry_of",
  ] as const;
  for (const key of copy) {
    if (patch[key] !== undefined) (row as Record<string, unknown>)[key] = patch[key];
  }
  if (patch.title !== undefined) {
    row.title = patch.title;
    row.title_key = titleKey(patch.title);
  }
  if (patch.tags !== undefined) {
    row.tags = JSON.stringify(patch.tags);
    row.tags_key = tagsKey(patch.tags);
  }
  if (patch.analysis !== undefined) {
    row.analysis = json(patch.analysis);
    row.task_type = patch.analysis?.task_type ?? null;
    row.complexity = patch.analysis?.complexity ?? null;
  }
  if (patch.strategy !== undefined) {
    row.strategy_result = json(patch.strategy);
    row.strategy = patch.strategy?.strategy ?? null;
  }
  if (patch.validation !== undefined) {
    const v = patch.validation;
    row.validation = json(v);
    row.overall_score = v?.overall ?? null;
    row.is_improvement = v === null ? null : v.is_improvement ? 1 : 0;
    row.overall_delta = v === null ? null : Math.round((v.overall - computeOverall(v.original_scores)) * 10) / 10;
  }
  if (patch.changes_made !== undefined) row.changes_made = JSON.stringify(patch.changes_made);
  if (patch.warnings !== undefined) row.warnings = JSON.stringify(patch.warnings);
  if (patch.token_usage !== undefined) row.token_usage = json(patch.token_usage);
  if (patch.codebase_context !== undefined) row.codebase_context = json(patch.codebase_context);
  if (patch.codebase_context_sources !== undefined) row.codebase_context_sources = json(patch.codebase_context_sources);
  return row;
}

/** A complete row for a complete record (create and import). */
export function recordToRow(record: OptimizationRecord): OptimizationInsert {
  const { id, created_at, updated_at, ...fields } = record;
  return {
    ...(patchToRow(fields) as Omit<OptimizationInsert, "id" | "created_at" | "updated_at">),
    id,
    created_at,
    updated_at,
  };
}

export function rowToRecord(row: OptimizationRow): OptimizationRecord {
  return {
    id: row.id,
    status: row.status as OptimizationRecord["status"],
    raw_prompt: row.raw_prompt,
    optimized_prompt: row.optimized_prompt,
    title: row.title,
    tags: parse<string[]>(row.tags, []),
    project_id: row.project_id,
    prompt_id: row.prompt_id,
    version: row.version,
    error_message: row.error_message,
    analysis: parse(row.analysis, null),
    strategy: parse(row.strategy_result, null),
    framework_applied: row.framework_applied,
    changes_made: parse<string[]>(row.changes_made, []),
    notes: row.notes,
    validation: parse(row.validation, null),
    warnings: parse(row.warnings, []),
    iterations: Number(row.iterations),
    engine: row.engine,
    provider: row.provider,
    model: row.model,
    token_usage: parse(row.token_usage, null),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    retry_of: row.retry_of,
    codebase_context: parse(row.codebase_context, null),
    codebase_context_sources: parse(row.codebase_context_sources ?? null, null),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Fills the defaults of a new record. */
export function newRecord(input: NewOptimization, id: string, now: string): OptimizationRecord {
  return {
    status: "pending",
    optimized_prompt: null,
    title: null,
    tags: [],
    project_id: null,
    prompt_id: null,
    version: null,
    error_message: null,
    analysis: null,
    strategy: null,
    framework_applied: null,
    changes_made: [],
    notes: null,
    validation: null,
    warnings: [],
    iterations: 0,
    model: null,
    token_usage: null,
    duration_ms: null,
    retry_of: null,
    codebase_context: null,
    codebase_context_sources: null,
    ...stripUndefined(input),
    id,
    created_at: now,
    updated_at: now,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
