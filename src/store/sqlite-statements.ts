// The SQLite connection as Kysely sees it, with two additions for the read path:
//  - prepared statements cached by SQL text (Kysely's SQLite driver calls `prepare` for every
//    query; compiling a 39-column SELECT costs more than running it on a small table);
//  - a change token that moves whenever the database may have changed: SQLite's `total_changes()`
//    (rows this connection inserted, updated or deleted, committed or not) together with
//    `PRAGMA data_version` (moves when any *other* connection — the CLI, a second server on the
//    same file — commits). Equal tokens mean no row changed in between, so a result read under
//    one token may be served again while the token is the same (see `readCacheOf`).
//    `data_version` is the costly half (a file lock, an unlock and a stat per call), so it is read
//    once per event-loop turn: every read that starts in a later turn than another connection's
//    commit sees it. Reads handled in the same turn share one check; their requests had all
//    arrived before that turn's check, so none of them was sent after a commit it cannot see.
import type SqliteDatabase from "better-sqlite3";
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from "kysely";
import { createTokenCache } from "./token-cache.js";

/** Distinct SQL texts kept prepared; `IN (?, ?, …)` lists make the set open-ended, hence the bound. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Wraps a better-sqlite3 handle for Kysely's SqliteDialect: `prepare` returns the statement
 * prepared earlier for the same text (least recently used ones are dropped past `max`). A statement
 * still being iterated by a stream is busy; then a fresh one is prepared for the caller.
 */
export function cachingStatements(
  sqlite: SqliteDatabase.Database,
  max = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase & { size(): number } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit !== undefined) {
        if (hit.busy) return sqlite.prepare(sql);
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
    size: () => cache.size,
  };
}

/** Read results kept while the database's change token stays the same. */
export interface ReadCache {
  /** The current change token (cheap: one prepared single-row SELECT on the raw handle). */
  token(): string;
  /** A value stored under `key` while the token was `token`, or undefined. */
  get(key: string, token: string): Uint8Array<ArrayBuffer> | undefined;
  set(key: string, token: string, value: Uint8Array<ArrayBuffer>): void;
}

export { READ_CACHE_BYTES, READ_CACHE_ENTRIES } from "./token-cache.js";

function createReadCache(sqlite: SqliteDatabase.Database): ReadCache {
  // Two single-value statements: half the cost of one SELECT joining pragma_data_version().
  const changes = sqlite.prepare("SELECT total_changes()").pluck(true);
  const version = sqlite.prepare("PRAGMA data_version").pluck(true);
  const store = createTokenCache();
  let turnVersion: number | undefined;
  const endTurn = () => {
    turnVersion = undefined;
  };
  return {
    token() {
      if (turnVersion === undefined) {
        turnVersion = version.get() as number;
        nativeSetImmediate(endTurn);
      }
      return `${changes.get() as number}:${turnVersion}`;
    },
    get: store.get,
    set: store.set,
  };
}

// Node's own, even where a test installs fake timers later: a faked one that never fires would
// keep one turn's version for good.
const nativeSetImmediate = globalThis.setImmediate;

const readCaches = new WeakMap<object, ReadCache>();

/** Gives the Kysely instance over `sqlite` a read cache (called once, where the database is opened). */
export function attachReadCache(db: object, sqlite: SqliteDatabase.Database): void {
  readCaches.set(db, createReadCache(sqlite));
}

/**
 * The read cache of a SQLite database opened by this store; null for PostgreSQL (other instances
 * write without a token this process could see) and for a transaction (its reads are not shared).
 */
export function readCacheOf(db: object): ReadCache | null {
  return readCaches.get(db) ?? null;
}
