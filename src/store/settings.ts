// Key/value settings (text values; callers serialise anything richer).
import { type StoreContext, timestamp } from "./context.js";

export class SettingsRepository {
  constructor(private readonly ctx: StoreContext) {}

  async get(key: string): Promise<string | null> {
    const row = await this.ctx.db.selectFrom("setting").select("value").where("key", "=", key).executeTakeFirst();
    return row?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    const updated_at = timestamp(this.ctx);
    await this.ctx.db
      .insertInto("setting")
      .values({ key, value, updated_at })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at }))
      .execute();
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.ctx.db.deleteFrom("setting").where("key", "=", key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async all(): Promise<Record<string, string>> {
    const rows = await this.ctx.db.selectFrom("setting").select(["key", "value"]).orderBy("key").execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
