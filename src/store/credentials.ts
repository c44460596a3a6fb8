// Provider API keys entered through the UI/API. The repository stores ciphertext only; encryption
// (bound to table, column and provider) happens in the use case that owns the key.
import { type StoreContext, timestamp } from "./context.js";

export interface StoredCredential {
  provider: string;
  ciphertext: string;
  last4: string;
  created_at: string;
  updated_at: string;
}

export class CredentialRepository {
  constructor(private readonly ctx: StoreContext) {}

  async get(provider: string): Promise<StoredCredential | null> {
    const row = await this.ctx.db
      .selectFrom("provider_credential")
      .selectAll()
      .where("provider", "=", provider)
      .executeTakeFirst();
    return row ?? null;
  }

  async list(): Promise<StoredCredential[]> {
    return this.ctx.db.selectFrom("provider_credential").selectAll().orderBy("provider").execute();
  }

  async put(provider: string, ciphertext: string, last4: string): Promise<StoredCredential> {
    const now = timestamp(this.ctx);
    await this.ctx.db
      .insertInto("provider_credential")
      .values({ provider, ciphertext, last4, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column("provider").doUpdateSet({ ciphertext, last4, updated_at: now }))
      .execute();
    return (await this.get(provider)) as StoredCredential;
  }

  async delete(provider: string): Promise<boolean> {
    const result = await this.ctx.db
      .deleteFrom("provider_credential")
      .where("provider", "=", provider)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
