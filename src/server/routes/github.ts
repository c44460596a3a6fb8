// GitHub: OAuth app config (secret masked), the authorization-code flow (authorize → GitHub →
// callback, with a single-use `state` bound to this browser by a cookie), the device flow for
// headless installs, status, disconnect (revoking the token) and the repository list.
import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { isHttpsRequest } from "../../security/request-scheme.js";
import { GitHubConfigBodySchema, OAUTH_STATE_TTL_MS, RepoListQuerySchema } from "../../usecases/workspace-github.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, IdParams, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";
import type { SecurityContext } from "../security.js";

/** Binds an OAuth `state` to the browser that asked for it (SameSite=Lax: GitHub's redirect back is cross-site). */
export const OAUTH_BINDING_COOKIE = "pf_github_oauth";
export const CALLBACK_PATH = "/api/github/callback";
/** Where the browser lands after the callback (the web UI's Workspace view, hash-routed). */
export const UI_RETURN_PATH = "/#/workspace";

const tags = ["github"];

const GitHubConfigView = z
  .object({
    configured: z.boolean(),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable().meta({ description: "Masked: only the last 4 characters are shown" }),
    has_client_secret: z.boolean(),
    updated_at: z.string().nullable(),
    callback_url: z.string().meta({ description: "The exact Authorization callback URL to register at GitHub" }),
  })
  .meta({ id: "GitHubConfig" });
const GitHubStatus = z
  .object({
    configured: z.boolean(),
    connected: z.boolean(),
    login: z.string().nullable(),
    name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    scopes: z.array(z.string()),
    flow: z.enum(["oauth", "device"]).nullable(),
    connected_since: z.string().nullable(),
  })
  .meta({ id: "GitHubStatus" });
const DeviceStart = z
  .object({
    id: z.string(),
    user_code: z.string().meta({ description: "The code the user enters at verification_uri" }),
    verification_uri: z.string(),
    expires_at: z.string(),
    interval: z.number().int().meta({ description: "Seconds between polls (GitHub's interval)" }),
  })
  .meta({ id: "GitHubDeviceFlow" });
const DevicePoll = z
  .object({
    status: z.enum(["pending", "authorized", "expired", "denied"]),
    interval: z.number().int().meta({ description: "Seconds to wait before the next poll (grows on slow_down)" }),
    login: z.string().nullable(),
  })
  .meta({ id: "GitHubDevicePoll" });
const GitHubRepo = z
  .object({
    full_name: z.string(),
    name: z.string(),
    owner: z.string(),
    private: z.boolean(),
    description: z.string().nullable(),
    default_branch: z.string(),
    html_url: z.string().nullable(),
    language: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .meta({ id: "GitHubRepo" });
const RepoPage = z
  .object({
    items: z.array(GitHubRepo),
    page: z.number().int(),
    per_page: z.number().int(),
    has_more: z.boolean(),
    total: z.number().int().nullable().meta({ description: "Known for a search; null when listing GitHub's pages" }),
  })
  .meta({ id: "GitHubRepoPage" });
const CallbackQuery = z.object({
  code: z.string().max(200).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(500).optional(),
  error_uri: z.string().max(500).optional(),
});
const Disconnected = z
  .object({ disconnected: z.literal(true), revoked: z.boolean() })
  .meta({ id: "GitHubDisconnected" });
const GITHUB_ERRORS =
  "GitHub refused the token (`github_unauthorized`, 409), its rate limit is exhausted (`github_rate_limited`, 429) or it failed (`github_error`, 502)";

export function registerGitHubRoutes(http: OpenAPIHono, deps: HttpDeps, security: SecurityContext): void {
  const { app } = deps;
  const github = app.github;
  const secure = (c: Context) => isHttpsRequest(c, app.config.trustProxy);

  /** Our public origin: the first PUBLIC_URL, else the origin this request came to. */
  const origin = (c: Context) => {
    const configured = app.config.publicUrls[0];
    if (configured) {
      try {
        return new URL(configured).origin;
      } catch {
        // validated by config; fall through
      }
    }
    return new URL(c.req.url).origin;
  };
  const callbackUrl = (c: Context) => `${origin(c)}${CALLBACK_PATH}`;

  /** A refused (or accepted) callback is a security event: one audit record, no code or state in it. */
  const audit = (c: Context, status: number) => {
    const event = {
      time: new Date().toISOString(),
      method: "GET",
      path: CALLBACK_PATH,
      status,
      client_ip: security.clientIp(c),
      duration_ms: 0,
      request_id: ((c.get as (k: string) => unknown)("requestId") as string | undefined) ?? "",
    };
    for (const sink of security.auditSinks) {
      try {
        const r = sink.write(event);
        if (r instanceof Promise) r.catch((err) => app.logger.error({ err }, "audit sink failed"));
      } catch (err) {
        app.logger.error({ err }, "audit sink failed");
      }
    }
  };

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/github/config",
      operationId: "getGitHubConfig",
      tags,
      summary: "The GitHub OAuth app config (secret masked) and the callback URL to register",
      responses: jsonResponse(GitHubConfigView, "The config"),
    },
    async (c) => c.json({ ...(await github.getConfig()), callback_url: callbackUrl(c) }),
  );

  defineRoute(
    http,
    {
      method: "put",
      path: "/api/github/config",
      operationId: "putGitHubConfig",
      tags,
      summary: "Store the GitHub OAuth app's client id and secret (encrypted at rest)",
      body: { schema: GitHubConfigBodySchema },
      responses: jsonResponse(GitHubConfigView, "The stored config, secret masked"),
    },
    async (c, { body }) => c.json({ ...(await github.putConfig(body)), callback_url: callbackUrl(c) }),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/github/config",
      operationId: "deleteGitHubConfig",
      tags,
      summary: "Forget the GitHub OAuth app config",
      responses: { "204": { description: "Deleted" }, ...errorResponses(404) },
    },
    async (c) => {
      await github.deleteConfig();
      return c.body(null, 204);
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/github/authorize",
      operationId: "authorizeGitHub",
      tags,
      summary: "Start the authorization-code flow: redirects the browser to GitHub",
      description:
        "Sets an HttpOnly cookie binding the single-use `state` (valid 10 minutes) to this browser; the callback refuses a state without it.",
      responses: {
        "302": {
          description: "Redirect to GitHub's authorize page",
          headers: { Location: { schema: { type: "string" } } },
        },
        ...errorResponse409("GitHub is not configured, or the client secret is missing (`not_configured`)"),
      },
    },
    async (c) => {
      const binding = randomBytes(24).toString("base64url");
      const url = await github.authorize({ redirectUri: callbackUrl(c), binding });
      const cookie = [
        `${OAUTH_BINDING_COOKIE}=${binding}`,
        `Path=${CALLBACK_PATH}`,
        "HttpOnly",
        "SameSite=Lax",
        `Max-Age=${OAUTH_STATE_TTL_MS / 1000}`,
      ];
      if (secure(c)) cookie.push("Secure");
      c.header("Set-Cookie", cookie.join("; "));
      return c.redirect(url, 302);
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: CALLBACK_PATH,
      operationId: "gitHubCallback",
      tags,
      summary: "GitHub's redirect back: exchanges the code and returns the browser to the UI",
      description:
        "Always a redirect to the UI: `?github=connected`, or `?github=error&reason=…` (missing_state, invalid_state, state_reused, state_expired, state_session_mismatch, access_denied, missing_code, bad_code, exchange_failed, not_configured). Refusals are audited.",
      query: CallbackQuery,
      responses: {
        "302": {
          description: "Redirect to the web UI with the outcome",
          headers: { Location: { schema: { type: "string" } } },
        },
      },
    },
    async (c, { query }) => {
      const outcome = await github.callback({
        code: query.code,
        state: query.state,
        error: query.error,
        binding: getCookie(c, OAUTH_BINDING_COOKIE),
        redirectUri: callbackUrl(c),
      });
      audit(c, outcome.ok ? 302 : 403);
      // The binding cookie is single use too.
      c.header("Set-Cookie", `${OAUTH_BINDING_COOKIE}=; Path=${CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=0`);
      const target = outcome.ok
        ? `${origin(c)}${UI_RETURN_PATH}?github=connected`
        : `${origin(c)}${UI_RETURN_PATH}?github=error&reason=${encodeURIComponent(outcome.reason)}`;
      return c.redirect(target, 302);
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/github/status",
      operationId: "getGitHubStatus",
      tags,
      summary: "Whether GitHub is configured and connected: user, scopes, connected since",
      responses: jsonResponse(GitHubStatus, "The connection status"),
    },
    async (c) => c.json(await github.status()),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/github/disconnect",
      operationId: "disconnectGitHub",
      tags,
      summary: "Delete the stored token, revoking it at GitHub when the client secret allows",
      responses: { ...jsonResponse(Disconnected, "Disconnected"), ...errorResponses(404) },
    },
    async (c) => c.json(await github.disconnect()),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/github/device",
      operationId: "startGitHubDeviceFlow",
      tags,
      summary: "Start GitHub's device flow: a code the user enters at github.com/login/device",
      responses: {
        ...jsonResponse(DeviceStart, "The device flow", 201),
        ...errorResponse409("GitHub is not configured (`not_configured`)"),
        ...errorResponses(502),
      },
    },
    async (c) => c.json(await github.deviceStart(), 201),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/github/device/{id}/poll",
      operationId: "pollGitHubDeviceFlow",
      tags,
      summary: "Poll a device flow (GitHub is asked at most once per interval; slow_down grows it)",
      params: IdParams,
      responses: { ...jsonResponse(DevicePoll, "The flow's state"), ...errorResponses(404, 502) },
    },
    async (c, { params }) => c.json(await github.devicePoll(params.id)),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/github/repos",
      operationId: "listGitHubRepos",
      tags,
      summary: "The connected user's repositories: GitHub's pages, or a search by name/description",
      query: RepoListQuerySchema,
      responses: {
        ...jsonResponse(RepoPage, "One page of repositories"),
        ...errorResponse409(`GitHub is not connected (\`not_configured\`), or ${GITHUB_ERRORS}`),
        ...errorResponses(429, 502),
      },
    },
    async (c, { query }) => c.json(await github.repos(query)),
  );
}

function errorResponse409(description: string) {
  const [entry] = Object.values(errorResponses(409));
  return { "409": { ...(entry as object), description } } as ReturnType<typeof errorResponses>;
}
