// Projects: unique names (case-insensitive), archive = read-only, soft delete that cascades to
// the project's prompts, and reactivation when a deleted project's name is used again.
import type { Selectable } from "kysely";
import type { CodebaseContext } from "../core/pipeline/schemas.js";
import type { Project, ProjectStatus } from "../core/records.js";
import { type StoreContext, timestamp } from "./context.js";
import type { ProjectTable } from "./database.js";
import { isUniqueViolation, StoreError } from "./errors.js";
import { type Page, pageBounds } from "./optimization-list.js";
import { assertMatches, entityTag, type IfMatch, nextUpdatedAt } from "./versions.js";

export interface NewProject {
  name: string;
  description?: string | null;
  context_profile?: CodebaseContext | null;
}

export type ProjectPatch = Partial<NewProject>;

export interface ProjectUpdateOptions {
  /** HTTP If-Unmodified-Since (or ISO time): stale when the project changed in a later second. */
  ifUnmodifiedSince?: string;
  /** HTTP If-Match: stale (412) unless the project's current ETag is listed. Exact to the write. */
  ifMatch?: IfMatch;
}

export interface ProjectListOptions {
  page?: number;
  per_page?: number;
  /** Only this status; otherwise active ones (plus archived with include_archived). */
  status?: ProjectStatus;
  include_archived?: boolean;
}

export type ProjectSummary = Project & { prompt_count: number };

const MAX_NAME_LENGTH = 200;

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new StoreError("validation_error", `project name must be 1–${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

const nameKey = (name: string): string => name.trim().toLowerCase();

function toProject(row: Selectable<ProjectTable>): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    context_profile: row.context_profile === null ? null : (JSON.parse(row.context_profile) as CodebaseContext),
    status: row.status as ProjectStatus,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function patchColumns(patch: ProjectPatch): Partial<Selectable<ProjectTable>> {
  const columns: Partial<Selectable<ProjectTable>> = {};
  if (patch.name !== undefined) {
    columns.name = cleanName(patch.name);
    columns.name_key = nameKey(patch.name);
  }
  if (patch.description !== undefined) columns.description = patch.description;
  if (patch.context_profile !== undefined) {
    columns.context_profile = patch.context_profile === null ? null : JSON.stringify(patch.context_profile);
  }
  return columns;
}

/** Parses an HTTP date or ISO time to whole seconds since the epoch. */
function toSecond(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new StoreError("validation_error", "If-Unmodified-Since is not a valid date");
  return Math.floor(ms / 1000);
}

export class ProjectRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Creates a project, or reactivates a soft-deleted one of the same name (with its prompts). */
  async create(input: NewProject): Promise<Project> {
    const name = cleanName(input.name);
    const now = timestamp(this.ctx);
    try {
      return await this.ctx.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom("project")
          .selectAll()
          .where("name_key", "=", nameKey(name))
          .executeTakeFirst();
        if (existing !== undefined && existing.status !== "deleted") {
          throw new StoreError("conflict", "a project with this name already exists", { details: { id: existing.id } });
        }
        if (existing !== undefined) {
          const row = await trx
            .updateTable("project")
            .set({ ...patchColumns({ ...input, name }), status: "active", deleted_at: null, updated_at: now })
            .where("id", "=", existing.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          // Bring back the prompts the delete cascaded to, not ones deleted on their own before.
          const restored = await trx
            .updateTable("prompt")
            .set({ deleted_at: null, updated_at: now })
            .where("project_id", "=", existing.id)
            .where("deleted_at", "=", existing.deleted_at)
            .executeTakeFirst();
          if (existing.name !== name) await this.ctx.search.indexProject(trx, existing.id);
          // Said in the answer, so a user who meant a new project learns it is the old one.
          return {
            ...toProject(row),
            reactivated: { previous_name: existing.name, prompts_restored: Number(restored.numUpdatedRows) },
          };
        }
        const row = await trx
          .insertInto("project")
          .values({
            id: this.ctx.newId(),
            name,
            name_key: nameKey(name),
            description: input.description ?? null,
            context_profile: input.context_profile ? JSON.stringify(input.context_profile) : null,
            status: "active",
            created_at: now,
            updated_at: now,
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toProject(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError("conflict", "a project with this name already exists");
      throw error;
    }
  }

  async get(id: string, options: { includeDeleted?: boolean } = {}): Promise<Project | null> {
    const row = await this.ctx.db
      .selectFrom("project")
      .selectAll()
      .where("id", "=", id)
      .$if(!options.includeDeleted, (qb) => qb.where("status", "!=", "deleted"))
      .executeTakeFirst();
    return row === undefined ? null : toProject(row);
  }

  /** Case-insensitive; deleted projects only with includeDeleted. */
  async getByName(name: string, options: { includeDeleted?: boolean } = {}): Promise<Project | null> {
    const row = await this.ctx.db
      .selectFrom("project")
      .selectAll()
      .where("name_key", "=", nameKey(name))
      .$if(!options.includeDeleted, (qb) => qb.where("status", "!=", "deleted"))
      .executeTakeFirst();
    return row === undefined ? null : toProject(row);
  }

  /** The project, if it exists and may be changed: not_found or project_archived otherwise. */
  async requireWritable(id: string): Promise<Project> {
    const project = await this.get(id);
    if (project === null) throw new StoreError("not_found", "project not found");
    if (project.status === "archived") throw new StoreError("project_archived", "project is archived (read-only)");
    return project;
  }

  async list(options: ProjectListOptions = {}): Promise<Page<ProjectSummary>> {
    const { page, per_page } = pageBounds(options);
    const statuses: ProjectStatus[] =
      options.status !== undefined ? [options.status] : options.include_archived ? ["active", "archived"] : ["active"];
    const base = this.ctx.db.selectFrom("project").where("status", "in", statuses);
    const rows = await base
      .selectAll("project")
      .select((eb) =>
        eb
          .selectFrom("prompt")
          .select((sub) => sub.fn.countAll<number>().as("n"))
          .whereRef("prompt.project_id", "=", "project.id")
          .where("prompt.deleted_at", "is", null)
          .as("prompt_count"),
      )
      .orderBy("name_key", "asc")
      .limit(per_page)
      .offset((page - 1) * per_page)
      .execute();
    const count = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return {
      items: rows.map((row) => ({ ...toProject(row), prompt_count: Number(row.prompt_count ?? 0) })),
      total: Number(count.n),
      page,
      per_page,
    };
  }

  /**
   * Changes an active project. One conditional UPDATE checks status and freshness, so the check
   * and the write cannot be separated by a concurrent writer.
   */
  async update(id: string, patch: ProjectPatch, options: ProjectUpdateOptions = {}): Promise<Project> {
    const columns = patchColumns(patch);
    const since = options.ifUnmodifiedSince === undefined ? null : toSecond(options.ifUnmodifiedSince);
    // Stored times are ISO text, so "changed no later than that second" is a string comparison.
    const bound = since === null ? null : new Date((since + 1) * 1000).toISOString();
    // Without a precondition a concurrent write only means "read again and write": a few tries.
    const tries = options.ifMatch === undefined && bound === null ? 5 : 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      const row = await this.tryUpdate(id, columns, options, bound);
      if (row !== undefined) return toProject(row);
    }
    const current = await this.requireWritable(id);
    if (options.ifMatch !== undefined && options.ifUnmodifiedSince === undefined) {
      throw new StoreError("stale", "the project was modified since the If-Match version; reload it and retry", {
        status: 412,
        details: { etag: entityTag(id, current.updated_at) },
      });
    }
    throw new StoreError("stale", "project was modified after If-Unmodified-Since", {
      details: { updated_at: current.updated_at },
    });
  }

  private async tryUpdate(
    id: string,
    columns: Partial<Selectable<ProjectTable>>,
    options: ProjectUpdateOptions,
    bound: string | null,
  ): Promise<Selectable<ProjectTable> | undefined> {
    try {
      return await this.ctx.db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom("project")
          .select(["updated_at", "status"])
          .where("id", "=", id)
          .executeTakeFirst();
        if (before !== undefined && before.status === "active") {
          assertMatches(options.ifMatch, entityTag(id, before.updated_at), "the project");
        }
        // Compare-and-set on the version read above: a write in between makes this one stale.
        const updated = await trx
          .updateTable("project")
          .set({ ...columns, updated_at: nextUpdatedAt(timestamp(this.ctx), before?.updated_at ?? "") })
          .where("id", "=", id)
          .where("status", "=", "active")
          .$if(before !== undefined, (qb) => qb.where("updated_at", "=", before?.updated_at as string))
          .$if(bound !== null, (qb) => qb.where("updated_at", "<", bound as string))
          .returningAll()
          .executeTakeFirst();
        if (updated !== undefined && columns.name !== undefined) await this.ctx.search.indexProject(trx, id);
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError("conflict", "a project with this name already exists");
      throw error;
    }
  }

  async archive(id: string): Promise<Project> {
    return this.setStatus(id, "active", "archived");
  }

  async unarchive(id: string): Promise<Project> {
    return this.setStatus(id, "archived", "active");
  }

  private async setStatus(id: string, from: ProjectStatus, to: ProjectStatus): Promise<Project> {
    const row = await this.ctx.db
      .updateTable("project")
      .set({ status: to, updated_at: timestamp(this.ctx) })
      .where("id", "=", id)
      .where("status", "=", from)
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return toProject(row);
    const current = await this.get(id);
    if (current === null) throw new StoreError("not_found", "project not found");
    return current; // already in the target state
  }

  /**
   * Soft delete (allowed for archived projects too): status deleted, and its live prompts are
   * marked deleted at the same instant so a later reactivation can restore exactly those.
   */
  async softDelete(id: string, options: { ifMatch?: IfMatch } = {}): Promise<void> {
    const now = timestamp(this.ctx);
    const deleted = await this.ctx.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("project").select("updated_at").where("id", "=", id).executeTakeFirst();
      if (before !== undefined) assertMatches(options.ifMatch, entityTag(id, before.updated_at), "the project");
      const result = await trx
        .updateTable("project")
        .set({ status: "deleted", deleted_at: now, updated_at: now })
        .where("id", "=", id)
        .where("status", "!=", "deleted")
        .$if(before !== undefined && options.ifMatch !== undefined && options.ifMatch !== "*", (qb) =>
          qb.where("updated_at", "=", before?.updated_at as string),
        )
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await trx
        .updateTable("prompt")
        .set({ deleted_at: now, updated_at: now })
        .where("project_id", "=", id)
        .where("deleted_at", "is", null)
        .execute();
      return true;
    });
    if (!deleted) throw new StoreError("not_found", "project not found");
  }
}
