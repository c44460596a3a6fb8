// The Projects view's calls to the API (through the one generated client) and the types it uses,
// read from the generated paths so they follow the spec. Writes tell the rest of the app through
// the bus ("projects-changed": the top bar's project picker refetches).
import { api, type paths, unwrap } from "../../api/client";
import { emit } from "../../lib/bus";

type Ok<T> = T extends { responses: { 200: { content: { "application/json": infer J } } } } ? J : never;

export type ProjectSummary = Ok<paths["/api/projects"]["get"]>["items"][number];
export type ProjectDetail = Ok<paths["/api/projects/{id}"]["get"]>;
export type Project = Omit<ProjectDetail, "prompts">;
export type Prompt = ProjectDetail["prompts"][number];
export type PromptVersion = Ok<paths["/api/projects/{id}/prompts/{pid}/versions"]["get"]>["items"][number];
export type Forge = Ok<paths["/api/projects/{id}/prompts/{pid}/forges"]["get"]>["items"][number];
export type ContextProfile = NonNullable<Project["context_profile"]>;

/** The project's `updated_at` as an HTTP-date, for `If-Unmodified-Since` (the server compares seconds). */
export function httpDate(iso: string | undefined): string | undefined {
  const time = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toUTCString();
}

function changed(id?: string): void {
  emit("projects-changed", id ? { id } : {});
}

export async function listProjects(
  query: { includeArchived: boolean; page: number; perPage: number },
  signal?: AbortSignal,
) {
  return unwrap(
    api.GET("/api/projects", {
      params: {
        query: {
          page: query.page,
          per_page: query.perPage,
          ...(query.includeArchived ? { include_archived: "true" as const } : {}),
        },
      },
      signal,
    }),
  );
}

export async function listArchivedCount(signal?: AbortSignal): Promise<number> {
  const page = await unwrap(
    api.GET("/api/projects", { params: { query: { status: "archived", per_page: 1 } }, signal }),
  );
  return page.total;
}

export async function getProject(id: string, signal?: AbortSignal): Promise<ProjectDetail> {
  return unwrap(api.GET("/api/projects/{id}", { params: { path: { id } }, signal }));
}

export async function createProject(input: { name: string; description?: string }): Promise<Project> {
  const project = await unwrap(api.POST("/api/projects", { body: input }));
  changed(project.id);
  return project;
}

export interface ProjectPatch {
  name?: string;
  description?: string | null;
  context_profile?: ContextProfile | null;
}

/** PUT with `If-Unmodified-Since` from `updatedAt`: a 409 `stale` when someone changed it since. */
export async function updateProject(id: string, patch: ProjectPatch, updatedAt?: string): Promise<Project> {
  const since = httpDate(updatedAt);
  const project = await unwrap(
    api.PUT("/api/projects/{id}", {
      params: { path: { id }, header: since ? { "if-unmodified-since": since } : {} },
      body: patch,
    }),
  );
  changed(id);
  return project;
}

export async function setArchived(id: string, archived: boolean): Promise<Project> {
  const params = { params: { path: { id } } };
  const project = await unwrap(
    archived ? api.POST("/api/projects/{id}/archive", params) : api.POST("/api/projects/{id}/unarchive", params),
  );
  changed(id);
  return project;
}

export async function deleteProject(id: string): Promise<void> {
  await unwrap(api.DELETE("/api/projects/{id}", { params: { path: { id } } }));
  changed(id);
}

export async function addPrompt(id: string, input: { title?: string; content: string }): Promise<Prompt> {
  return unwrap(api.POST("/api/projects/{id}/prompts", { params: { path: { id } }, body: input }));
}

export async function updatePrompt(
  id: string,
  pid: string,
  patch: { title?: string | null; content?: string },
): Promise<Prompt> {
  return unwrap(api.PUT("/api/projects/{id}/prompts/{pid}", { params: { path: { id, pid } }, body: patch }));
}

export async function deletePrompt(id: string, pid: string): Promise<void> {
  await unwrap(api.DELETE("/api/projects/{id}/prompts/{pid}", { params: { path: { id, pid } } }));
}

export async function reorderPrompts(id: string, ids: string[]): Promise<Prompt[]> {
  return unwrap(api.PUT("/api/projects/{id}/prompts/reorder", { params: { path: { id } }, body: { ids } }));
}

/** The newest 100 superseded versions of a prompt (the API pages them, newest first). */
export async function promptVersions(id: string, pid: string, signal?: AbortSignal): Promise<PromptVersion[]> {
  const page = await unwrap(
    api.GET("/api/projects/{id}/prompts/{pid}/versions", {
      params: { path: { id, pid }, query: { per_page: 100 } },
      signal,
    }),
  );
  return page.items;
}

export async function promptForges(id: string, pid: string, signal?: AbortSignal) {
  return unwrap(api.GET("/api/projects/{id}/prompts/{pid}/forges", { params: { path: { id, pid } }, signal }));
}

/** A prompt's name in lists: its title, or the start of its text. */
export function promptLabel(prompt: { title: string | null; content: string }): string {
  if (prompt.title?.trim()) return prompt.title.trim();
  const line = prompt.content.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || "Untitled prompt";
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
