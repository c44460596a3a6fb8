// Use cases over stored optimizations: list/search/filter, stats, delete, export/import.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { MAX_PROMPT_CHARS } from "../core/pipeline/run.js";
import { type OptimizationRecord, OptimizationRecordSchema } from "../core/records.js";
import { assertMatches, parseIfMatch, recordTag } from "../store/versions.js";
import type { UseCaseDeps } from "./context.js";
import { BulkDeleteSchema, HistoryQuerySchema, lineText } from "./schemas.js";
import { parseInput } from "./validate.js";

export const CheckDuplicateSchema = z.object({
  title: z.string().trim().min(1).max(200),
  project_id: z.string().trim().min(1).max(100).optional(),
});

export const TagRequestSchema = z.object({
  add: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  remove: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});

export interface ImportReport {
  inserted: number;
  skipped: number;
  errors: Array<{ line: number; message: string }>;
}

export function createHistoryService(deps: UseCaseDeps) {
  const repo = () => deps.store.optimizations;
  const get = async (id: string): Promise<OptimizationRecord> => {
    const record = await repo().get(id);
    if (!record) throw new AppError("not_found", `Optimization ${id} does not exist.`);
    return record;
  };

  /** Records of an archived (read-only) project cannot be deleted one by one: unarchive it first. */
  const assertDeletable = async (records: readonly OptimizationRecord[]): Promise<void> => {
    const projectIds = [...new Set(records.map((r) => r.project_id).filter((id): id is string => id !== null))];
    for (const projectId of projectIds) {
      const project = await deps.store.projects.get(projectId);
      if (project?.status === "archived") {
        throw new AppError(
          "project_archived",
          `Project "${project.name}" is archived and read-only; unarchive it to delete its optimizations.`,
        );
      }
    }
  };

  return {
    get,
    async list(raw: unknown) {
      const query = parseInput(HistoryQuerySchema, raw ?? {});
      return repo().list(query);
    },
    /** `list` as UTF-8 JSON (GET /api/history): the store serves an unchanged page from its read cache. */
    async listJson(raw: unknown): Promise<Uint8Array<ArrayBuffer>> {
      const query = parseInput(HistoryQuerySchema, raw ?? {});
      return repo().listJson(query);
    },
    stats: () => repo().stats(),
    async delete(id: string, options: { ifMatch?: string } = {}): Promise<void> {
      const ifMatch = parseIfMatch(options.ifMatch);
      const record = await get(id);
      await assertDeletable([record]);
      if (ifMatch !== undefined) assertMatches(ifMatch, recordTag(record), "the optimization");
      if (!(await repo().delete(id))) throw new AppError("not_found", `Optimization ${id} does not exist.`);
      // A run in flight here stops at once; one in another process stops on its owner's next watch.
      deps.runs.abort(id);
    },
    async bulkDelete(raw: unknown) {
      const { ids } = parseInput(BulkDeleteSchema, raw);
      const found = await Promise.all([...new Set(ids)].map((id) => repo().get(id)));
      await assertDeletable(found.filter((r): r is OptimizationRecord => r !== null));
      const deleted = await repo().bulkDelete(ids);
      for (const id of ids) deps.runs.abort(id);
      return { deleted };
    },
    async deleteAll() {
      const deleted = await repo().deleteAll();
      deps.runs.abortAll();
      return { deleted };
    },
    async checkDuplicate(raw: unknown) {
      const input = parseInput(CheckDuplicateSchema, raw);
      const found = await repo().findTitle({ title: input.title, project_id: input.project_id ?? null });
      return found ? { exists: true, id: found.id } : { exists: false };
    },
    async tag(id: string, raw: unknown) {
      const input = parseInput(TagRequestSchema, raw);
      const record = await get(id);
      const remove = new Set((input.remove ?? []).map((t) => t.toLowerCase()));
      const tags = [...record.tags.filter((t) => !remove.has(t.toLowerCase()))];
      for (const tag of input.add ?? []) {
        if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
      }
      return (await repo().update(id, { tags }, { allowFinal: true })).record;
    },
    /** Every record as JSON Lines, oldest first. */
    async exportJsonl(): Promise<string> {
      let out = "";
      for await (const record of repo().exportAll()) out += `${JSON.stringify(record)}\n`;
      return out;
    },
    /** Restores records from JSON Lines; existing ids are skipped, so importing twice is harmless. */
    async importJsonl(text: string): Promise<ImportReport> {
      const report: ImportReport = { inserted: 0, skipped: 0, errors: [] };
      const valid: OptimizationRecord[] = [];
      const lines = new Map<OptimizationRecord, number>();
      text.split(/\r?\n/).forEach((line, i) => {
        if (line.trim() === "") return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          report.errors.push({ line: i + 1, message: "invalid JSON" });
          return;
        }
        const parsed = OptimizationRecordSchema.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          report.errors.push({
            line: i + 1,
            message: `not an optimization record (${issue?.path.join(".") || "record"}: ${issue?.message})`,
          });
          return;
        }
        const problem = importProblem(parsed.data);
        if (problem) {
          report.errors.push({ line: i + 1, message: `${parsed.data.id.slice(0, 100)}: ${problem}` });
          return;
        }
        lines.set(parsed.data, i + 1);
        valid.push(parsed.data);
      });
      // Links must point at rows that exist (here, or earlier in the same file for retry_of).
      const inFile = new Set(valid.map((r) => r.id));
      const exists = new Map<string, boolean>();
      const check = async (key: string, probe: () => Promise<unknown>) => {
        if (!exists.has(key)) exists.set(key, ((await probe()) ?? null) !== null);
        return exists.get(key) as boolean;
      };
      const linked: OptimizationRecord[] = [];
      for (const record of valid) {
        const dangling =
          record.project_id !== null &&
          !(await check(`p:${record.project_id}`, () =>
            deps.store.projects.get(record.project_id as string, { includeDeleted: true }),
          ))
            ? `project_id ${record.project_id} does not exist (import the projects first: promptforge import)`
            : record.prompt_id !== null &&
                !(await check(`q:${record.prompt_id}`, () =>
                  deps.store.db
                    .selectFrom("prompt")
                    .select("id")
                    .where("id", "=", record.prompt_id as string)
                    .executeTakeFirst(),
                ))
              ? `prompt_id ${record.prompt_id} does not exist`
              : record.retry_of !== null &&
                  !inFile.has(record.retry_of) &&
                  !(await check(`r:${record.retry_of}`, () => repo().get(record.retry_of as string)))
                ? `retry_of ${record.retry_of} does not exist`
                : null;
        if (dangling) report.errors.push({ line: lines.get(record) ?? 0, message: `${record.id}: ${dangling}` });
        else linked.push(record);
      }
      valid.splice(0, valid.length, ...linked);
      if (valid.length > 0) {
        const result = await repo().importRecords(valid);
        report.inserted = result.inserted;
        report.skipped = result.skipped;
      }
      return report;
    },
  };
}

const IMPORT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const ImportTitle = lineText(z.string().trim().min(1).max(200));
const ImportVersion = z.string().regex(/^v[1-9]\d{0,5}$/);

/**
 * The API's rules for what an imported record may hold (issue 17 item 6): ids an endpoint can
 * address, clean one-line titles and tags, real times, prompts within the input limit, a version
 * like "v1", no negative durations. Returns what is wrong, or null.
 */
function importProblem(r: OptimizationRecord): string | null {
  if (!IMPORT_ID.test(r.id)) return "id must be 1–100 letters, digits, '.', '_', ':' or '-'";
  for (const [field, value] of [
    ["created_at", r.created_at],
    ["updated_at", r.updated_at],
  ] as const) {
    if (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) return `${field} must be an ISO time (UTC)`;
  }
  if (r.title !== null) {
    const title = ImportTitle.safeParse(r.title);
    if (!title.success || title.data !== r.title) {
      return "title must be one line of 1–200 characters without control or bidi characters";
    }
  }
  for (const tag of r.tags) {
    const parsed = ImportTitle.safeParse(tag);
    if (!parsed.success || parsed.data !== tag || tag.length > 50)
      return `tag ${JSON.stringify(tag.slice(0, 60))} is not a clean tag of 1–50 characters`;
  }
  if (r.raw_prompt.trim() === "" || r.raw_prompt.length > MAX_PROMPT_CHARS) {
    return `raw_prompt must be 1–${MAX_PROMPT_CHARS} characters`;
  }
  if (r.optimized_prompt !== null && r.optimized_prompt.length > MAX_PROMPT_CHARS) {
    return `optimized_prompt must be at most ${MAX_PROMPT_CHARS} characters`;
  }
  if (r.version !== null && !ImportVersion.safeParse(r.version).success) return 'version must look like "v1"';
  if (r.duration_ms !== null && !(r.duration_ms >= 0)) return "duration_ms must not be negative";
  for (const [field, id] of [
    ["project_id", r.project_id],
    ["prompt_id", r.prompt_id],
    ["retry_of", r.retry_of],
  ] as const) {
    if (id !== null && !IMPORT_ID.test(id)) return `${field} is not a valid id`;
  }
  return null;
}

export type HistoryService = ReturnType<typeof createHistoryService>;
