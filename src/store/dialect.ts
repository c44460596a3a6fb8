// Every difference between the two database engines lives here (and in each dialect's search
// module): how a connection is opened, the auto-numbered `seq` column, the full-text schema, the
// lock that serialises migrations, and the search index. Repositories and queries are plain
// Kysely, the same on both.
import { createRequire } from "node:module";
import { type ColumnDefinitionBuilder, Kysely, PostgresDialect, sql } from "kysely";
import type PgModule from "pg";
import { type Database, openSqliteDatabase, type SqliteOpenOptions } from "./database.js";
import { attachPgReadCache } from "./pg-read-cache.js";
import type { SearchIndex } from "./search.js";
import { createPostgresSearchSchema, createPostgresSearchTable, postgresSearch } from "./search-postgres.js";
import { createSqliteSearchSchema, sqliteSearch } from "./search-sqlite.js";

export type DialectName = "sqlite" | "postgres";

export interface Dialect {
  readonly name: DialectName;
  readonly search: SearchIndex;
  /** The internal auto-numbered row id (`optimization.seq`). */
  seqColumn(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** The full-text schema of migration 001 (frozen: change it through a new migration). */
  createSearchSchema(db: Kysely<unknown>): Promise<void>;
  /** The search part of migration 006 (PostgreSQL: the narrow match table; SQLite: nothing). */
  createSearchTable(db: Kysely<unknown>): Promise<void>;
  /**
   * Runs `fn` while no other process can migrate the same database. SQLite: Kysely runs its
   * migrations outside a transaction there, so the whole run is wrapped in `BEGIN IMMEDIATE` (the
   * write lock, taken before the migrator reads which migrations are done; a second process
   * waits for it). PostgreSQL: a session advisory lock on one pooled connection, so instances
   * starting together migrate one after the other.
   */
  withMigrationLock<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

export const sqliteDialect: Dialect = {
  name: "sqlite",
  search: sqliteSearch,
  seqColumn: (c) => c.primaryKey(),
  createSearchSchema: createSqliteSearchSchema,
  // FTS5 already keeps its own compact index (migration 001).
  async createSearchTable() {},
  async withMigrationLock(db, fn) {
    await beginImmediate(db);
    try {
      const result = await fn(db);
      await sql`COMMIT`.execute(db);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(db).catch(() => undefined);
      throw error;
    }
  },
};

/** How long a starting process waits for another one's migration (busy_timeout covers 5 s of it). */
const SQLITE_MIGRATION_WAIT_MS = 60_000;

async function beginImmediate(db: Kysely<Database>): Promise<void> {
  const deadline = Date.now() + SQLITE_MIGRATION_WAIT_MS;
  for (;;) {
    try {
      await sql`BEGIN IMMEDIATE`.execute(db);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
    }
  }
}

/** Arbitrary but fixed key of the migration advisory lock ("PFmigr" in ASCII). */
const MIGRATION_LOCK_KEY = 0x50466d696772;

export const postgresDialect: Dialect = {
  name: "postgres",
  search: postgresSearch,
  seqColumn: (c) => c.primaryKey().generatedByDefaultAsIdentity(),
  createSearchSchema: createPostgresSearchSchema,
  createSearchTable: createPostgresSearchTable,
  async withMigrationLock(db, fn) {
    return db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
      try {
        return await fn(conn);
      } finally {
        await sql`SELECT pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
      }
    });
  },
};

export function dialectOf(name: DialectName): Dialect {
  return name === "postgres" ? postgresDialect : sqliteDialect;
}

export interface PostgresOpenOptions {
  /** postgres:// or postgresql:// connection string. */
  databaseUrl: string;
  /** Connections per instance; default 10. */
  poolSize?: number;
  /** Per-statement time limit in ms (0 = none); default 30 000. */
  statementTimeoutMs?: number;
}

export type DatabaseOpenOptions = SqliteOpenOptions & Partial<PostgresOpenOptions>;

/** True for a URL this store opens with PostgreSQL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** `pg` loads only when a PostgreSQL URL is opened: a SQLite start does not load its ~30 modules. */
const requirePg = () => createRequire(import.meta.url)("pg") as typeof PgModule;

export function openPostgresDatabase(options: PostgresOpenOptions): Kysely<Database> {
  const pg = requirePg();
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: "promptforge",
    // Fail fast when the server is unreachable instead of waiting for the OS TCP timeout.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on the next checkout.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  attachPgReadCache(db);
  return db;
}

/** Opens the database `options` name: PostgreSQL for a postgres:// URL, else SQLite in dataDir. */
export function openDatabase(options: DatabaseOpenOptions): { db: Kysely<Database>; dialect: Dialect } {
  if (options.databaseUrl !== undefined) {
    if (!isPostgresUrl(options.databaseUrl)) {
      throw new Error("DATABASE_URL must be a postgres:// or postgresql:// URL");
    }
    return {
      db: openPostgresDatabase({
        databaseUrl: options.databaseUrl,
        poolSize: options.poolSize,
        statementTimeoutMs: options.statementTimeoutMs,
      }),
      dialect: postgresDialect,
    };
  }
  return { db: openSqliteDatabase(options), dialect: sqliteDialect };
}
