// Use cases over stored optimizations: list/search/filter, stats, delete, export/import.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { type OptimizationRecord, OptimizationRecordSchema } from "../core/records.js";
import { assertMatches, parseIfMatch, recordTag } from "../store/versions.js";
import type { UseCaseDeps } from "./context.js";
import { BulkDeleteSchema, HistoryQuerySchema } from "./schemas.js";
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
        valid.push(parsed.data);
      });
      if (valid.length > 0) {
        const result = await repo().importRecords(valid);
        report.inserted = result.inserted;
        report.skipped = result.skipped;
      }
      return report;
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
