// The Workspace view's calls to the API (through the one generated client) and the types it uses,
// read from the generated schema so they follow the spec.
import { api, type Schemas, unwrap } from "../../api/client";
import { emit } from "../../lib/bus";

export type GitHubConfig = Schemas["GitHubConfig"];
export type GitHubStatus = Schemas["GitHubStatus"];
export type DeviceFlow = Schemas["GitHubDeviceFlow"];
export type DevicePoll = Schemas["GitHubDevicePoll"];
export type GitHubRepo = Schemas["GitHubRepo"];
export type RepoPage = Schemas["GitHubRepoPage"];
export type WorkspaceLink = Schemas["WorkspaceLink"];
export type WorkspaceDetail = Schemas["WorkspaceLinkDetail"];
export type ProjectContext = Schemas["ProjectCodebaseContext"];

export const getConfig = (signal?: AbortSignal) => unwrap(api.GET("/api/github/config", { signal }));

export const putConfig = (body: { client_id: string; client_secret?: string }) =>
  unwrap(api.PUT("/api/github/config", { body }));

export async function deleteConfig(): Promise<void> {
  await unwrap(api.DELETE("/api/github/config", {}));
}

export const getStatus = (signal?: AbortSignal) => unwrap(api.GET("/api/github/status", { signal }));

export const disconnect = () => unwrap(api.DELETE("/api/github/disconnect", {}));

export const startDevice = () => unwrap(api.POST("/api/github/device", {}));

export const pollDevice = (id: string, signal?: AbortSignal) =>
  unwrap(api.POST("/api/github/device/{id}/poll", { params: { path: { id } }, signal }));

export const listRepos = (query: { page: number; per_page: number; search?: string }, signal?: AbortSignal) =>
  unwrap(api.GET("/api/github/repos", { params: { query }, signal }));

/** Where the OAuth flow starts: a plain browser navigation (the server redirects to GitHub). */
export const AUTHORIZE_URL = "/api/github/authorize";

export const workspaceStatus = (signal?: AbortSignal) =>
  unwrap(api.GET("/api/workspace/status", { params: { query: {} }, signal }));

export const workspaceDetail = (id: string, signal?: AbortSignal) =>
  unwrap(api.GET("/api/workspace/{id}", { params: { path: { id } }, signal }));

export const projectContext = (projectId: string, signal?: AbortSignal) =>
  unwrap(api.GET("/api/workspace/context", { params: { query: { project_id: projectId } }, signal }));

export async function link(
  body: { project_id: string; repo_full_name: string } | { project_id: string; local_path: string },
) {
  const created = await unwrap(api.POST("/api/workspace/link", { body }));
  emit("projects-changed", { id: body.project_id });
  return created;
}

export async function unlink(id: string): Promise<void> {
  await unwrap(api.DELETE("/api/workspace/{id}", { params: { path: { id } } }));
}

export const sync = (id: string) => unwrap(api.POST("/api/workspace/{id}/sync", { params: { path: { id } } }));

export const cancelSync = (id: string) => unwrap(api.POST("/api/workspace/{id}/cancel", { params: { path: { id } } }));

export const listProjects = (signal?: AbortSignal) =>
  unwrap(api.GET("/api/projects", { params: { query: { per_page: 100 } }, signal }));

/** What the callback's `reason` means, and what to do next. */
export const CALLBACK_REASONS: Record<string, string> = {
  missing_state: "GitHub came back without the state parameter. Start again with Connect.",
  invalid_state: "The sign-in link was not issued by this server. Start again with Connect.",
  state_reused: "That sign-in link was already used. Start again with Connect.",
  state_expired: "The sign-in took longer than 10 minutes. Start again with Connect.",
  state_session_mismatch: "The sign-in was started in another browser. Start again with Connect here.",
  access_denied: "The request was declined at GitHub.",
  missing_code: "GitHub came back without an authorization code. Start again with Connect.",
  bad_code: "GitHub refused the authorization code (expired or already used). Start again with Connect.",
  exchange_failed: "GitHub could not be reached to finish the sign-in. Try again in a moment.",
  not_configured: "GitHub is not configured here: save the OAuth app's client id and secret first.",
};

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "owner/repo" or the folder, for lists. */
export function linkTarget(link: Pick<WorkspaceLink, "kind" | "repo_full_name" | "local_path" | "origin">): string {
  if (link.kind === "github") return link.repo_full_name ?? "(repository)";
  return link.local_path ?? (link.origin === "mcp" ? "(pushed by an IDE)" : "(folder)");
}
