// Workspace links (a GitHub repository or a local folder → a project) with their sync status,
// extracted context and file-tree snapshot, plus the workspace hub's one migration. The tables are
// described here (not in database.ts) so the hub's schema lives with its repositories.
import type { Kysely, Migration } from "kysely";
import type { StoreContext } from "./context.js";
import { timestamp } from "./context.js";
import type { Database } from "./database.js";
import type { GitHubTables } from "./github.js";

/** A sync runs at most this long (the use case aborts it); past that it counts as dead. */
export const SYNC_LEASE_MS = 10 * 60_000;

export interface WorkspaceLinkTable {
  id: string;
  project_id: string;
  /** "github" | "local" */
  kind: string;
  repo_full_name: string | null;
  local_path: string | null;
  /** Who filled the context: "sync" (server scan) or "mcp" (pushed by an IDE). */
  origin: string;
  /** "pending" | "syncing" | "synced" | "error" ("stale" is computed from last_synced_at). */
  sync_status: string;
  last_synced_at: string | null;
  sync_started_at: string | null;
  error: string | null;
  completeness: number | null;
  /** JSON: the extracted fields, each `{ value, source }`. */
  context: string | null;
  /** JSON array of ≤ 500 paths. */
  tree: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkspaceTables {
  workspace_link: WorkspaceLinkTable;
}

/** The database as the hub's repositories see it. */
export type HubDatabase = Database & WorkspaceTables & GitHubTables;

export function hubDb(ctx: StoreContext): Kysely<HubDatabase> {
  return ctx.db as unknown as Kysely<HubDatabase>;
}

/** The hub's schema: GitHub config, connection, OAuth states, device flows, workspace links. */
export function workspaceHubMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("github_oauth_config")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("secret_ciphertext", "text")
        .addColumn("secret_last4", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("github_connection")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_ciphertext", "text", (c) => c.notNull())
        .addColumn("login", "text", (c) => c.notNull())
        .addColumn("name", "text")
        .addColumn("avatar_url", "text")
        .addColumn("scopes", "text", (c) => c.notNull())
        .addColumn("flow", "text", (c) => c.notNull())
        .addColumn("connected_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      // OAuth `state` values, hashed: single use, bound to the browser that asked, 10-minute expiry.
      await db.schema
        .createTable("github_oauth_state")
        .addColumn("state_hash", "text", (c) => c.primaryKey())
        .addColumn("binding_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("used_at", "text")
        .execute();
      await db.schema
        .createIndex("github_oauth_state_expires_idx")
        .on("github_oauth_state")
        .column("expires_at")
        .execute();
      await db.schema
        .createTable("github_device_flow")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("device_code_ciphertext", "text", (c) => c.notNull())
        .addColumn("user_code", "text", (c) => c.notNull())
        .addColumn("verification_uri", "text", (c) => c.notNull())
        .addColumn("interval_s", "integer", (c) => c.notNull())
        .addColumn("next_poll_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("workspace_link")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("repo_full_name", "text")
        .addColumn("local_path", "text")
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("sync_status", "text", (c) => c.notNull())
        .addColumn("last_synced_at", "text")
        .addColumn("sync_started_at", "text")
        .addColumn("error", "text")
        .addColumn("completeness", "double precision")
        .addColumn("context", "text")
        .addColumn("tree", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("workspace_link_project_idx")
        .on("workspace_link")
        .columns(["project_id", "created_at"])
        .execute();
      // Which layer each resolved codebase-context field came from, beside the snapshot.
      await db.schema.alterTable("optimization").addColumn("codebase_context_sources", "text").execute();
    },
  };
}

export interface WorkspaceLink {
  id: string;
  project_id: string;
  kind: "github" | "local";
  repo_full_name: string | null;
  local_path: string | null;
  origin: "sync" | "mcp";
  sync_status: "pending" | "syncing" | "synced" | "error";
  last_synced_at: string | null;
  sync_started_at: string | null;
  error: string | null;
  completeness: number | null;
  /** Per field: the value, the file(s) it came from and, for lists, each entry's file. */
  context: Record<string, { value: unknown; source: string; sources?: string[] }> | null;
  tree: string[] | null;
  created_at: string;
  updated_at: string;
}

export interface NewWorkspaceLink {
  project_id: string;
  kind: WorkspaceLink["kind"];
  repo_full_name?: string | null;
  local_path?: string | null;
  origin?: WorkspaceLink["origin"];
}

export interface WorkspaceSyncResult {
  context: WorkspaceLink["context"];
  tree: string[];
  completeness: number;
}

function toLink(row: WorkspaceLinkTable): WorkspaceLink {
  return {
    ...row,
    kind: row.kind as WorkspaceLink["kind"],
    origin: row.origin as WorkspaceLink["origin"],
    sync_status: row.sync_status as WorkspaceLink["sync_status"],
    completeness: row.completeness === null ? null : Number(row.completeness),
    context: row.context ? (JSON.parse(row.context) as WorkspaceLink["context"]) : null,
    tree: row.tree ? (JSON.parse(row.tree) as string[]) : null,
  };
}

export class WorkspaceRepository {
  constructor(private readonly ctx: StoreContext) {}

  private get db() {
    return hubDb(this.ctx);
  }

  async create(input: NewWorkspaceLink): Promise<WorkspaceLink> {
    const now = timestamp(this.ctx);
    const id = this.ctx.newId();
    await this.db
      .insertInto("workspace_link")
      .values({
        id,
        project_id: input.project_id,
        kind: input.kind,
        repo_full_name: input.repo_full_name ?? null,
        local_path: input.local_path ?? null,
        origin: input.origin ?? "sync",
        sync_status: "pending",
        last_synced_at: null,
        sync_started_at: null,
        error: null,
        completeness: null,
        context: null,
        tree: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await this.get(id)) as WorkspaceLink;
  }

  async get(id: string): Promise<WorkspaceLink | null> {
    const row = await this.db.selectFrom("workspace_link").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toLink(row) : null;
  }

  async list(): Promise<WorkspaceLink[]> {
    const rows = await this.db.selectFrom("workspace_link").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(toLink);
  }

  async listByProject(projectId: string): Promise<WorkspaceLink[]> {
    const rows = await this.db
      .selectFrom("workspace_link")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toLink);
  }

  /** The project's link to this target, if any (one link per repository or folder per project). */
  async findTarget(
    projectId: string,
    target: { repo_full_name?: string | null; local_path?: string | null },
  ): Promise<WorkspaceLink | null> {
    let q = this.db.selectFrom("workspace_link").selectAll().where("project_id", "=", projectId);
    if (target.repo_full_name) q = q.where("repo_full_name", "=", target.repo_full_name);
    else if (target.local_path) q = q.where("local_path", "=", target.local_path);
    else q = q.where("repo_full_name", "is", null).where("local_path", "is", null);
    const row = await q.executeTakeFirst();
    return row ? toLink(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom("workspace_link").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Marks a sync as started, unless one is already running (atomic: one sync per link, across
   * instances). A sync that started longer than SYNC_LEASE_MS ago counts as dead and is taken over.
   */
  async beginSync(id: string): Promise<boolean> {
    const now = timestamp(this.ctx);
    const cutoff = new Date(this.ctx.clock().getTime() - SYNC_LEASE_MS).toISOString();
    const result = await this.db
      .updateTable("workspace_link")
      .set({ sync_status: "syncing", sync_started_at: now, updated_at: now })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("sync_status", "!=", "syncing"), eb("sync_started_at", "<", cutoff)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Stores a finished sync's context and tree. */
  async completeSync(id: string, result: WorkspaceSyncResult, origin: WorkspaceLink["origin"] = "sync"): Promise<void> {
    const now = timestamp(this.ctx);
    await this.db
      .updateTable("workspace_link")
      .set({
        sync_status: "synced",
        last_synced_at: now,
        error: null,
        origin,
        completeness: result.completeness,
        context: JSON.stringify(result.context ?? {}),
        tree: JSON.stringify(result.tree.slice(0, 500)),
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Ends a failed or cancelled sync; the previous context and tree stay as they were. */
  async failSync(id: string, error: string): Promise<void> {
    const now = timestamp(this.ctx);
    await this.db
      .updateTable("workspace_link")
      .set({ sync_status: "error", error: error.slice(0, 500), updated_at: now })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Syncs left running past `olderThanMs` (a crashed process; 0 when this is the only instance)
   * end as errors; their context stays.
   */
  async markInterrupted(olderThanMs = SYNC_LEASE_MS): Promise<number> {
    const now = timestamp(this.ctx);
    const cutoff = new Date(this.ctx.clock().getTime() - olderThanMs + 1).toISOString();
    const result = await this.db
      .updateTable("workspace_link")
      .set({ sync_status: "error", error: "interrupted: the server stopped during the sync", updated_at: now })
      .where("sync_status", "=", "syncing")
      .where("sync_started_at", "<", cutoff)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
