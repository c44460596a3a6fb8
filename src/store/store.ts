// The store as the app sees it: repositories over one Kysely database. `openStore` opens the
// SQLite file and migrates; `createStore` wires repositories over an already-migrated database
// (the seam a PostgreSQL dialect plugs into).
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { AuditRepository } from "./audit.js";
import type { Clock, StoreContext } from "./context.js";
import { CredentialRepository } from "./credentials.js";
import { type Database, openSqliteDatabase, type SqliteOpenOptions } from "./database.js";
import { migrateToLatest, pendingMigrations } from "./migrations.js";
import { OptimizationRepository } from "./optimizations.js";
import { ProjectRepository } from "./projects.js";
import { PromptRepository } from "./prompts.js";
import type { SearchIndex } from "./search.js";
import { sqliteSearch } from "./search-sqlite.js";
import { SettingsRepository } from "./settings.js";

export interface Store {
  db: Kysely<Database>;
  search: SearchIndex;
  optimizations: OptimizationRepository;
  projects: ProjectRepository;
  prompts: PromptRepository;
  settings: SettingsRepository;
  audit: AuditRepository;
  credentials: CredentialRepository;
  close(): Promise<void>;
}

export interface CreateStoreOptions {
  db: Kysely<Database>;
  /** Search implementation of the database's dialect; default SQLite FTS5. */
  search?: SearchIndex;
  /** Source of every stored time; default real time. */
  clock?: Clock;
  /** Id generator; default random UUIDs. */
  newId?: () => string;
}

export function createStore(options: CreateStoreOptions): Store {
  const ctx: StoreContext = {
    db: options.db,
    search: options.search ?? sqliteSearch,
    clock: options.clock ?? (() => new Date()),
    newId: options.newId ?? randomUUID,
  };
  const projects = new ProjectRepository(ctx);
  return {
    db: ctx.db,
    search: ctx.search,
    optimizations: new OptimizationRepository(ctx),
    projects,
    prompts: new PromptRepository(ctx, projects),
    settings: new SettingsRepository(ctx),
    audit: new AuditRepository(ctx),
    credentials: new CredentialRepository(ctx),
    close: () => ctx.db.destroy(),
  };
}

export interface OpenStoreOptions extends SqliteOpenOptions {
  clock?: Clock;
  newId?: () => string;
}

/**
 * Opens (creating if needed) the SQLite store in `dataDir` and migrates it to the latest schema.
 * A read-only open cannot migrate, so it refuses a database that is behind.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const db = openSqliteDatabase(options);
  try {
    if (options.readonly) {
      const pending = await pendingMigrations(db);
      if (pending.length > 0)
        throw new Error(`database needs migrations (${pending.join(", ")}); open it writable first`);
    } else {
      await migrateToLatest(db);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createStore({ db, clock: options.clock, newId: options.newId });
}
