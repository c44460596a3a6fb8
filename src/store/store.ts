// The store as the app sees it: repositories over one Kysely database. `openStore` opens SQLite
// (DATA_DIR) or PostgreSQL (DATABASE_URL) and migrates; `createStore` wires repositories over an
// already-migrated database. The dialect (dialect.ts) is chosen once here.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { AuditRepository } from "./audit.js";
import type { Clock, StoreContext } from "./context.js";
import { CredentialRepository } from "./credentials.js";
import type { Database } from "./database.js";
import { type DatabaseOpenOptions, type Dialect, openDatabase, sqliteDialect } from "./dialect.js";
import { InstanceRepository } from "./instances.js";
import { migrateToLatest, pendingMigrations } from "./migrations.js";
import { OptimizationRepository } from "./optimizations.js";
import { ProjectRepository } from "./projects.js";
import { PromptRepository } from "./prompts.js";
import type { SearchIndex } from "./search.js";
import { SettingsRepository } from "./settings.js";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  search: SearchIndex;
  optimizations: OptimizationRepository;
  projects: ProjectRepository;
  prompts: PromptRepository;
  settings: SettingsRepository;
  audit: AuditRepository;
  credentials: CredentialRepository;
  instances: InstanceRepository;
  close(): Promise<void>;
}

export interface CreateStoreOptions {
  db: Kysely<Database>;
  /** The database's dialect; default SQLite. */
  dialect?: Dialect;
  /** Search implementation; default the dialect's. */
  search?: SearchIndex;
  /** Source of every stored time; default real time. */
  clock?: Clock;
  /** Id generator; default random UUIDs. */
  newId?: () => string;
  /** This process's instance id, recorded as the owner of the optimizations it creates. */
  instanceId?: string;
}

export function createStore(options: CreateStoreOptions): Store {
  const dialect = options.dialect ?? sqliteDialect;
  const ctx: StoreContext = {
    db: options.db,
    search: options.search ?? dialect.search,
    clock: options.clock ?? (() => new Date()),
    newId: options.newId ?? randomUUID,
    instanceId: options.instanceId,
  };
  const projects = new ProjectRepository(ctx);
  return {
    db: ctx.db,
    dialect,
    search: ctx.search,
    optimizations: new OptimizationRepository(ctx),
    projects,
    prompts: new PromptRepository(ctx, projects),
    settings: new SettingsRepository(ctx),
    audit: new AuditRepository(ctx),
    credentials: new CredentialRepository(ctx),
    instances: new InstanceRepository(ctx),
    close: () => ctx.db.destroy(),
  };
}

export type OpenStoreOptions = DatabaseOpenOptions & {
  clock?: Clock;
  newId?: () => string;
  instanceId?: string;
};

/**
 * Opens the store — PostgreSQL when `databaseUrl` is given, else (creating if needed) SQLite in
 * `dataDir` — and migrates it to the latest schema. A read-only open cannot migrate, so it
 * refuses a database that is behind.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, dialect } = openDatabase(options);
  try {
    if (options.readonly) {
      const pending = await pendingMigrations(db, dialect.name);
      if (pending.length > 0)
        throw new Error(`database needs migrations (${pending.join(", ")}); open it writable first`);
    } else {
      await migrateToLatest(db, dialect.name);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createStore({ db, dialect, clock: options.clock, newId: options.newId, instanceId: options.instanceId });
}
