// What an agent gets back from a tool: compact by default and never more than RESULT_CHAR_CAP
// characters. Records are summarised (the optimized prompt, scores, strategy, warnings, preserved
// counts; inputs and contexts the agent already has only as their size and SHA-256), lists carry
// `has_context`/`completeness` instead of profiles, and `detail: "full"` adds the stored record.
// Whatever still exceeds the cap is clipped (longest strings first, then longest lists) and the
// result says what was clipped and which resource holds all of it.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { CodebaseContext } from "../core/pipeline/schemas.js";
import { CodebaseContextSchema, computeOverall, STRATEGY_NAMES } from "../core/pipeline/schemas.js";
import type { OptimizationRecord, Project } from "../core/records.js";
import { OptimizationStatusSchema, ProjectStatusSchema } from "../core/records.js";

/** The most characters a tool result carries (its JSON: the text block and the structured content). */
export const RESULT_CHAR_CAP = 20_000;
/** Said in every tool description that can return large values, and in docs/mcp.md. */
export const CAP_NOTE = `Capped at ${RESULT_CHAR_CAP.toLocaleString("en-US")} characters.`;

export const optimizationUri = (id: string) => `promptforge://optimizations/${id}`;
export const projectContextUri = (id: string) => `promptforge://projects/${id}/context`;
/** Where the whole record is when a record result had to be clipped. */
export const recordReadMore = (value: { id: string }) =>
  `${optimizationUri(value.id)} (MCP resource: the whole stored record)`;

export const DetailSchema = z
  .enum(["summary", "full"])
  .optional()
  .describe('"full": also the complete stored values (still capped).');
export type Detail = z.infer<typeof DetailSchema>;

export const TextInfoSchema = z
  .object({ chars: z.number().int().min(0), sha256: z.string() })
  .describe("Not echoed back: length and SHA-256.");
export type TextInfo = z.infer<typeof TextInfoSchema>;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function textInfo(text: string): TextInfo {
  return { chars: text.length, sha256: sha256(text) };
}

const CONTEXT_FIELDS = Object.keys(CodebaseContextSchema.shape) as Array<keyof CodebaseContext>;

/** Share of the nine codebase-context fields that carry something, 0–1. */
export function contextCompleteness(ctx: CodebaseContext | null | undefined): number {
  return Math.round((filledFields(ctx).length / CONTEXT_FIELDS.length) * 100) / 100;
}

function filledFields(ctx: CodebaseContext | null | undefined): string[] {
  if (!ctx) return [];
  return CONTEXT_FIELDS.filter((key) => {
    const value = ctx[key];
    return Array.isArray(value) ? value.length > 0 : typeof value === "string" && value.trim() !== "";
  });
}

export const ContextInfoSchema = z
  .object({
    fields: z.array(z.string()),
    completeness: z.number().min(0).max(1),
    chars: z.number().int().min(0),
    sha256: z.string(),
  })
  .describe("Filled fields, completeness, size, SHA-256.");
export type ContextInfo = z.infer<typeof ContextInfoSchema>;

export function contextInfo(ctx: CodebaseContext | Record<string, unknown> | null | undefined): ContextInfo | null {
  if (!ctx || Object.keys(ctx).length === 0) return null;
  const json = JSON.stringify(ctx);
  return {
    fields: filledFields(ctx as CodebaseContext),
    completeness: contextCompleteness(ctx as CodebaseContext),
    chars: json.length,
    sha256: sha256(json),
  };
}

const Count = z.object({ kept: z.number().int().min(0), total: z.number().int().min(0) });
const CompactWarning = z.object({ code: z.string(), message: z.string(), score: z.number().optional() });
const MAX_CHANGES = 12;

/** The compact record returned by optimize, retry, get, tag and cancel (one shared definition). */
export const RecordResultOutput = z.object({
  id: z.string(),
  status: OptimizationStatusSchema,
  title: z.string().nullable(),
  tags: z.array(z.string()),
  project_id: z.string().nullable(),
  optimized_prompt: z.string().nullable(),
  strategy: z.enum(STRATEGY_NAMES).nullable(),
  task_type: z.string().nullable(),
  complexity: z.string().nullable(),
  scores: z
    .object({
      overall: z.number(),
      original_overall: z.number(),
      is_improvement: z.boolean(),
      verdict: z.string(),
    })
    .nullable(),
  preserved: z.object({ constraints: Count, placeholders: Count }).nullable(),
  findings: z
    .object({ diagnostics: z.number().int(), errors: z.number().int(), constraints: z.number().int() })
    .nullable()
    .describe("Analysis counts (detail full: the diagnostics)."),
  changes_made: z.array(z.string()),
  /** What the engine says about the rewrite (e.g. a fallback to the built-in rewrite). */
  notes: z.string().nullable(),
  warnings: z.array(CompactWarning),
  error_message: z.string().nullable(),
  engine: z.string(),
  provider: z.string(),
  model: z.string().nullable(),
  iterations: z.number().int(),
  duration_ms: z.number().nullable(),
  retry_of: z.string().nullable(),
  raw_prompt: TextInfoSchema,
  codebase_context: ContextInfoSchema.nullable(),
  created_at: z.string(),
  resource: z.string().describe("Resource with the whole record."),
  record: z.record(z.string(), z.unknown()).optional().describe("detail full: the stored record."),
});
export type RecordResult = z.infer<typeof RecordResultOutput>;

export function compactRecord(record: OptimizationRecord, detail: Detail = "summary"): RecordResult {
  const v = record.validation;
  const a = record.analysis;
  return {
    id: record.id,
    status: record.status,
    title: record.title,
    tags: record.tags,
    project_id: record.project_id,
    optimized_prompt: record.optimized_prompt,
    strategy: record.strategy?.strategy ?? null,
    task_type: a?.task_type ?? null,
    complexity: a?.complexity ?? null,
    scores: v
      ? {
          overall: v.overall,
          original_overall: computeOverall(v.original_scores),
          is_improvement: v.is_improvement,
          verdict: v.verdict,
        }
      : null,
    preserved: v ? { constraints: v.preserved.constraints, placeholders: v.preserved.placeholders } : null,
    findings: a
      ? {
          diagnostics: a.weaknesses.length,
          errors: a.weaknesses.filter((w) => w.severity === "error").length,
          constraints: a.constraints.length,
        }
      : null,
    changes_made: record.changes_made.slice(0, MAX_CHANGES),
    notes: record.notes,
    warnings: record.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.score !== undefined ? { score: w.score } : {}),
    })),
    error_message: record.error_message,
    engine: record.engine,
    provider: record.provider,
    model: record.model,
    iterations: record.iterations,
    duration_ms: record.duration_ms,
    retry_of: record.retry_of,
    raw_prompt: textInfo(record.raw_prompt),
    codebase_context: contextInfo(record.codebase_context),
    created_at: record.created_at,
    resource: optimizationUri(record.id),
    ...(detail === "full" ? { record: record as unknown as Record<string, unknown> } : {}),
  };
}

/** A project without its context profile: whether it has one, how complete, and where to read it. */
export const ProjectResultOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  status: ProjectStatusSchema,
  has_context: z.boolean(),
  completeness: z.number().min(0).max(1),
  context: ContextInfoSchema.nullable(),
  context_uri: z.string().describe("Resource with the profile and resolved context."),
  created_at: z.string(),
  updated_at: z.string(),
  context_profile: CodebaseContextSchema.nullable().optional().describe("detail full: the profile."),
});
export type ProjectResult = z.infer<typeof ProjectResultOutput>;

export function compactProject(project: Project, detail: Detail = "summary"): ProjectResult {
  const info = contextInfo(project.context_profile);
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    status: project.status,
    has_context: info !== null,
    completeness: info?.completeness ?? 0,
    context: info,
    context_uri: projectContextUri(project.id),
    created_at: project.created_at,
    updated_at: project.updated_at,
    ...(detail === "full" ? { context_profile: project.context_profile } : {}),
  };
}

/** Present only when a result had to be clipped to RESULT_CHAR_CAP (described in every tool's docs). */
export const TruncationSchema = z.object({
  cap: z.number().int(),
  /** Paths of the values that were shortened or cut. */
  clipped: z.array(z.string()),
  /** Where the whole value is: a resource URI, or what to ask instead. */
  read_more: z.string(),
});
export type Truncation = z.infer<typeof TruncationSchema>;

const MIN_KEPT = 200;
const MAX_LISTED_PATHS = 20;

interface Limits {
  /** The depth being fitted (0 = the result's own fields): shallower values are kept as they are. */
  depth: number;
  /** At that depth: the longest string and list kept; deeper ones are cut to MIN_KEPT and emptied. */
  maxString: number;
  maxItems: number;
  /** Whether deeper lists are emptied too (only when cutting strings was not enough). */
  emptyDeeper: boolean;
}

/** A copy of `value` shortened by `limits`; the paths it shortened go to `clipped` (list items as [*]). */
function shrink(value: unknown, limits: Limits, clipped: Set<string>, path = "", depth = -1): unknown {
  const deeper = depth > limits.depth;
  const maxString = deeper ? MIN_KEPT : limits.maxString;
  const maxItems = deeper ? (limits.emptyDeeper ? 0 : Number.POSITIVE_INFINITY) : limits.maxItems;
  if (typeof value === "string") {
    if (depth < limits.depth || value.length <= maxString) return value;
    clipped.add(path);
    return `${value.slice(0, maxString)}… [${value.length - maxString} more characters clipped]`;
  }
  if (Array.isArray(value)) {
    let items = value;
    if (depth >= limits.depth && items.length > maxItems) {
      items = items.slice(0, maxItems);
      clipped.add(path);
    }
    return items.map((item) => shrink(item, limits, clipped, `${path}[*]`, depth + 1));
  }
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = shrink(item, limits, clipped, path ? `${path}.${key}` : key, depth + 1);
  }
  return out;
}

function extent(value: unknown, depth = -1): { depth: number; string: number; items: number } {
  if (typeof value === "string") return { depth, string: value.length, items: 0 };
  if (value === null || typeof value !== "object") return { depth, string: 0, items: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  const out = { depth, string: 0, items: Array.isArray(value) ? value.length : 0 };
  for (const child of children) {
    const e = extent(child, depth + 1);
    out.depth = Math.max(out.depth, e.depth);
    out.string = Math.max(out.string, e.string);
    out.items = Math.max(out.items, e.items);
  }
  return out;
}

/** The largest n in [lo, hi] for which fits(n) holds, given that fits(lo) holds. */
function largestFitting(lo: number, hi: number, fits: (n: number) => boolean): number {
  let best = lo;
  let low = lo + 1;
  let high = hi;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) {
      best = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}

/**
 * Shrinks `value` (a copy; the input is not changed) until its JSON fits `budget` characters, the
 * deepest values first, so a result's own fields (the optimized prompt) are the last to be cut.
 * From the deepest level up: with deeper strings cut to MIN_KEPT characters, the strings of the level
 * are cut to the longest length that fits (with a marker saying how much is left out), first with
 * deeper lists kept, then with them emptied; if that is not enough, the level's lists lose items.
 */
export function fitToBudget<T>(value: T, budget: number): { value: T; clipped: string[] } {
  const measure = (limits: Limits) => {
    const clipped = new Set<string>();
    const shrunk = shrink(value, limits, clipped);
    return { shrunk, clipped, fits: JSON.stringify(shrunk).length <= budget };
  };
  if (JSON.stringify(value).length <= budget) return { value, clipped: [] };
  const { depth: deepest, string: longest, items: most } = extent(value);
  let result = measure({ depth: 0, maxString: MIN_KEPT, maxItems: 0, emptyDeeper: true });
  for (let depth = Math.max(0, deepest); depth >= 0; depth--) {
    let fitted = false;
    for (const emptyDeeper of [false, true]) {
      const strings = (n: number) => measure({ depth, maxString: n, maxItems: most, emptyDeeper });
      if (strings(MIN_KEPT).fits) {
        result = strings(largestFitting(MIN_KEPT, longest, (n) => strings(n).fits));
        fitted = true;
        break;
      }
    }
    if (fitted) break;
    const lists = (n: number) => measure({ depth, maxString: MIN_KEPT, maxItems: n, emptyDeeper: true });
    if (lists(0).fits) {
      result = lists(largestFitting(0, most, (n) => lists(n).fits));
      break;
    }
  }
  return { value: result.shrunk as T, clipped: [...result.clipped].slice(0, MAX_LISTED_PATHS) };
}

/** Room kept for the `truncated` note itself and the result's envelope. */
const NOTE_ROOM = 1_500;
const ENVELOPE = 200;
const MAX_SUMMARY = 1_000;

/**
 * The structured value and the one text block (the summary line) of a result, together within
 * RESULT_CHAR_CAP. The JSON is not repeated in the text block: agents read structuredContent.
 */
export function capResult<T extends Record<string, unknown>>(
  value: T,
  summary: string,
  readMore: (value: T) => string,
): { structured: T & { truncated?: Truncation }; text: string } {
  const text = summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
  const budget = RESULT_CHAR_CAP - text.length - ENVELOPE;
  const fitted = fitToBudget(value, budget);
  if (fitted.clipped.length === 0) return { structured: fitted.value, text };
  const again = fitToBudget(value, budget - NOTE_ROOM);
  const structured = {
    ...again.value,
    truncated: { cap: RESULT_CHAR_CAP, clipped: again.clipped, read_more: readMore(value).slice(0, 500) },
  };
  return { structured, text: `${text} Clipped to ${RESULT_CHAR_CAP} characters; the rest: ${readMore(value)}.` };
}
