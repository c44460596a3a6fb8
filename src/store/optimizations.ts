// Optimization records: the write path (create, guarded update, deletes, interruption, import,
// export) plus thin entry points to the history queries in optimization-list.ts.
import { type OptimizationRecord, OptimizationRecordSchema } from "../core/records.js";
import { type StoreContext, timestamp } from "./context.js";
import { StoreError } from "./errors.js";
import {
  listOptimizations,
  listOptimizationsJson,
  type OptimizationListOptions,
  type OptimizationStats,
  optimizationStats,
  type Page,
} from "./optimization-list.js";
import {
  type NewOptimization,
  newRecord,
  type OptimizationPatch,
  type OptimizationRow,
  patchToRow,
  recordToRow,
  rowToRecord,
  titleKey,
} from "./optimization-rows.js";
import { chunks } from "./search.js";

/** Statuses a record can still leave; anything else is final. */
const OPEN_STATUSES = ["pending", "running"] as const;

export interface UpdateOptions {
  /** Allow changing a record that is already completed, error or cancelled. Default false. */
  allowFinal?: boolean;
}

export interface UpdateOutcome {
  /** False when the record was already final (and allowFinal was not set): nothing changed. */
  applied: boolean;
  /** The record as stored after the call. */
  record: OptimizationRecord;
}

export interface ImportOutcome {
  inserted: number;
  skipped: number;
}

export class OptimizationRepository {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: NewOptimization): Promise<OptimizationRecord> {
    if (input.status !== undefined && !OPEN_STATUSES.includes(input.status)) {
      throw new StoreError("validation_error", "a new optimization starts pending or running");
    }
    const record = newRecord(input, input.id ?? this.ctx.newId(), timestamp(this.ctx));
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("optimization")
        .values({ ...recordToRow(record), owner_instance: this.ctx.instanceId ?? null })
        .execute();
      await this.ctx.search.index(trx, [record.id]);
    });
    return record;
  }

  /** The instance running an open record (null when none is recorded or the id is unknown). */
  async owner(id: string): Promise<string | null> {
    const row = await this.ctx.db
      .selectFrom("optimization")
      .select("owner_instance")
      .where("id", "=", id)
      .executeTakeFirst();
    return row?.owner_instance ?? null;
  }

  async get(id: string): Promise<OptimizationRecord | null> {
    const row = await this.ctx.db.selectFrom("optimization").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : rowToRecord(row);
  }

  /**
   * Applies `patch` only while the record is pending or running — one conditional UPDATE, so a
   * late completion can never overwrite a cancellation. Throws not_found for an unknown id.
   */
  async update(id: string, patch: OptimizationPatch, options: UpdateOptions = {}): Promise<UpdateOutcome> {
    const applied = await this.ctx.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable("optimization")
        .set({ ...patchToRow(patch), updated_at: timestamp(this.ctx) })
        .where("id", "=", id)
        .$if(!options.allowFinal, (qb) => qb.where("status", "in", OPEN_STATUSES))
        .executeTakeFirst();
      const changed = Number(result.numUpdatedRows) > 0;
      // The index holds text and filter facets (status, scores, …): nearly every change touches it.
      if (changed) await this.ctx.search.index(trx, [id]);
      return changed;
    });
    const record = await this.get(id);
    if (record === null) throw new StoreError("not_found", "optimization not found");
    return { applied, record };
  }

  list(options: OptimizationListOptions = {}): Promise<Page<OptimizationRecord>> {
    return listOptimizations(this.ctx.db, this.ctx.search, options);
  }

  /** `list` as the page's UTF-8 JSON, read and serialised once while nothing changed (both dialects). */
  listJson(options: OptimizationListOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
    return listOptimizationsJson(this.ctx.db, this.ctx.search, options);
  }

  listByProject(projectId: string, options: Omit<OptimizationListOptions, "project_id"> = {}) {
    return this.list({ ...options, project_id: projectId });
  }

  /** The forges of a prompt: optimizations run from it. */
  listByPrompt(promptId: string, options: Omit<OptimizationListOptions, "prompt_id"> = {}) {
    return this.list({ ...options, prompt_id: promptId });
  }

  stats(scope: { project_id?: string } = {}): Promise<OptimizationStats> {
    return optimizationStats(this.ctx.db, scope);
  }

  /** A record with this title (case-insensitive, trimmed) in the same project, or null. */
  async findTitle(query: { title: string; project_id?: string | null }): Promise<OptimizationRecord | null> {
    const projectId = query.project_id ?? null;
    const row = await this.ctx.db
      .selectFrom("optimization")
      .selectAll()
      .where("title_key", "=", titleKey(query.title))
      .where("project_id", projectId === null ? "is" : "=", projectId)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
    return row === undefined ? null : rowToRecord(row);
  }

  /** Of `ids`, those that still exist and are still pending or running (one indexed read). */
  async stillOpen(ids: readonly string[]): Promise<Set<string>> {
    const open = new Set<string>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.ctx.db
        .selectFrom("optimization")
        .select("id")
        .where("id", "in", part)
        .where("status", "in", OPEN_STATUSES)
        .execute();
      for (const row of rows) open.add(row.id);
    }
    return open;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.bulkDelete([id])) > 0;
  }

  async bulkDelete(ids: readonly string[]): Promise<number> {
    const unique = [...new Set(ids)];
    return this.ctx.db.transaction().execute(async (trx) => {
      let deleted = 0;
      for (const part of chunks(unique)) {
        await this.ctx.search.remove(trx, part);
        const result = await trx.deleteFrom("optimization").where("id", "in", part).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    });
  }

  async deleteAll(): Promise<number> {
    return this.ctx.db.transaction().execute(async (trx) => {
      await this.ctx.search.removeAll(trx);
      const result = await trx.deleteFrom("optimization").executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /**
   * Work left pending or running by a process that is gone can never finish: mark it error
   * "interrupted". A record is recovered when it has no owner (written before instances were
   * tracked) or its owner's lease (InstanceRepository) has run out — never a live instance's run.
   */
  async markInterrupted(): Promise<number> {
    const now = timestamp(this.ctx);
    return this.ctx.db.transaction().execute(async (trx) => {
      const live = trx.selectFrom("instance").select("instance.id").where("instance.expires_at", ">", now);
      const open = await trx
        .selectFrom("optimization")
        .select("id")
        .where("status", "in", OPEN_STATUSES)
        .where((eb) => eb.or([eb("owner_instance", "is", null), eb("owner_instance", "not in", live)]))
        .execute();
      const ids = open.map((row) => row.id);
      for (const part of chunks(ids)) {
        await trx
          .updateTable("optimization")
          .set({ status: "error", error_message: "interrupted", updated_at: timestamp(this.ctx) })
          .where("id", "in", part)
          .where("status", "in", OPEN_STATUSES)
          .execute();
      }
      await this.ctx.search.index(trx, ids);
      return ids.length;
    });
  }

  /** Every record, oldest first, read in pages so memory stays flat at any history size. */
  async *exportAll(batchSize = 500): AsyncGenerator<OptimizationRecord> {
    let after: { created_at: string; id: string } | null = null;
    for (;;) {
      const cursor: { created_at: string; id: string } | null = after;
      const rows: OptimizationRow[] = await this.ctx.db
        .selectFrom("optimization")
        .selectAll()
        .$if(cursor !== null, (qb) =>
          qb.where((eb) =>
            eb.or([
              eb("created_at", ">", cursor!.created_at),
              eb.and([eb("created_at", "=", cursor!.created_at), eb("id", ">", cursor!.id)]),
            ]),
          ),
        )
        .orderBy("created_at", "asc")
        .orderBy("id", "asc")
        .limit(batchSize)
        .execute();
      for (const row of rows) yield rowToRecord(row);
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = { created_at: last.created_at, id: last.id };
    }
  }

  /**
   * Restores exported records, idempotent by id: an id already stored is skipped, never
   * overwritten. A record still pending or running in the export cannot resume here, so it is
   * stored as error "interrupted". Each record is validated; an invalid one throws
   * validation_error (batches already written stay written).
   */
  async importRecords(
    records: Iterable<OptimizationRecord> | AsyncIterable<OptimizationRecord>,
  ): Promise<ImportOutcome> {
    const outcome: ImportOutcome = { inserted: 0, skipped: 0 };
    let batch: OptimizationRecord[] = [];
    let index = 0;
    for await (const candidate of records) {
      const parsed = OptimizationRecordSchema.safeParse(candidate);
      if (!parsed.success) {
        throw new StoreError("validation_error", `record ${index} is not a valid optimization record`, {
          details: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join("."), message: i.message })),
        });
      }
      index++;
      batch.push(parsed.data);
      if (batch.length === 200) {
        await this.importBatch(batch, outcome);
        batch = [];
      }
    }
    if (batch.length > 0) await this.importBatch(batch, outcome);
    return outcome;
  }

  private async importBatch(batch: OptimizationRecord[], outcome: ImportOutcome): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      const ids = batch.map((r) => r.id);
      const existing = new Set(
        (await trx.selectFrom("optimization").select("id").where("id", "in", ids).execute()).map((r) => r.id),
      );
      const fresh = new Map<string, OptimizationRecord>();
      for (const record of batch) {
        if (existing.has(record.id) || fresh.has(record.id)) outcome.skipped++;
        else fresh.set(record.id, record);
      }
      if (fresh.size === 0) return;
      const rows = [...fresh.values()].map((record) =>
        recordToRow(
          OPEN_STATUSES.includes(record.status as (typeof OPEN_STATUSES)[number])
            ? { ...record, status: "error", error_message: "interrupted" }
            : record,
        ),
      );
      await trx.insertInto("optimization").values(rows).execute();
      await this.ctx.search.index(trx, [...fresh.keys()]);
      outcome.inserted += rows.length;
    });
  }
}
