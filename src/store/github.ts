// GitHub OAuth app config (client secret as ciphertext), the one connection (token as ciphertext),
// OAuth `state` values (hashed, single use, bound to a browser, expiring) and device flows in
// progress. Stored in the database so every instance behind a load balancer sees the same state.
// Encryption happens in the use case; this layer only ever sees ciphertext and hashes.
import { type StoreContext, timestamp } from "./context.js";
import { hubDb } from "./workspaces.js";

export interface GitHubOAuthConfigTable {
  id: string;
  client_id: string;
  secret_ciphertext: string | null;
  secret_last4: string | null;
  created_at: string;
  updated_at: string;
}

export interface GitHubConnectionTable {
  id: string;
  token_ciphertext: string;
  login: string;
  name: string | null;
  avatar_url: string | null;
  /** JSON array of OAuth scopes. */
  scopes: string;
  /** "oauth" | "device" */
  flow: string;
  connected_at: string;
  updated_at: string;
}

export interface GitHubOAuthStateTable {
  state_hash: string;
  binding_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface GitHubDeviceFlowTable {
  id: string;
  device_code_ciphertext: string;
  user_code: string;
  verification_uri: string;
  interval_s: number;
  next_poll_at: string;
  expires_at: string;
  /** "pending" | "authorized" | "expired" | "denied" */
  status: string;
  created_at: string;
}

export interface GitHubTables {
  github_oauth_config: GitHubOAuthConfigTable;
  github_connection: GitHubConnectionTable;
  github_oauth_state: GitHubOAuthStateTable;
  github_device_flow: GitHubDeviceFlowTable;
}

/** There is one OAuth app and one connection per install. */
const SINGLETON = "default";

export type StateCheck = "ok" | "missing" | "used" | "expired" | "wrong_session";

export class GitHubRepository {
  constructor(private readonly ctx: StoreContext) {}

  private get db() {
    return hubDb(this.ctx);
  }

  async getConfig(): Promise<GitHubOAuthConfigTable | null> {
    return (
      (await this.db.selectFrom("github_oauth_config").selectAll().where("id", "=", SINGLETON).executeTakeFirst()) ??
      null
    );
  }

  async putConfig(input: { client_id: string; secret_ciphertext: string | null; secret_last4: string | null }) {
    const now = timestamp(this.ctx);
    await this.db
      .insertInto("github_oauth_config")
      .values({ id: SINGLETON, ...input, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...input, updated_at: now }))
      .execute();
    return (await this.getConfig()) as GitHubOAuthConfigTable;
  }

  async deleteConfig(): Promise<boolean> {
    const result = await this.db.deleteFrom("github_oauth_config").where("id", "=", SINGLETON).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getConnection(): Promise<GitHubConnectionTable | null> {
    return (
      (await this.db.selectFrom("github_connection").selectAll().where("id", "=", SINGLETON).executeTakeFirst()) ?? null
    );
  }

  async putConnection(input: Omit<GitHubConnectionTable, "id" | "connected_at" | "updated_at">) {
    const now = timestamp(this.ctx);
    await this.db
      .insertInto("github_connection")
      .values({ id: SINGLETON, ...input, connected_at: now, updated_at: now })
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...input, connected_at: now, updated_at: now }))
      .execute();
    return (await this.getConnection()) as GitHubConnectionTable;
  }

  async deleteConnection(): Promise<boolean> {
    const result = await this.db.deleteFrom("github_connection").where("id", "=", SINGLETON).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async saveState(stateHash: string, bindingHash: string, ttlMs: number): Promise<void> {
    const now = this.ctx.clock();
    // Expired states are useless: drop them as new ones come in, so the table stays small.
    await this.db.deleteFrom("github_oauth_state").where("expires_at", "<", now.toISOString()).execute();
    await this.db
      .insertInto("github_oauth_state")
      .values({
        state_hash: stateHash,
        binding_hash: bindingHash,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ttlMs).toISOString(),
        used_at: null,
      })
      .execute();
  }

  /**
   * Consumes a state: atomically marks it used (so a replay, even racing on another instance,
   * finds it used) and says whether it was valid for this browser.
   */
  async consumeState(stateHash: string, bindingHash: string | null): Promise<StateCheck> {
    const now = timestamp(this.ctx);
    const row = await this.db
      .selectFrom("github_oauth_state")
      .selectAll()
      .where("state_hash", "=", stateHash)
      .executeTakeFirst();
    if (!row) return "missing";
    const marked = await this.db
      .updateTable("github_oauth_state")
      .set({ used_at: now })
      .where("state_hash", "=", stateHash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 0) return "used";
    if (row.expires_at < now) return "expired";
    if (bindingHash === null || bindingHash !== row.binding_hash) return "wrong_session";
    return "ok";
  }

  async createDeviceFlow(input: Omit<GitHubDeviceFlowTable, "created_at" | "status">): Promise<void> {
    const now = timestamp(this.ctx);
    await this.db.deleteFrom("github_device_flow").where("expires_at", "<", now).execute();
    await this.db
      .insertInto("github_device_flow")
      .values({ ...input, status: "pending", created_at: now })
      .execute();
  }

  async getDeviceFlow(id: string): Promise<GitHubDeviceFlowTable | null> {
    return (await this.db.selectFrom("github_device_flow").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
  }

  async updateDeviceFlow(
    id: string,
    patch: Partial<Pick<GitHubDeviceFlowTable, "interval_s" | "next_poll_at" | "status">>,
  ): Promise<void> {
    await this.db.updateTable("github_device_flow").set(patch).where("id", "=", id).execute();
  }

  /**
   * Claims the right to poll GitHub now (atomic across instances): false when another poll is
   * due later, so GitHub's interval is honoured however often the UI asks.
   */
  async claimDevicePoll(id: string, nextPollAt: string): Promise<boolean> {
    const now = timestamp(this.ctx);
    const result = await this.db
      .updateTable("github_device_flow")
      .set({ next_poll_at: nextPollAt })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("next_poll_at", "<=", now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
