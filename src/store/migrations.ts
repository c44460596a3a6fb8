// Schema migrations, provided in code (no migration folder to ship). Migrations are frozen once
// released: change the schema by appending a new one. Dialect-specific parts (the `seq` column,
// full-text search) come from the dialect (dialect.ts); everything else is Kysely's schema
// builder with dialect-neutral types (text ids, ISO-text times, double precision, integer).
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Database } from "./database.js";
import { type DialectName, dialectOf } from "./dialect.js";
import { promptTestsMigration } from "./prompt-tests.js";
import { workspaceHubMigration } from "./workspaces.js";

export type StoreDialect = DialectName;

function migration001(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("project")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", "text", (c) => c.notNull().unique())
        .addColumn("description", "text")
        .addColumn("context_profile", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("deleted_at", "text")
        .execute();
      await db.schema.createIndex("project_status_idx").on("project").column("status").execute();

      // Links from an optimization (project, prompt, retry_of) are soft: records are exported and
      // imported on their own, and deleting a parent must not rewrite or remove its children.
      // `seq` is an internal row number (the SQLite rowid, keying the search index); the public
      // id is the text UUID. Small filterable columns come first and large text last, so filters
      // never read a row's overflow pages.
      await db.schema
        .createTable("optimization")
        .addColumn("seq", "integer", (c) => dialectOf(dialect).seqColumn(c))
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("project_id", "text")
        .addColumn("prompt_id", "text")
        .addColumn("task_type", "text")
        .addColumn("complexity", "text")
        .addColumn("strategy", "text")
        .addColumn("overall_score", "double precision")
        .addColumn("overall_delta", "double precision")
        .addColumn("is_improvement", "integer")
        .addColumn("tags_key", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("title_key", "text")
        .addColumn("version", "text")
        .addColumn("engine", "text", (c) => c.notNull())
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("model", "text")
        .addColumn("duration_ms", "double precision")
        .addColumn("retry_of", "text")
        .addColumn("iterations", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("title", "text")
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("error_message", "text")
        .addColumn("framework_applied", "text")
        .addColumn("token_usage", "text")
        .addColumn("strategy_result", "text")
        .addColumn("changes_made", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("warnings", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("notes", "text")
        .addColumn("raw_prompt", "text", (c) => c.notNull())
        .addColumn("optimized_prompt", "text")
        .addColumn("analysis", "text")
        .addColumn("validation", "text")
        .addColumn("codebase_context", "text")
        .execute();
      // Filter + newest-first is the common history query, so filters carry created_at too.
      const indexes: Array<[string, string[]]> = [
        ["optimization_created_idx", ["created_at", "id"]],
        ["optimization_status_idx", ["status", "created_at"]],
        ["optimization_project_idx", ["project_id", "created_at"]],
        ["optimization_project_title_idx", ["project_id", "title_key"]],
        ["optimization_task_type_idx", ["task_type", "created_at"]],
        ["optimization_strategy_idx", ["strategy", "created_at"]],
        ["optimization_score_idx", ["overall_score"]],
        ["optimization_title_idx", ["title_key"]],
        ["optimization_prompt_idx", ["prompt_id", "created_at"]],
        ["optimization_retry_of_idx", ["retry_of"]],
      ];
      for (const [name, columns] of indexes) {
        await db.schema.createIndex(name).on("optimization").columns(columns).execute();
      }

      await db.schema
        .createTable("prompt")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull().references("project.id").onDelete("cascade"))
        .addColumn("title", "text")
        .addColumn("content", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("deleted_at", "text")
        .execute();
      await db.schema.createIndex("prompt_project_idx").on("prompt").columns(["project_id", "position"]).execute();

      await db.schema
        .createTable("prompt_version")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("prompt_id", "text", (c) => c.notNull().references("prompt.id").onDelete("cascade"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("content", "text", (c) => c.notNull())
        .addColumn("optimization_id", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addUniqueConstraint("prompt_version_unique", ["prompt_id", "version"])
        .execute();

      await db.schema
        .createTable("setting")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("provider_credential")
        .addColumn("provider", "text", (c) => c.primaryKey())
        .addColumn("ciphertext", "text", (c) => c.notNull())
        .addColumn("last4", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("audit_event")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("time", "text", (c) => c.notNull())
        .addColumn("method", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("client_ip", "text")
        .addColumn("duration_ms", "double precision", (c) => c.notNull())
        .addColumn("request_id", "text")
        .execute();
      await db.schema.createIndex("audit_event_time_idx").on("audit_event").column("time").execute();

      await dialectOf(dialect).createSearchSchema(db);
    },
  };
}

/**
 * Instances sharing one database (PostgreSQL): each start registers an id and keeps a heartbeat,
 * and every running optimization names its owner, so start-up recovery touches only the runs of
 * instances whose heartbeat has expired.
 */
function migration002(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("instance")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("heartbeat_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("host", "text")
        .execute();
      await db.schema.alterTable("optimization").addColumn("owner_instance", "text").execute();
    },
  };
}

/**
 * Prompt-test runs name their owning instance too, so a second process on the same data directory
 * (a CLI command, the stdio MCP server) recovers only the runs of instances whose lease is gone.
 */
function migration005(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("prompt_test_run").addColumn("owner_instance", "text").execute();
    },
  };
}

/**
 * History search on PostgreSQL matches through a narrow table of stripped vectors, so a search's
 * heap visits (one per match, for the exact count) read small rows; see search-postgres.ts.
 * Nothing changes on SQLite.
 */
function migration006(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialectOf(dialect).createSearchTable(db);
    },
  };
}

export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return {
    async getMigrations() {
      return {
        "001_initial": migration001(dialect),
        "002_instances": migration002(),
        "003_workspace_hub": workspaceHubMigration(),
        "004_prompt_tests": promptTestsMigration(),
        "005_run_owners": migration005(),
        "006_search_table": migration006(dialect),
      };
    },
  };
}

/** Brings the schema to the latest version; throws (with the failing migration's cause) on error. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: StoreDialect = "sqlite"): Promise<string[]> {
  const { error, results } = await dialectOf(dialect).withMigrationLock(db as unknown as Kysely<Database>, (locked) =>
    new Migrator({ db: locked, provider: migrationProvider(dialect) }).migrateToLatest(),
  );
  if (error !== undefined) {
    throw new Error("database migration failed", { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Names of migrations not yet applied (for a read-only open, which cannot migrate). */
export async function pendingMigrations<DB>(db: Kysely<DB>, dialect: StoreDialect = "sqlite"): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Cheap probe used by health checks. */
export async function ping<DB>(db: Kysely<DB>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
