// `promptforge serve` as a real child process for crash and fault tests: spawn it on a data
// directory, wait for "listening on", kill it (SIGKILL or SIGTERM) and start it again on the same
// directory. The database is inspected with a second SQLite connection, as an operator would.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type ServeProcess, spawnServe as spawnServeProcess } from "../helpers/serve-process.js";

export { kill9, killAllServe as killAll, type ServeProcess } from "../helpers/serve-process.js";

export function tempDataDir(prefix = "pf-fault-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `serve` with a short instance lease, so a killed instance's runs are recovered quickly. */
export function spawnServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  return spawnServeProcess(dataDir, { INSTANCE_HEARTBEAT_MS: "200", INSTANCE_TTL_MS: "600", ...env });
}

export function dbPath(dataDir: string): string {
  return path.join(dataDir, "promptforge.db");
}

/** A second connection on the database (read-only), closed after `fn`. */
export function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function integrityCheck(dataDir: string): string {
  return withDb(
    dataDir,
    (db) => (db.pragma("integrity_check") as Array<{ integrity_check: string }>)[0]?.integrity_check ?? "",
  );
}

export type Row = Record<string, unknown>;

/** Every optimization row, keyed by id (all columns, as stored). */
export function optimizationRows(dataDir: string): Map<string, Row> {
  return withDb(dataDir, (db) => {
    const rows = db.prepare("SELECT * FROM optimization").all() as Row[];
    return new Map(rows.map((r) => [String(r.id), r]));
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const JSON_HEADERS = { "Content-Type": "application/json" };
export const SSE_HEADERS = { "Content-Type": "application/json", Accept: "text/event-stream" };
