// Prompts of a project, kept in order, with immutable snapshots of superseded content.
// Deleting a prompt is soft (deleted_at), so its versions and the forges linked to it survive
// and a project reactivation can restore it.
import type { Selectable } from "kysely";
import type { Prompt, PromptVersion } from "../core/records.js";
import { type StoreContext, timestamp } from "./context.js";
import type { PromptTable } from "./database.js";
import { StoreError } from "./errors.js";
import { type Page, pageBounds } from "./optimization-list.js";
import type { ProjectRepository } from "./projects.js";
import { assertMatches, entityTag, type IfMatch, nextUpdatedAt } from "./versions.js";

export interface NewPrompt {
  title?: string | null;
  content: string;
}

export interface PromptPatch {
  title?: string | null;
  content?: string;
  /** The optimization that produced the new content; stored on the snapshot it supersedes. */
  optimization_id?: string | null;
}

function toPrompt(row: Selectable<PromptTable>): Prompt {
  return {
    id: row.id,
    project_id: row.project_id,
    title: row.title,
    content: row.content,
    position: Number(row.position),
    version: Number(row.version),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function checkContent(content: string): void {
  if (content.trim().length === 0) throw new StoreError("validation_error", "prompt content must not be blank");
}

export class PromptRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly projects: ProjectRepository,
  ) {}

  /** Appends a prompt at the end of the project's order. */
  async add(projectId: string, input: NewPrompt): Promise<Prompt> {
    checkContent(input.content);
    await this.projects.requireWritable(projectId);
    const now = timestamp(this.ctx);
    return this.ctx.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom("prompt")
        .select((eb) => eb.fn.max("position").as("position"))
        .where("project_id", "=", projectId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
      const row = await trx
        .insertInto("prompt")
        .values({
          id: this.ctx.newId(),
          project_id: projectId,
          title: input.title ?? null,
          content: input.content,
          position,
          version: 1,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPrompt(row);
    });
  }

  /** Live prompts of a live project, in order. */
  async list(projectId: string): Promise<Prompt[]> {
    if ((await this.projects.get(projectId)) === null) throw new StoreError("not_found", "project not found");
    const rows = await this.ctx.db
      .selectFrom("prompt")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("deleted_at", "is", null)
      .orderBy("position", "asc")
      .orderBy("created_at", "asc")
      .execute();
    return rows.map(toPrompt);
  }

  async get(id: string): Promise<Prompt | null> {
    const row = await this.ctx.db
      .selectFrom("prompt")
      .selectAll()
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    return row === undefined ? null : toPrompt(row);
  }

  private async requireLive(id: string): Promise<Prompt> {
    const prompt = await this.get(id);
    if (prompt === null) throw new StoreError("not_found", "prompt not found");
    await this.projects.requireWritable(prompt.project_id);
    return prompt;
  }

  /**
   * Changes title and/or content. New content snapshots the superseded content as version N
   * (linked to `optimization_id`) and makes the prompt version N+1, in one transaction; the
   * update is conditional on version N so two concurrent edits cannot both snapshot N.
   */
  async update(id: string, patch: PromptPatch, options: { ifMatch?: IfMatch } = {}): Promise<Prompt> {
    if (patch.content !== undefined) checkContent(patch.content);
    const current = await this.requireLive(id);
    assertMatches(options.ifMatch, entityTag(id, current.updated_at), "the prompt");
    const contentChanged = patch.content !== undefined && patch.content !== current.content;
    const now = timestamp(this.ctx);
    const row = await this.ctx.db.transaction().execute(async (trx) => {
      if (contentChanged) {
        await trx
          .insertInto("prompt_version")
          .values({
            id: this.ctx.newId(),
            prompt_id: id,
            version: current.version,
            content: current.content,
            optimization_id: patch.optimization_id ?? null,
            created_at: now,
          })
          .execute();
      }
      const updated = await trx
        .updateTable("prompt")
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(contentChanged ? { content: patch.content, version: current.version + 1 } : {}),
          updated_at: nextUpdatedAt(now, current.updated_at),
        })
        .where("id", "=", id)
        .where("version", "=", current.version)
        // With If-Match the write is a compare-and-set on the version the client saw.
        .$if(options.ifMatch !== undefined && options.ifMatch !== "*", (qb) =>
          qb.where("updated_at", "=", current.updated_at),
        )
        .where("deleted_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      // Throwing inside the transaction also rolls back the snapshot written above.
      if (updated === undefined && options.ifMatch !== undefined && options.ifMatch !== "*") {
        throw new StoreError("stale", "the prompt was modified since the If-Match version; reload it and retry", {
          status: 412,
        });
      }
      if (updated === undefined) throw new StoreError("conflict", "prompt was changed concurrently; reload and retry");
      return updated;
    });
    return toPrompt(row);
  }

  /** Soft delete; false when there is no live prompt with this id. */
  async delete(id: string, options: { ifMatch?: IfMatch } = {}): Promise<boolean> {
    const prompt = await this.get(id);
    if (prompt === null) return false;
    await this.projects.requireWritable(prompt.project_id);
    assertMatches(options.ifMatch, entityTag(id, prompt.updated_at), "the prompt");
    const now = timestamp(this.ctx);
    const result = await this.ctx.db
      .updateTable("prompt")
      .set({ deleted_at: now, updated_at: nextUpdatedAt(now, prompt.updated_at) })
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .$if(options.ifMatch !== undefined && options.ifMatch !== "*", (qb) =>
        qb.where("updated_at", "=", prompt.updated_at),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0 && options.ifMatch !== undefined && options.ifMatch !== "*") {
      throw new StoreError("stale", "the prompt was modified since the If-Match version; reload it and retry", {
        status: 412,
      });
    }
    return Number(result.numUpdatedRows) > 0;
  }

  /** Sets the order; `ids` must be exactly the project's live prompts, each once. */
  async reorder(projectId: string, ids: readonly string[]): Promise<Prompt[]> {
    await this.projects.requireWritable(projectId);
    const now = timestamp(this.ctx);
    await this.ctx.db.transaction().execute(async (trx) => {
      const live = await trx
        .selectFrom("prompt")
        .select("id")
        .where("project_id", "=", projectId)
        .where("deleted_at", "is", null)
        .execute();
      const expected = new Set(live.map((r) => r.id));
      const given = new Set(ids);
      if (given.size !== ids.length || given.size !== expected.size || ids.some((id) => !expected.has(id))) {
        throw new StoreError("validation_error", "ids must list each prompt of the project exactly once", {
          details: { expected: expected.size, given: ids.length },
        });
      }
      for (const [position, id] of ids.entries()) {
        await trx.updateTable("prompt").set({ position, updated_at: now }).where("id", "=", id).execute();
      }
    });
    return this.list(projectId);
  }

  /** One page of the snapshots of superseded content, newest first, with the total. */
  async versionsPage(
    promptId: string,
    options: { page?: number; per_page?: number } = {},
  ): Promise<Page<PromptVersion>> {
    const { page, per_page } = pageBounds(options);
    const exists = await this.ctx.db.selectFrom("prompt").select("id").where("id", "=", promptId).executeTakeFirst();
    if (exists === undefined) throw new StoreError("not_found", "prompt not found");
    const base = this.ctx.db.selectFrom("prompt_version").where("prompt_id", "=", promptId);
    const rows = await base
      .selectAll()
      .orderBy("version", "desc")
      .limit(per_page)
      .offset((page - 1) * per_page)
      .execute();
    const count = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return {
      items: rows.map((row) => ({ ...row, version: Number(row.version) })),
      total: Number(count.n),
      page,
      per_page,
    };
  }

  /** Snapshots of superseded content, oldest first. Works for deleted prompts too. */
  async versions(promptId: string): Promise<PromptVersion[]> {
    const exists = await this.ctx.db.selectFrom("prompt").select("id").where("id", "=", promptId).executeTakeFirst();
    if (exists === undefined) throw new StoreError("not_found", "prompt not found");
    const rows = await this.ctx.db
      .selectFrom("prompt_version")
      .selectAll()
      .where("prompt_id", "=", promptId)
      .orderBy("version", "asc")
      .execute();
    return rows.map((row) => ({ ...row, version: Number(row.version) }));
  }
}
