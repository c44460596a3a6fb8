// State of the Workspaces tab (every link's sync status, refreshed while a sync runs, and the
// link/sync/cancel/unlink actions), the project choices, and the Context inspector's project.
import { describeError, isAbort, reportError } from "../../lib/errors";
import { toasts } from "../../lib/toasts.svelte";
import type { ProjectContext, WorkspaceLink } from "./workspace-api";
import * as wsApi from "./workspace-api";
import { linkTarget } from "./workspace-api";

type Problem = { code: string; message: string } | null;

/** How often the status is re-read while a sync is pending or running. */
export const SYNC_POLL_MS = 1000;

export class LinksState {
  #items = $state.raw<WorkspaceLink[]>([]);
  #loaded = $state(false);
  #error = $state<Problem>(null);
  #busy = $state<string | null>(null);
  #linkError = $state<Problem>(null);
  #announcement = $state("");
  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: AbortController | null = null;
  #stopped = false;
  /** Called after a sync of a link finishes (so the inspector can refetch). */
  onSettled: ((link: WorkspaceLink) => void) | undefined;

  get items() {
    return this.#items;
  }
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }
  /** The id of the link an action is running on. */
  get busy() {
    return this.#busy;
  }
  get announcement() {
    return this.#announcement;
  }
  /** Why the last link attempt was refused (shown beside the form that made it). */
  get linkError() {
    return this.#linkError;
  }
  get active(): boolean {
    return this.#items.some((l) => l.sync_status === "syncing" || l.sync_status === "pending");
  }

  async load(): Promise<void> {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const previous = new Map(this.#items.map((l) => [l.id, l.sync_status]));
      const result = await wsApi.workspaceStatus(controller.signal);
      this.#items = result.items;
      this.#error = null;
      this.#loaded = true;
      for (const link of result.items) {
        const before = previous.get(link.id);
        if ((before === "syncing" || before === "pending") && link.sync_status !== before) this.#settled(link);
      }
    } catch (error) {
      if (isAbort(error)) return;
      this.#error = describeError(error);
    }
    if (this.active && !this.#stopped) this.#timer = setTimeout(() => void this.load(), SYNC_POLL_MS);
  }

  #settled(link: WorkspaceLink): void {
    const target = linkTarget(link);
    if (link.sync_status === "error" && link.error === "cancelled") {
      this.#announcement = `Sync of ${target} cancelled; the previous context stays.`;
    } else if (link.sync_status === "error") {
      this.#announcement = `Sync of ${target} failed: ${link.error ?? "unknown error"}`;
      toasts.push({ kind: "error", message: `Sync of ${target} failed: ${link.error ?? "unknown error"}` });
    } else if (link.sync_status === "synced") {
      const pct = link.completeness === null ? "" : ` (${Math.round(link.completeness * 100)}% complete)`;
      this.#announcement = `${target} synced${pct}.`;
      toasts.push({ kind: "success", message: `${target} synced${pct}` });
    }
    this.onSettled?.(link);
  }

  async #act(id: string, what: string, action: () => Promise<unknown>): Promise<boolean> {
    this.#busy = id;
    try {
      await action();
      return true;
    } catch (error) {
      reportError(error, what);
      return false;
    } finally {
      this.#busy = null;
      await this.load();
    }
  }

  async link(body: { project_id: string; repo_full_name: string } | { project_id: string; local_path: string }) {
    this.#busy = "new";
    this.#linkError = null;
    try {
      const created = await wsApi.link(body);
      this.#announcement = `Linked ${linkTarget(created)}; the first sync has started.`;
      toasts.push({
        kind: "success",
        message: `Linked ${linkTarget(created)} to ${created.project_name ?? "the project"}`,
      });
      return created;
    } catch (error) {
      if (!isAbort(error)) this.#linkError = describeError(error);
      return null;
    } finally {
      this.#busy = null;
      await this.load();
    }
  }

  sync(link: WorkspaceLink) {
    return this.#act(link.id, `Could not sync ${linkTarget(link)}`, async () => {
      await wsApi.sync(link.id);
      this.#announcement = `Sync of ${linkTarget(link)} started.`;
    });
  }

  cancel(link: WorkspaceLink) {
    return this.#act(link.id, `Could not cancel the sync of ${linkTarget(link)}`, async () => {
      await wsApi.cancelSync(link.id);
      this.#announcement = `Sync of ${linkTarget(link)} cancelled; the previous context stays.`;
    });
  }

  unlink(link: WorkspaceLink) {
    return this.#act(link.id, `Could not unlink ${linkTarget(link)}`, async () => {
      await wsApi.unlink(link.id);
      this.#announcement = `Unlinked ${linkTarget(link)}.`;
      toasts.push({ kind: "info", message: `Unlinked ${linkTarget(link)}` });
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#controller?.abort();
  }
}

export interface ProjectChoice {
  id: string;
  name: string;
}

export class ProjectChoices {
  #items = $state.raw<ProjectChoice[]>([]);
  #loaded = $state(false);
  #error = $state<Problem>(null);
  #controller = new AbortController();

  get items() {
    return this.#items;
  }
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }

  async load(): Promise<void> {
    try {
      const page = await wsApi.listProjects(this.#controller.signal);
      this.#items = page.items.map((p) => ({ id: p.id, name: p.name }));
      this.#error = null;
      this.#loaded = true;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    }
  }

  stop(): void {
    this.#controller.abort();
  }
}

export class ContextState {
  #context = $state.raw<ProjectContext | null>(null);
  #loading = $state(false);
  #error = $state<Problem>(null);
  #controller: AbortController | null = null;

  get context() {
    return this.#context;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }

  async load(projectId: string | undefined): Promise<void> {
    this.#controller?.abort();
    if (!projectId) {
      this.#context = null;
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      this.#context = await wsApi.projectContext(projectId, controller.signal);
      this.#error = null;
    } catch (error) {
      if (!isAbort(error)) {
        this.#context = null;
        this.#error = describeError(error);
      }
    } finally {
      if (this.#controller === controller) this.#loading = false;
    }
  }

  stop(): void {
    this.#controller?.abort();
  }
}
