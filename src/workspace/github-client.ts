// GitHub REST and OAuth client (authorization-code flow, device flow, /user, /user/repos, trees,
// contents, token revocation). Base URLs are configurable (GITHUB_API_URL, GITHUB_OAUTH_URL) for
// GitHub Enterprise and tests. Tokens and secrets are never put into an error message.
import { AppError } from "../core/errors.js";

export interface GitHubClientOptions {
  apiUrl: string;
  oauthUrl: string;
  fetch?: typeof fetch;
  /** Per-request time limit; default 15 s. */
  timeoutMs?: number;
}

export interface GitHubUser {
  login: string;
  name: string | null;
  avatar_url: string | null;
  html_url: string | null;
  /** From the X-OAuth-Scopes header (empty for fine-grained tokens). */
  scopes: string[];
}

export interface GitHubRepo {
  full_name: string;
  name: string;
  owner: string;
  private: boolean;
  description: string | null;
  default_branch: string;
  html_url: string | null;
  language: string | null;
  updated_at: string | null;
}

export interface RepoPage {
  items: GitHubRepo[];
  page: number;
  per_page: number;
  /** From the Link header: the next page number, or null on the last page. */
  next_page: number | null;
  last_page: number | null;
}

export interface TreeEntry {
  path: string;
  type: "blob" | "tree" | "commit";
  size?: number;
}

export interface DeviceCode {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

export type DeviceTokenResult =
  | { status: "authorized"; access_token: string; scope: string }
  | { status: "pending" }
  | { status: "slow_down"; interval: number }
  | { status: "expired" }
  | { status: "denied" };

/** GitHub repository names: owner (letters, digits, hyphens) / repo (letters, digits, . _ -). */
const FULL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** Validates `owner/repo`; odd characters, `..` and slashes beyond the one separator are refused. */
export function parseRepoFullName(value: string): { owner: string; repo: string } {
  const trimmed = value.trim();
  const [owner, repo] = trimmed.split("/");
  if (!FULL_NAME.test(trimmed) || !owner || !repo || repo === "." || repo === "..") {
    throw new AppError(
      "validation_error",
      'repo_full_name must look like "owner/repo" (letters, digits, "-" in the owner; letters, digits, ".", "_", "-" in the name).',
    );
  }
  return { owner, repo };
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Parses an RFC 8288 Link header into rel → page number. */
export function parseLinkPages(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!header) return out;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (!m?.[1] || !m[2]) continue;
    try {
      const page = Number(new URL(m[1]).searchParams.get("page"));
      if (Number.isInteger(page) && page > 0) out[m[2].toLowerCase()] = page;
    } catch {
      // an unparseable link is ignored
    }
  }
  return out;
}

export function createGitHubClient(options: GitHubClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function send(url: string, init: RequestInit & { signal?: AbortSignal }): Promise<Response> {
    const signal = init.signal
      ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    try {
      return await doFetch(url, { ...init, signal, redirect: "error" });
    } catch (error) {
      if (init.signal?.aborted) throw new AppError("cancelled", "The GitHub request was cancelled.");
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      throw new AppError("github_error", timedOut ? "GitHub did not answer in time." : "GitHub could not be reached.", {
        retryable: true,
      });
    }
  }

  /** Maps GitHub's refusals: 401 → token no longer valid; exhausted rate limit → 429 with the reset time. */
  function failure(res: Response, what: string): AppError {
    if (res.status === 401) {
      return new AppError(
        "github_unauthorized",
        "GitHub refused the stored token (revoked or expired). Connect GitHub again.",
      );
    }
    const remaining = res.headers.get("x-ratelimit-remaining");
    if ((res.status === 403 || res.status === 429) && (remaining === "0" || res.headers.has("retry-after"))) {
      const reset = Number(res.headers.get("x-ratelimit-reset"));
      const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : null;
      const retryAfter = Number(res.headers.get("retry-after"));
      return new AppError(
        "github_rate_limited",
        `GitHub's API rate limit is exhausted${resetAt ? `; it resets at ${resetAt}` : ""}. Try again later.`,
        {
          details: {
            reset_at: resetAt,
            retry_after: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
          },
          retryable: true,
        },
      );
    }
    if (res.status === 404) return new AppError("not_found", `GitHub has no ${what} (or the token cannot see it).`);
    if (res.status === 403) return new AppError("forbidden", `GitHub refused access to ${what}.`);
    return new AppError("github_error", `GitHub answered ${res.status} for ${what}.`, { retryable: res.status >= 500 });
  }

  async function api(token: string, path: string, what: string, signal?: AbortSignal): Promise<Response> {
    const res = await send(`${options.apiUrl}${path}`, {
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${token}`,
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "PromptForge",
      },
      signal,
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw failure(res, what);
    }
    return res;
  }

  async function readJson<T>(res: Response, what: string): Promise<T> {
    try {
      return (await res.json()) as T;
    } catch {
      throw new AppError("github_error", `GitHub sent an unreadable answer for ${what}.`);
    }
  }

  async function oauthPost(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
    const res = await send(`${options.oauthUrl}${path}`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    if (!res.ok && res.status !== 400) {
      await res.body?.cancel();
      throw new AppError("github_error", `GitHub's OAuth endpoint answered ${res.status}.`, {
        retryable: res.status >= 500,
      });
    }
    const body = await readJson<Record<string, unknown>>(res, "the OAuth request");
    return body && typeof body === "object" ? body : {};
  }

  return {
    authorizeUrl(args: { clientId: string; redirectUri: string; state: string; scope: string }): string {
      const url = new URL(`${options.oauthUrl}/login/oauth/authorize`);
      url.searchParams.set("client_id", args.clientId);
      url.searchParams.set("redirect_uri", args.redirectUri);
      url.searchParams.set("scope", args.scope);
      url.searchParams.set("state", args.state);
      url.searchParams.set("allow_signup", "false");
      return url.toString();
    },

    /** Exchanges an authorization code; GitHub's `error` (bad_verification_code…) becomes a clear refusal. */
    async exchangeCode(args: {
      clientId: string;
      clientSecret: string;
      code: string;
      redirectUri: string;
    }): Promise<{ access_token: string; scope: string }> {
      const body = await oauthPost("/login/oauth/access_token", {
        client_id: args.clientId,
        client_secret: args.clientSecret,
        code: args.code,
        redirect_uri: args.redirectUri,
      });
      if (typeof body.access_token === "string" && body.access_token) {
        return { access_token: body.access_token, scope: typeof body.scope === "string" ? body.scope : "" };
      }
      const code = typeof body.error === "string" ? body.error.slice(0, 60) : "no_token";
      throw new AppError("github_error", `GitHub did not issue a token (${code}).`, { details: { reason: code } });
    },

    async startDeviceFlow(args: { clientId: string; scope: string }): Promise<DeviceCode> {
      const body = await oauthPost("/login/device/code", { client_id: args.clientId, scope: args.scope });
      if (typeof body.device_code !== "string" || typeof body.user_code !== "string") {
        const code = typeof body.error === "string" ? body.error.slice(0, 60) : "no_device_code";
        throw new AppError(
          "github_error",
          code === "device_flow_disabled"
            ? 'The device flow is not enabled for this GitHub OAuth app: tick "Enable Device Flow" in its settings.'
            : `GitHub did not start the device flow (${code}).`,
          { details: { reason: code } },
        );
      }
      return {
        device_code: body.device_code,
        user_code: body.user_code,
        verification_uri:
          typeof body.verification_uri === "string" ? body.verification_uri : `${options.oauthUrl}/login/device`,
        expires_in: Number(body.expires_in) > 0 ? Number(body.expires_in) : 900,
        interval: Number(body.interval) > 0 ? Number(body.interval) : 5,
      };
    },

    /** One poll of the device token endpoint (RFC 8628 section 3.5 answers). */
    async pollDeviceToken(args: { clientId: string; deviceCode: string }): Promise<DeviceTokenResult> {
      const body = await oauthPost("/login/oauth/access_token", {
        client_id: args.clientId,
        device_code: args.deviceCode,
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      });
      if (typeof body.access_token === "string" && body.access_token) {
        return {
          status: "authorized",
          access_token: body.access_token,
          scope: typeof body.scope === "string" ? body.scope : "",
        };
      }
      switch (body.error) {
        case "authorization_pending":
          return { status: "pending" };
        case "slow_down":
          return { status: "slow_down", interval: Number(body.interval) > 0 ? Number(body.interval) : 10 };
        case "expired_token":
          return { status: "expired" };
        case "access_denied":
          return { status: "denied" };
        default:
          throw new AppError(
            "github_error",
            `GitHub refused the device code (${String(body.error ?? "unknown").slice(0, 60)}).`,
          );
      }
    },

    async getUser(token: string): Promise<GitHubUser> {
      const res = await api(token, "/user", "user for this token");
      const body = await readJson<Record<string, unknown>>(res, "/user");
      const scopes = (res.headers.get("x-oauth-scopes") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      return {
        login: String(body.login ?? ""),
        name: typeof body.name === "string" ? body.name : null,
        avatar_url: typeof body.avatar_url === "string" ? body.avatar_url : null,
        html_url: typeof body.html_url === "string" ? body.html_url : null,
        scopes,
      };
    },

    async listRepos(token: string, args: { page: number; perPage: number }): Promise<RepoPage> {
      const res = await api(
        token,
        `/user/repos?per_page=${args.perPage}&page=${args.page}&sort=updated&affiliation=owner,collaborator,organization_member`,
        "repository list",
      );
      const body = await readJson<unknown[]>(res, "/user/repos");
      const links = parseLinkPages(res.headers.get("link"));
      const items = (Array.isArray(body) ? body : []).map((raw) => {
        const r = raw as Record<string, unknown>;
        const owner = (r.owner as Record<string, unknown> | undefined)?.login;
        return {
          full_name: String(r.full_name ?? ""),
          name: String(r.name ?? ""),
          owner: typeof owner === "string" ? owner : "",
          private: r.private === true,
          description: typeof r.description === "string" ? r.description : null,
          default_branch: typeof r.default_branch === "string" ? r.default_branch : "main",
          html_url: typeof r.html_url === "string" ? r.html_url : null,
          language: typeof r.language === "string" ? r.language : null,
          updated_at: typeof r.updated_at === "string" ? r.updated_at : null,
        };
      });
      return {
        items,
        page: args.page,
        per_page: args.perPage,
        next_page: links.next ?? null,
        last_page: links.last ?? (links.next ? null : args.page),
      };
    },

    async getRepo(token: string, fullName: string, signal?: AbortSignal): Promise<{ default_branch: string }> {
      const { owner, repo } = parseRepoFullName(fullName);
      const res = await api(
        token,
        `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
        `repository ${fullName}`,
        signal,
      );
      const body = await readJson<Record<string, unknown>>(res, "the repository");
      return { default_branch: typeof body.default_branch === "string" ? body.default_branch : "main" };
    },

    async getTree(
      token: string,
      fullName: string,
      ref: string,
      signal?: AbortSignal,
    ): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
      const { owner, repo } = parseRepoFullName(fullName);
      const res = await api(
        token,
        `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/git/trees/${encodeURIComponent(ref)}?recursive=1`,
        `tree of ${fullName}`,
        signal,
      );
      const body = await readJson<{ tree?: unknown[]; truncated?: boolean }>(res, "the tree");
      const entries: TreeEntry[] = [];
      for (const raw of Array.isArray(body.tree) ? body.tree : []) {
        const e = raw as Record<string, unknown>;
        if (typeof e.path !== "string" || (e.type !== "blob" && e.type !== "tree" && e.type !== "commit")) continue;
        entries.push({ path: e.path, type: e.type, size: typeof e.size === "number" ? e.size : undefined });
      }
      return { entries, truncated: body.truncated === true };
    },

    /** A file's bytes through the contents API, or null when GitHub sends no inline content. */
    async getContent(
      token: string,
      fullName: string,
      path: string,
      ref: string,
      signal?: AbortSignal,
    ): Promise<Buffer | null> {
      const { owner, repo } = parseRepoFullName(fullName);
      const res = await api(
        token,
        `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`,
        `file ${path}`,
        signal,
      );
      const body = await readJson<Record<string, unknown>>(res, "the file");
      if (body.type !== "file" || body.encoding !== "base64" || typeof body.content !== "string") return null;
      return Buffer.from(body.content, "base64");
    },

    /** Revokes a token at GitHub (DELETE /applications/{client_id}/token); false when GitHub refused. */
    async revokeToken(args: { clientId: string; clientSecret: string; token: string }): Promise<boolean> {
      const basic = Buffer.from(`${args.clientId}:${args.clientSecret}`).toString("base64");
      const res = await send(`${options.apiUrl}/applications/${encodeURIComponent(args.clientId)}/token`, {
        method: "DELETE",
        headers: {
          Accept: "application/vnd.github+json",
          Authorization: `Basic ${basic}`,
          "Content-Type": "application/json",
          "User-Agent": "PromptForge",
        },
        body: JSON.stringify({ access_token: args.token }),
      });
      await res.body?.cancel();
      return res.status === 204;
    },
  };
}

export type GitHubClient = ReturnType<typeof createGitHubClient>;
