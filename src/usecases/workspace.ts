// Use cases: workspace links. Link a GitHub repository or a local folder (inside WORKSPACE_ROOTS)
// to a project, sync it in the background (deterministic extraction, progress events on the bus,
// cancellable, a failure keeps the previous context), report status with staleness (24 h) and
// completeness, accept context pushed by an IDE (MCP sync_workspace), and resolve a project's
// codebase context through the three layers.

import type { Logger } from "pino";
import { z } from "zod";
import type { WorkspaceConfig } from "../config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { CodebaseContext } from "../core/pipeline/schemas.js";
import type { EventBus } from "../events/bus.js";
import type { Store } from "../store/index.js";
import { SYNC_LEASE_MS, type WorkspaceLink, type WorkspaceRepository } from "../store/workspaces.js";
import { type ExtractedContext, extractContext, type RepoSource } from "../workspace/extract/index.js";
import { type GitHubClient, parseRepoFullName } from "../workspace/github-client.js";
import { createGitHubSource } from "../workspace/github-source.js";
import { createLocalSource, resolveLocalFolder } from "../workspace/local-source.js";
import { parseInput } from "./validate.js";
import {
  CONTEXT_FIELDS,
  type ContextLayer,
  fitField,
  mergeContextLayers,
  type ResolvedContext,
  workspaceLayer,
} from "./workspace-context.js";
import type { GitHubService } from "./workspace-github.js";

export const STALE_AFTER_MS = 24 * 60 * 60_000;

export const WorkspaceLinkBodySchema = z
  .object({
    project_id: z.string().trim().min(1).max(100),
    repo_full_name: z.string().trim().min(1).max(200).optional().describe('GitHub repository, "owner/repo"'),
    local_path: z.string().min(1).max(4096).optional().describe("A folder inside one of WORKSPACE_ROOTS"),
  })
  .refine((v) => (v.repo_full_name === undefined) !== (v.local_path === undefined), {
    message: "give exactly one of repo_full_name or local_path",
  });

export type SyncStatus = "pending" | "syncing" | "synced" | "stale" | "error";

export interface WorkspaceView {
  id: string;
  project_id: string;
  project_name: string | null;
  kind: "github" | "local";
  repo_full_name: string | null;
  local_path: string | null;
  origin: "sync" | "mcp";
  sync_status: SyncStatus;
  last_synced_at: string | null;
  error: string | null;
  completeness: number | null;
  file_count: number;
  /** Live progress of a sync running in this process. */
  progress: { done: number; total: number } | null;
}

export type WorkspaceEvent = {
  type: "workspace_sync";
  link_id: string;
  project_id: string;
  status: "started" | "progress" | "completed" | "failed" | "cancelled";
  done?: number;
  total?: number;
  completeness?: number;
  error?: string;
};

export interface WorkspaceServiceDeps {
  store: Store;
  links: WorkspaceRepository;
  github: GitHubService;
  client: GitHubClient;
  config: WorkspaceConfig;
  bus: EventBus<WorkspaceEvent>;
  logger: Logger;
  clock?: () => Date;
}

/** What an IDE pushes: each field a plain value or the extraction shape `{ value, source }`. */
const pushedField = <T extends z.ZodType>(value: T) =>
  z.union([value, z.object({ value, source: z.string().trim().max(500) })]).optional();
export const PushedContextSchema = z.object({
  language: pushedField(z.string().max(200)),
  framework: pushedField(z.string().max(200)),
  description: pushedField(z.string().max(4000)),
  conventions: pushedField(z.array(z.string().max(1000)).max(50)),
  patterns: pushedField(z.array(z.string().max(1000)).max(50)),
  code_snippets: pushedField(z.array(z.string().max(8000)).max(20)),
  documentation: pushedField(z.string().max(20000)),
  test_framework: pushedField(z.string().max(200)),
  test_patterns: pushedField(z.array(z.string().max(1000)).max(50)),
  tree: z.array(z.string().max(1000)).max(500).optional(),
});
export type PushedContext = z.infer<typeof PushedContextSchema>;

/** Share of the nine fields that carry something, 0–1 (for pushed context, which has no weights). */
function plainCompleteness(ctx: Record<string, unknown>): number {
  const filled = CONTEXT_FIELDS.filter((f) => ctx[f] !== undefined).length;
  return Math.round((filled / CONTEXT_FIELDS.length) * 100) / 100;
}

function extractedFields(extracted: ExtractedContext): WorkspaceLink["context"] {
  const out: NonNullable<WorkspaceLink["context"]> = {};
  for (const field of CONTEXT_FIELDS) {
    const entry = extracted[field];
    if (!entry) continue;
    const value = fitField(field, entry.value);
    if (value === undefined) continue;
    out[field] = { value, source: String(entry.source ?? "").slice(0, 500) };
    // Lists keep each entry's file; fitField drops blank entries, so only aligned lists are kept.
    const perItem = (entry as { sources?: unknown }).sources;
    if (
      Array.isArray(value) &&
      Array.isArray(perItem) &&
      Array.isArray(entry.value) &&
      perItem.length === entry.value.length
    )
      out[field].sources = perItem.slice(0, value.length).map((s) => String(s).slice(0, 500));
  }
  return out;
}

type StoredContext = NonNullable<WorkspaceLink["context"]>;

function mergePushed(before: StoredContext, pushed: StoredContext): StoredContext {
  const out: StoredContext = { ...before };
  for (const [field, entry] of Object.entries(pushed)) {
    const old = before[field];
    if (!old || !Array.isArray(old.value) || !Array.isArray(entry.value)) {
      out[field] = entry;
      continue;
    }
    const added = new Set(entry.value as string[]);
    let list = [...(old.value as string[]).filter((v) => !added.has(v)), ...(entry.value as string[])];
    while (list.length > 0 && (fitField(field, list)?.length ?? 0) < list.length) list = list.slice(1);
    const source = old.source === entry.source ? entry.source : `${old.source}; ${entry.source}`.slice(0, 500);
    out[field] = { value: list, source };
  }
  return out;
}

function safeMessage(error: unknown): string {
  if (isAppError(error)) return error.message;
  if (error instanceof Error && error.name === "AbortError") return "cancelled";
  return "the sync failed in an internal step; details are in the server log";
}

export function createWorkspaceService(deps: WorkspaceServiceDeps) {
  const now = () => (deps.clock ?? (() => new Date()))();
  const running = new Map<string, { controller: AbortController; done: number; total: number }>();

  async function projectOf(id: string) {
    const project = await deps.store.projects.get(id);
    if (!project || project.status === "deleted")
      throw new AppError("not_found", `Project ${id.slice(0, 100)} does not exist.`);
    return project;
  }

  async function view(link: WorkspaceLink, names?: Map<string, string>): Promise<WorkspaceView> {
    let status: SyncStatus = link.sync_status;
    if (
      status === "synced" &&
      link.last_synced_at &&
      now().getTime() - Date.parse(link.last_synced_at) > STALE_AFTER_MS
    )
      status = "stale";
    const live = running.get(link.id);
    const name = names
      ? (names.get(link.project_id) ?? null)
      : ((await deps.store.projects.get(link.project_id))?.name ?? null);
    return {
      id: link.id,
      project_id: link.project_id,
      project_name: name,
      kind: link.kind,
      repo_full_name: link.repo_full_name,
      local_path: link.local_path,
      origin: link.origin,
      sync_status: status,
      last_synced_at: link.last_synced_at,
      error: link.error,
      completeness: link.completeness,
      file_count: link.tree?.length ?? 0,
      progress: live ? { done: live.done, total: live.total } : null,
    };
  }

  async function getLink(id: string): Promise<WorkspaceLink> {
    const link = await deps.links.get(id);
    if (!link) throw new AppError("not_found", `Workspace link ${id.slice(0, 100)} does not exist.`);
    return link;
  }

  async function sourceFor(link: WorkspaceLink, signal: AbortSignal): Promise<RepoSource> {
    const limits = { maxFiles: deps.config.maxFiles, maxFileBytes: deps.config.maxFileBytes, signal };
    if (link.kind === "github") {
      const token = await deps.github.token();
      return createGitHubSource({ client: deps.client, token, fullName: link.repo_full_name as string, ...limits });
    }
    if (!link.local_path) {
      throw new AppError(
        "conflict",
        "This workspace was pushed by an IDE (sync_workspace) and has no folder to scan; push it again.",
      );
    }
    // Resolved again at every sync: the folder may have been replaced by a symlink out of the roots.
    const folder = await resolveLocalFolder(link.local_path, deps.config.roots);
    return createLocalSource(folder, limits);
  }

  async function runSync(link: WorkspaceLink): Promise<void> {
    const controller = new AbortController();
    const entry = { controller, done: 0, total: 0 };
    running.set(link.id, entry);
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(SYNC_LEASE_MS - 30_000)]);
    const base = { type: "workspace_sync" as const, link_id: link.id, project_id: link.project_id };
    await deps.bus.publish({ ...base, status: "started" });
    try {
      const source = await sourceFor(link, signal);
      const extracted = await extractContext(source, {
        signal,
        onProgress: (done, total) => {
          entry.done = done;
          entry.total = total;
          void deps.bus.publish({ ...base, status: "progress", done, total });
        },
      });
      signal.throwIfAborted();
      const fields = extractedFields(extracted);
      await deps.links.completeSync(link.id, {
        context: fields,
        tree: extracted.tree,
        completeness: extracted.completeness,
      });
      await deps.bus.publish({ ...base, status: "completed", completeness: extracted.completeness });
    } catch (error) {
      const cancelled = controller.signal.aborted;
      const message = cancelled
        ? "cancelled"
        : signal.aborted
          ? "the sync took too long and was stopped"
          : safeMessage(error);
      if (!cancelled && !isAppError(error)) deps.logger.error({ err: error, link: link.id }, "workspace sync failed");
      if (isAppError(error) && error.code === "github_unauthorized") {
        // The token is gone at GitHub: forget it so the UI offers to connect again.
        await deps.github.dropConnection().catch(() => undefined);
      }
      await deps.links.failSync(link.id, message).catch(() => undefined);
      await deps.bus.publish({ ...base, status: cancelled ? "cancelled" : "failed", error: message });
    } finally {
      running.delete(link.id);
    }
  }

  /** Starts a background sync; refuses (409) when one is already running for the link. */
  async function startSync(id: string): Promise<WorkspaceView> {
    const link = await getLink(id);
    if (link.kind === "local" && !link.local_path) {
      throw new AppError(
        "conflict",
        "This workspace was pushed by an IDE (sync_workspace) and has no folder to scan; push it again.",
      );
    }
    if (running.has(id) || !(await deps.links.beginSync(id))) {
      throw new AppError("conflict", "A sync of this workspace is already running.");
    }
    const started = (await deps.links.get(id)) as WorkspaceLink;
    void runSync(started);
    return view(started);
  }

  return {
    async link(raw: unknown): Promise<WorkspaceView> {
      const body = parseInput(WorkspaceLinkBodySchema, raw);
      const project = await projectOf(body.project_id);
      if (project.status === "archived")
        throw new AppError("project_archived", `Project "${project.name}" is archived and read-only.`);
      let target: { repo_full_name?: string; local_path?: string };
      if (body.repo_full_name !== undefined) {
        const { owner, repo } = parseRepoFullName(body.repo_full_name);
        const fullName = `${owner}/${repo}`;
        // Checked now, so a typo or a repository the token cannot see is refused at link time.
        await deps.github.withToken((t) => deps.client.getRepo(t, fullName));
        target = { repo_full_name: fullName };
      } else {
        target = { local_path: await resolveLocalFolder(body.local_path as string, deps.config.roots) };
      }
      if (await deps.links.findTarget(project.id, target)) {
        throw new AppError("conflict", "This project is already linked to that workspace.");
      }
      const link = await deps.links.create({
        project_id: project.id,
        kind: target.repo_full_name ? "github" : "local",
        ...target,
      });
      return startSync(link.id);
    },

    async unlink(id: string): Promise<void> {
      await getLink(id);
      running.get(id)?.controller.abort();
      await deps.links.delete(id);
    },

    sync: startSync,

    /** Stops a running sync; the previous context stays. */
    async cancel(id: string): Promise<WorkspaceView> {
      const link = await getLink(id);
      const live = running.get(id);
      if (!live) throw new AppError("not_running", "No sync of this workspace is running in this server.");
      live.controller.abort();
      for (let i = 0; i < 100 && running.has(id); i++) await new Promise((r) => setTimeout(r, 10));
      return view((await deps.links.get(id)) ?? link);
    },

    async status(filter: { project_id?: string } = {}): Promise<WorkspaceView[]> {
      const links = filter.project_id ? await deps.links.listByProject(filter.project_id) : await deps.links.list();
      const names = new Map<string, string>();
      for (const id of new Set(links.map((l) => l.project_id))) {
        const p = await deps.store.projects.get(id);
        if (p) names.set(id, p.name);
      }
      return Promise.all(links.map((l) => view(l, names)));
    },

    async get(id: string) {
      const link = await getLink(id);
      return { ...(await view(link)), context: link.context ?? {}, tree: link.tree ?? [] };
    },

    /** Resolves a project's codebase context through the three layers, with each field's source. */
    async resolve(
      projectId: string | null,
      projectProfile: CodebaseContext | null | undefined,
      request: CodebaseContext | null | undefined,
    ): Promise<ResolvedContext> {
      const layers: ContextLayer[] = [];
      if (projectId) {
        const ws = workspaceLayer(await deps.links.listByProject(projectId));
        if (ws) layers.push(ws);
      }
      if (projectProfile) layers.push({ layer: "project", context: projectProfile });
      if (request) layers.push({ layer: "request", context: request });
      return mergeContextLayers(layers);
    },

    /** The context inspector: a project's resolved context, sources, and its links. */
    async projectContext(projectId: string) {
      const project = await projectOf(projectId);
      const resolved = await this.resolve(project.id, project.context_profile, null);
      const links = await this.status({ project_id: project.id });
      const synced = links.filter((l) => l.completeness !== null);
      return {
        project_id: project.id,
        project_name: project.name,
        context: resolved.context ?? {},
        sources: resolved.sources ?? {},
        completeness: synced.length > 0 ? Math.max(...synced.map((l) => l.completeness as number)) : 0,
        workspaces: links,
      };
    },

    /**
     * Stores context an IDE pushed (MCP sync_workspace) as the project's workspace link of origin
     * "mcp": the same shape and merge layer as a server-side sync.
     */
    async push(
      projectId: string,
      raw: unknown,
      options: { replace?: boolean; label?: string } = {},
    ): Promise<WorkspaceView & { fields: string[]; context: NonNullable<WorkspaceLink["context"]> }> {
      const label = options.label ?? "pushed by IDE";
      const pushed = parseInput(PushedContextSchema, raw);
      const project = await projectOf(projectId);
      if (project.status === "archived")
        throw new AppError("project_archived", `Project "${project.name}" is archived and read-only.`);
      const context: NonNullable<WorkspaceLink["context"]> = {};
      for (const field of CONTEXT_FIELDS) {
        const entry = pushed[field];
        if (entry === undefined) continue;
        const isWrapped = typeof entry === "object" && !Array.isArray(entry);
        const value = fitField(field, isWrapped ? (entry as { value: unknown }).value : entry);
        if (value === undefined) continue;
        context[field] = { value, source: isWrapped ? (entry as { source: string }).source || label : label };
      }
      let link = (await deps.links.listByProject(project.id)).find((l) => l.origin === "mcp" && l.kind === "local");
      if (!link) link = await deps.links.create({ project_id: project.id, kind: "local", origin: "mcp" });
      // Merged into what the IDE pushed before, unless it asks to replace it: a string field replaces
      // the stored one, a list field is appended to (duplicates skipped; at its cap the oldest go).
      const stored = options.replace ? context : mergePushed(link.context ?? {}, context);
      const completeness = plainCompleteness(stored);
      await deps.links.completeSync(
        link.id,
        { context: stored, tree: pushed.tree ?? link.tree ?? [], completeness },
        "mcp",
      );
      await deps.bus.publish({
        type: "workspace_sync",
        link_id: link.id,
        project_id: project.id,
        status: "completed",
        completeness,
      });
      return {
        ...(await view((await deps.links.get(link.id)) as WorkspaceLink)),
        fields: Object.keys(context),
        context: stored,
      };
    },

    /** Stops every running sync (shutdown); their links end "error: cancelled" with the old context. */
    async close(): Promise<void> {
      for (const live of running.values()) live.controller.abort();
      for (let i = 0; i < 100 && running.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    },

    /** For tests and the bench: resolves when no sync is running in this process. */
    async idle(timeoutMs = 10_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
