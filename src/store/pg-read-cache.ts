// The PostgreSQL read cache of history pages: the encoded JSON of a listing, kept while the
// database's WAL insert position stays where it was when the page was read. Every committed write
// by any instance (a record created, updated or deleted, a project renamed) inserts WAL before its
// commit returns, so the next read on every instance sees a later position and reads afresh: the
// insert position, not pg_current_wal_lsn() (the write position), which with synchronous_commit
// off can lag a committed transaction — the test of this file caught exactly that. So the
// cache is correct across instances with no invalidation message and no shared counter to lock.
// Unrelated writes (heartbeats, audit records, vacuum) move the position too; they only cost a
// miss. A transaction's reads are never cached (only the Kysely instance opened here has one).
import { type Kysely, sql } from "kysely";
import type { Database } from "./database.js";
import { createTokenCache } from "./token-cache.js";

export interface AsyncReadCache {
  /** The database's current change token: one round trip (`pg_current_wal_insert_lsn()`). */
  token(): Promise<string>;
  get(key: string, token: string): Uint8Array<ArrayBuffer> | undefined;
  set(key: string, token: string, value: Uint8Array<ArrayBuffer>): void;
}

function createPgReadCache(db: Kysely<Database>): AsyncReadCache {
  const store = createTokenCache();
  return {
    async token() {
      const { rows } = await sql<{ lsn: string }>`SELECT pg_current_wal_insert_lsn()::text AS lsn`.execute(db);
      return rows[0].lsn;
    },
    get: store.get,
    set: store.set,
  };
}

const caches = new WeakMap<object, AsyncReadCache>();

/** Gives a PostgreSQL Kysely instance its read cache (called once, where the database is opened). */
export function attachPgReadCache(db: Kysely<Database>): void {
  caches.set(db, createPgReadCache(db));
}

/** The read cache of a PostgreSQL database opened by this store; null otherwise (and in a transaction). */
export function pgReadCacheOf(db: object): AsyncReadCache | null {
  return caches.get(db) ?? null;
}
