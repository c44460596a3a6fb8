// The instances sharing one database. Each process registers an id with a lease that its
// heartbeat keeps extending; a record left pending or running is only recovered (marked
// interrupted) once its owner's lease has run out, so one instance starting or sweeping never
// touches the live runs of another.
import { type StoreContext, timestamp } from "./context.js";

export interface InstanceRow {
  id: string;
  started_at: string;
  heartbeat_at: string;
  expires_at: string;
  host: string | null;
}

export class InstanceRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Registers (or re-registers) `id` with a lease of `ttlMs` from now. */
  async register(id: string, ttlMs: number, host: string | null = null): Promise<void> {
    const now = this.ctx.clock();
    const at = now.toISOString();
    const expires_at = new Date(now.getTime() + ttlMs).toISOString();
    await this.ctx.db
      .insertInto("instance")
      .values({ id, started_at: at, heartbeat_at: at, expires_at, host })
      .onConflict((oc) => oc.column("id").doUpdateSet({ heartbeat_at: at, expires_at }))
      .execute();
  }

  /** Extends the lease; false when the row was gone (swept after a long pause) and was re-created. */
  async heartbeat(id: string, ttlMs: number): Promise<boolean> {
    const now = this.ctx.clock();
    const result = await this.ctx.db
      .updateTable("instance")
      .set({ heartbeat_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    await this.register(id, ttlMs);
    return false;
  }

  async remove(id: string): Promise<void> {
    await this.ctx.db.deleteFrom("instance").where("id", "=", id).execute();
  }

  async get(id: string): Promise<InstanceRow | null> {
    return (await this.ctx.db.selectFrom("instance").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
  }

  /** Instances whose lease has not run out. */
  async live(): Promise<InstanceRow[]> {
    return this.ctx.db
      .selectFrom("instance")
      .selectAll()
      .where("expires_at", ">", timestamp(this.ctx))
      .orderBy("started_at")
      .execute();
  }

  /** Drops instance rows expired for longer than `graceMs` (their runs are recovered first). */
  async sweep(graceMs: number): Promise<number> {
    const before = new Date(this.ctx.clock().getTime() - graceMs).toISOString();
    const result = await this.ctx.db.deleteFrom("instance").where("expires_at", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
