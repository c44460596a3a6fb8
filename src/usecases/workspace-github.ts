// Use cases: connecting GitHub. The OAuth app config (client secret encrypted, shown masked), the
// authorization-code flow with a single-use `state` bound to the browser and expiring after 10
// minutes, the device flow (no secret, no callback) polled at GitHub's interval, status,
// disconnect with revocation, and the repository list (paginated, searchable).
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError, isAppError } from "../core/errors.js";
import { DecryptionError, type FieldCipher } from "../security/crypto.js";
import type { GitHubRepository, StateCheck } from "../store/github.js";
import type { GitHubClient, GitHubRepo } from "../workspace/github-client.js";
import { parseInput } from "./validate.js";

export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** Scopes asked for: private repositories' trees and contents, and the user's profile. */
export const GITHUB_SCOPES = "repo read:user";
/** Repositories scanned for a search (GitHub has no name filter on /user/repos). */
export const SEARCH_PAGE_LIMIT = 10;

const SECRET_FIELD = { table: "github_oauth_config", column: "secret_ciphertext", rowId: "default" } as const;
const TOKEN_FIELD = { table: "github_connection", column: "token_ciphertext", rowId: "default" } as const;
const DEVICE_FIELD = { table: "github_device_flow", column: "device_code_ciphertext" } as const;

export const GitHubConfigBodySchema = z.object({
  client_id: z
    .string()
    .trim()
    .min(1, "client_id is required")
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, "client_id may contain only letters, digits, '.', '_' and '-'"),
  client_secret: z
    .string()
    .trim()
    .min(8, "client_secret is too short")
    .max(200)
    .regex(/^\S+$/, "client_secret must not contain whitespace")
    .optional()
    .describe("Needed for the authorization-code flow and revocation; the device flow works without it."),
});

export const RepoListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(30),
  search: z.string().trim().max(100).optional(),
});

export interface GitHubConfigView {
  configured: boolean;
  client_id: string | null;
  client_secret: string | null;
  has_client_secret: boolean;
  updated_at: string | null;
}

export interface GitHubStatusView {
  configured: boolean;
  connected: boolean;
  login: string | null;
  name: string | null;
  avatar_url: string | null;
  scopes: string[];
  flow: "oauth" | "device" | null;
  connected_since: string | null;
}

export type CallbackOutcome = { ok: true; login: string } | { ok: false; reason: string };

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export interface GitHubServiceDeps {
  repo: GitHubRepository;
  client: GitHubClient;
  cipher: FieldCipher;
  clock?: () => Date;
  /** Told about refused OAuth callbacks (the reason only; never the code or state). */
  onRefused?: (reason: string) => void;
}

export function createGitHubService(deps: GitHubServiceDeps) {
  const now = () => (deps.clock ?? (() => new Date()))();

  async function config() {
    const row = await deps.repo.getConfig();
    if (!row) throw new AppError("not_configured", "GitHub is not configured: PUT /api/github/config first.");
    return row;
  }

  function revealSecret(ciphertext: string | null): string | null {
    if (!ciphertext) return null;
    try {
      return deps.cipher.decrypt(ciphertext, SECRET_FIELD);
    } catch (error) {
      if (error instanceof DecryptionError) return null;
      throw error;
    }
  }

  async function token(): Promise<string> {
    const row = await deps.repo.getConnection();
    if (!row) throw new AppError("not_configured", "GitHub is not connected: connect it first.");
    try {
      return deps.cipher.decrypt(row.token_ciphertext, TOKEN_FIELD);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new AppError("github_unauthorized", "The stored GitHub token cannot be decrypted; connect GitHub again.");
    }
  }

  /** Stores a new token with the user it belongs to. */
  async function connect(accessToken: string, flow: "oauth" | "device") {
    const user = await deps.client.getUser(accessToken);
    await deps.repo.putConnection({
      token_ciphertext: deps.cipher.encrypt(accessToken, TOKEN_FIELD),
      login: user.login,
      name: user.name,
      avatar_url: user.avatar_url,
      scopes: JSON.stringify(user.scopes),
      flow,
    });
    return user;
  }

  /** Runs a GitHub call with the stored token; a 401 means the token is gone: the connection is dropped. */
  async function withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const t = await token();
    try {
      return await call(t);
    } catch (error) {
      if (isAppError(error) && error.code === "github_unauthorized") await deps.repo.deleteConnection();
      throw error;
    }
  }

  return {
    token,
    withToken,
    /** Forgets a token GitHub no longer accepts. */
    dropConnection: () => deps.repo.deleteConnection(),

    async getConfig(): Promise<GitHubConfigView> {
      const row = await deps.repo.getConfig();
      return {
        configured: row !== null,
        client_id: row?.client_id ?? null,
        client_secret: row?.secret_last4 ? `••••${row.secret_last4}` : null,
        has_client_secret: Boolean(row?.secret_ciphertext),
        updated_at: row?.updated_at ?? null,
      };
    },

    async putConfig(raw: unknown): Promise<GitHubConfigView> {
      const body = parseInput(GitHubConfigBodySchema, raw);
      const existing = await deps.repo.getConfig();
      // Changing only the client id keeps the stored secret when the id is unchanged.
      const keep = body.client_secret === undefined && existing?.client_id === body.client_id;
      await deps.repo.putConfig({
        client_id: body.client_id,
        secret_ciphertext: body.client_secret
          ? deps.cipher.encrypt(body.client_secret, SECRET_FIELD)
          : keep
            ? (existing?.secret_ciphertext ?? null)
            : null,
        secret_last4: body.client_secret
          ? body.client_secret.slice(-4)
          : keep
            ? (existing?.secret_last4 ?? null)
            : null,
      });
      return this.getConfig();
    },

    async deleteConfig(): Promise<void> {
      if (!(await deps.repo.deleteConfig())) throw new AppError("not_found", "GitHub is not configured.");
    },

    /**
     * Starts the authorization-code flow: a fresh `state` (stored hashed with the browser binding)
     * and GitHub's authorize URL. `binding` is a random value the route keeps in a cookie.
     */
    async authorize(args: { redirectUri: string; binding: string }): Promise<string> {
      const cfg = await config();
      if (!cfg.secret_ciphertext) {
        throw new AppError(
          "not_configured",
          "The authorization-code flow needs the client secret: store it with PUT /api/github/config, or use the device flow.",
        );
      }
      const state = randomBytes(32).toString("base64url");
      await deps.repo.saveState(sha256(state), sha256(args.binding), OAUTH_STATE_TTL_MS);
      return deps.client.authorizeUrl({
        clientId: cfg.client_id,
        redirectUri: args.redirectUri,
        state,
        scope: GITHUB_SCOPES,
      });
    },

    /** Finishes the authorization-code flow; refusals come back as a reason, never an exception. */
    async callback(args: {
      code?: string;
      state?: string;
      error?: string;
      binding?: string;
      redirectUri: string;
    }): Promise<CallbackOutcome> {
      const refuse = (reason: string): CallbackOutcome => {
        deps.onRefused?.(reason);
        return { ok: false, reason };
      };
      if (!args.state) return refuse("missing_state");
      const check: StateCheck = await deps.repo.consumeState(
        sha256(args.state),
        args.binding ? sha256(args.binding) : null,
      );
      if (check === "missing") return refuse("invalid_state");
      if (check === "used") return refuse("state_reused");
      if (check === "expired") return refuse("state_expired");
      if (check === "wrong_session") return refuse("state_session_mismatch");
      // GitHub sends ?error=access_denied when the user declines.
      if (args.error) return refuse(args.error === "access_denied" ? "access_denied" : "github_error");
      if (!args.code) return refuse("missing_code");
      const cfg = await deps.repo.getConfig();
      const secret = revealSecret(cfg?.secret_ciphertext ?? null);
      if (!cfg || !secret) return refuse("not_configured");
      try {
        const { access_token } = await deps.client.exchangeCode({
          clientId: cfg.client_id,
          clientSecret: secret,
          code: args.code,
          redirectUri: args.redirectUri,
        });
        const user = await connect(access_token, "oauth");
        return { ok: true, login: user.login };
      } catch (error) {
        if (!isAppError(error)) throw error;
        const detail = (error.details as { reason?: string } | undefined)?.reason;
        return refuse(detail === "bad_verification_code" ? "bad_code" : "exchange_failed");
      }
    },

    async status(): Promise<GitHubStatusView> {
      const [cfg, conn] = await Promise.all([deps.repo.getConfig(), deps.repo.getConnection()]);
      return {
        configured: cfg !== null,
        connected: conn !== null,
        login: conn?.login ?? null,
        name: conn?.name ?? null,
        avatar_url: conn?.avatar_url ?? null,
        scopes: conn ? (JSON.parse(conn.scopes) as string[]) : [],
        flow: (conn?.flow as GitHubStatusView["flow"]) ?? null,
        connected_since: conn?.connected_at ?? null,
      };
    },

    /** Deletes the token, revoking it at GitHub first when the app's secret allows it. */
    async disconnect(): Promise<{ disconnected: true; revoked: boolean }> {
      const conn = await deps.repo.getConnection();
      if (!conn) throw new AppError("not_found", "GitHub is not connected.");
      let revoked = false;
      const cfg = await deps.repo.getConfig();
      const secret = revealSecret(cfg?.secret_ciphertext ?? null);
      if (cfg && secret) {
        try {
          const t = deps.cipher.decrypt(conn.token_ciphertext, TOKEN_FIELD);
          revoked = await deps.client.revokeToken({ clientId: cfg.client_id, clientSecret: secret, token: t });
        } catch (error) {
          // Revocation is best effort: the token is deleted here whatever GitHub says.
          if (!(error instanceof DecryptionError) && !isAppError(error)) throw error;
        }
      }
      await deps.repo.deleteConnection();
      return { disconnected: true, revoked };
    },

    async deviceStart() {
      const cfg = await config();
      const started = await deps.client.startDeviceFlow({ clientId: cfg.client_id, scope: GITHUB_SCOPES });
      const id = randomBytes(16).toString("hex");
      const t = now().getTime();
      const expiresAt = new Date(t + started.expires_in * 1000).toISOString();
      await deps.repo.createDeviceFlow({
        id,
        device_code_ciphertext: deps.cipher.encrypt(started.device_code, { ...DEVICE_FIELD, rowId: id }),
        user_code: started.user_code,
        verification_uri: started.verification_uri,
        interval_s: started.interval,
        next_poll_at: new Date(t + started.interval * 1000).toISOString(),
        expires_at: expiresAt,
      });
      return {
        id,
        user_code: started.user_code,
        verification_uri: started.verification_uri,
        expires_at: expiresAt,
        interval: started.interval,
      };
    },

    /**
     * Polls GitHub for a device flow at most once per `interval` (however often it is asked);
     * `slow_down` adds to the interval as GitHub says.
     */
    async devicePoll(id: string): Promise<{
      status: "pending" | "authorized" | "expired" | "denied";
      interval: number;
      login: string | null;
    }> {
      const flow = await deps.repo.getDeviceFlow(id);
      if (!flow) throw new AppError("not_found", "No such device flow (it may have expired).");
      const base = { interval: flow.interval_s, login: null as string | null };
      if (flow.status !== "pending") return { ...base, status: flow.status as "authorized" | "expired" | "denied" };
      const t = now();
      if (flow.expires_at <= t.toISOString()) {
        await deps.repo.updateDeviceFlow(id, { status: "expired" });
        return { ...base, status: "expired" };
      }
      const nextAt = new Date(t.getTime() + flow.interval_s * 1000).toISOString();
      if (!(await deps.repo.claimDevicePoll(id, nextAt))) return { ...base, status: "pending" };
      const cfg = await config();
      let deviceCode: string;
      try {
        deviceCode = deps.cipher.decrypt(flow.device_code_ciphertext, { ...DEVICE_FIELD, rowId: id });
      } catch {
        await deps.repo.updateDeviceFlow(id, { status: "expired" });
        return { ...base, status: "expired" };
      }
      const result = await deps.client.pollDeviceToken({ clientId: cfg.client_id, deviceCode });
      switch (result.status) {
        case "pending":
          return { ...base, status: "pending" };
        case "slow_down": {
          const interval = Math.max(result.interval, flow.interval_s + 5);
          await deps.repo.updateDeviceFlow(id, {
            interval_s: interval,
            next_poll_at: new Date(t.getTime() + interval * 1000).toISOString(),
          });
          return { ...base, interval, status: "pending" };
        }
        case "expired":
        case "denied":
          await deps.repo.updateDeviceFlow(id, { status: result.status });
          return { ...base, status: result.status };
        case "authorized": {
          const user = await connect(result.access_token, "device");
          await deps.repo.updateDeviceFlow(id, { status: "authorized" });
          return { ...base, status: "authorized", login: user.login };
        }
      }
    },

    /**
     * One page of the user's repositories. Without `search` this is GitHub's page (its Link
     * header says whether there is a next one); with `search` up to SEARCH_PAGE_LIMIT pages of
     * 100 are read following Link, filtered by name and description, then paginated here.
     */
    async repos(raw: unknown): Promise<{
      items: GitHubRepo[];
      page: number;
      per_page: number;
      has_more: boolean;
      total: number | null;
    }> {
      const q = parseInput(RepoListQuerySchema, raw);
      return withToken(async (t) => {
        if (!q.search) {
          const page = await deps.client.listRepos(t, { page: q.page, perPage: q.per_page });
          return {
            items: page.items,
            page: q.page,
            per_page: q.per_page,
            has_more: page.next_page !== null,
            total: null,
          };
        }
        const needle = q.search.toLowerCase();
        const matches: GitHubRepo[] = [];
        let next: number | null = 1;
        let scanned = 0;
        while (next !== null && scanned < SEARCH_PAGE_LIMIT) {
          const page = await deps.client.listRepos(t, { page: next, perPage: 100 });
          scanned++;
          for (const r of page.items) {
            if (r.full_name.toLowerCase().includes(needle) || (r.description ?? "").toLowerCase().includes(needle))
              matches.push(r);
          }
          next = page.next_page;
        }
        const start = (q.page - 1) * q.per_page;
        return {
          items: matches.slice(start, start + q.per_page),
          page: q.page,
          per_page: q.per_page,
          has_more: start + q.per_page < matches.length,
          total: matches.length,
        };
      });
    },
  };
}

export type GitHubService = ReturnType<typeof createGitHubService>;
