// Moving a whole installation between databases (SQLite ⇄ PostgreSQL) as JSON Lines. Optimization
// records are written exactly as the API's history export (one OptimizationRecord per line), so a
// history export imports here too; every other table's rows are lines `{"_type": table, "row": …}`,
// written parents first (projects before prompts before versions). Import is idempotent: a row
// whose key is already stored is skipped, never overwritten.
import { sql } from "kysely";
import type { OptimizationRecord } from "../core/records.js";
import type { Database } from "./database.js";
import { StoreError } from "./errors.js";
import type { Store } from "./store.js";

/** Tables carried besides optimizations, in dependency order, with their key columns. */
export const TRANSFER_TABLES = {
  project: ["id"],
  prompt: ["id"],
  prompt_version: ["id"],
  setting: ["key"],
  provider_credential: ["provider"],
  audit_event: ["id"],
} as const satisfies Partial<Record<keyof Database, readonly string[]>>;

export type TransferTable = keyof typeof TRANSFER_TABLES;

/** Settings that belong to one database and must never be copied into another. */
const LOCAL_SETTINGS = new Set(["encryption.key_check"]);

export interface TransferLine {
  _type: TransferTable;
  row: Record<string, unknown>;
}

export interface TransferCounts {
  inserted: number;
  skipped: number;
}

export type TransferReport = Record<TransferTable | "optimization", TransferCounts>;

export interface ImportInstallationOptions {
  /**
   * Re-encrypts a stored provider key for the target (when the encryption key changes); return
   * null to skip the credential. Default: the ciphertext is copied as is.
   */
  recrypt?: (row: { provider: string; ciphertext: string }) => string | null;
}

/** Every row of the installation, parents first, then the optimization records oldest first. */
export async function* exportInstallation(store: Store): AsyncGenerator<TransferLine | OptimizationRecord> {
  for (const table of Object.keys(TRANSFER_TABLES) as TransferTable[]) {
    const keys = TRANSFER_TABLES[table];
    let offset = 0;
    for (;;) {
      // Ordered by key so pages are stable; 500 rows at a time keeps memory flat.
      const rows = (await store.db
        .selectFrom(table as "setting")
        .selectAll()
        .orderBy(sql.ref(keys[0]))
        .limit(500)
        .offset(offset)
        .execute()) as Array<Record<string, unknown>>;
      for (const row of rows) {
        if (table === "setting" && LOCAL_SETTINGS.has(String(row.key))) continue;
        yield { _type: table, row };
      }
      if (rows.length < 500) break;
      offset += rows.length;
    }
  }
  yield* store.optimizations.exportAll();
}

function emptyReport(): TransferReport {
  const report = { optimization: { inserted: 0, skipped: 0 } } as TransferReport;
  for (const table of Object.keys(TRANSFER_TABLES) as TransferTable[]) report[table] = { inserted: 0, skipped: 0 };
  return report;
}

function isTransferLine(value: unknown): value is { _type: unknown; row: unknown } {
  return typeof value === "object" && value !== null && "_type" in value;
}

/**
 * Restores an export into `store`. Lines are validated one by one: an unknown `_type`, a row
 * that is not an object or that the database refuses fails with validation_error naming the
 * line (lines before it stay written, so the import can simply be run again).
 */
export async function importInstallation(
  store: Store,
  lines: AsyncIterable<unknown> | Iterable<unknown>,
  options: ImportInstallationOptions = {},
): Promise<TransferReport> {
  const report = emptyReport();
  let records: OptimizationRecord[] = [];
  const flush = async () => {
    if (records.length === 0) return;
    const outcome = await store.optimizations.importRecords(records);
    report.optimization.inserted += outcome.inserted;
    report.optimization.skipped += outcome.skipped;
    records = [];
  };
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!isTransferLine(line)) {
      records.push(line as OptimizationRecord);
      if (records.length >= 500) await flush();
      continue;
    }
    const table = line._type;
    if (typeof table !== "string" || !Object.hasOwn(TRANSFER_TABLES, table)) {
      throw new StoreError("validation_error", `line ${n}: unknown _type ${JSON.stringify(table)}`);
    }
    const t = table as TransferTable;
    if (typeof line.row !== "object" || line.row === null || Array.isArray(line.row)) {
      throw new StoreError("validation_error", `line ${n}: "row" must be an object`);
    }
    const row = { ...(line.row as Record<string, unknown>) };
    if (t === "setting" && LOCAL_SETTINGS.has(String(row.key))) {
      report.setting.skipped++;
      continue;
    }
    if (t === "provider_credential" && options.recrypt) {
      const ciphertext = options.recrypt({ provider: String(row.provider), ciphertext: String(row.ciphertext) });
      if (ciphertext === null) {
        report.provider_credential.skipped++;
        continue;
      }
      row.ciphertext = ciphertext;
    }
    // Optimizations reference projects and prompts softly; write pending records first anyway so
    // the report order follows the file.
    await flush();
    try {
      const result = await store.db
        .insertInto(t)
        .values(row as never)
        .onConflict((oc) => oc.columns([...TRANSFER_TABLES[t]] as never).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) report[t].inserted++;
      else report[t].skipped++;
    } catch (error) {
      throw new StoreError("validation_error", `line ${n}: the ${t} row was refused by the database`, {
        cause: error,
      });
    }
  }
  await flush();
  return report;
}
