// State of the Projects view: the list page and one project's page. Private runes, methods as
// the only writers; each page creates its own instance.
import { describeError, isAbort, reportError } from "../../lib/errors";
import type { Forge, Project, ProjectDetail, ProjectSummary, Prompt, PromptVersion } from "./projects-api";
import * as projectsApi from "./projects-api";
import { promptLabel } from "./projects-api";

type Problem = { code: string; message: string } | null;

export const PER_PAGE = 50;

export class ProjectListState {
  #items = $state.raw<ProjectSummary[]>([]);
  #total = $state(0);
  #archived = $state(0);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state<Problem>(null);
  #controller: AbortController | null = null;

  get items() {
    return this.#items;
  }
  get total() {
    return this.#total;
  }
  get loaded() {
    return this.#loaded;
  }
  /** How many archived projects the active-only list hides (counted when that list is empty). */
  get hiddenArchived() {
    return this.#archived;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }

  async load(query: { includeArchived: boolean; page: number }): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      const page = await projectsApi.listProjects({ ...query, perPage: PER_PAGE }, controller.signal);
      this.#archived =
        !query.includeArchived && page.total === 0 ? await projectsApi.listArchivedCount(controller.signal) : 0;
      this.#items = page.items;
      this.#total = page.total;
      this.#error = null;
      this.#loaded = true;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    } finally {
      if (this.#controller === controller) this.#loading = false;
    }
  }

  stop(): void {
    this.#controller?.abort();
  }
}

export class ProjectDetailState {
  readonly id: string;
  #project = $state.raw<Project | null>(null);
  #prompts = $state.raw<Prompt[]>([]);
  #error = $state<Problem>(null);
  #loading = $state(true);
  #announcement = $state("");
  #orderSaving = $state(false);
  #orderQueue: Promise<void> = Promise.resolve();
  #controller = new AbortController();

  constructor(id: string) {
    this.id = id;
  }

  get project() {
    return this.#project;
  }
  get prompts() {
    return this.#prompts;
  }
  get error() {
    return this.#error;
  }
  get loading() {
    return this.#loading;
  }
  /** The text of the polite live region (moves, saves). */
  get announcement() {
    return this.#announcement;
  }
  get orderSaving() {
    return this.#orderSaving;
  }
  get readOnly() {
    return this.#project?.status !== "active";
  }

  announce(text: string): void {
    // The same text twice must still be read: clear first, then set on the next frame.
    this.#announcement = "";
    requestAnimationFrame(() => {
      this.#announcement = text;
    });
  }

  async load(): Promise<void> {
    this.#loading = true;
    try {
      const detail: ProjectDetail = await projectsApi.getProject(this.id, this.#controller.signal);
      const { prompts, ...project } = detail;
      this.#project = project;
      this.#prompts = prompts;
      this.#error = null;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    } finally {
      this.#loading = false;
    }
  }

  stop(): void {
    this.#controller.abort();
  }

  /** After a rename, archive or context save elsewhere on the page. */
  setProject(project: Project): void {
    this.#project = project;
  }

  /** Moves a prompt to `to` (0-based), shows it at once and saves the order (saves run in turn). */
  move(promptId: string, to: number): boolean {
    const from = this.#prompts.findIndex((p) => p.id === promptId);
    if (from < 0 || to < 0 || to >= this.#prompts.length || to === from || this.readOnly) return false;
    const next = [...this.#prompts];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    this.#prompts = next.map((p, position) => ({ ...p, position }));
    this.announce(`“${promptLabel(moved!)}” moved to position ${to + 1} of ${next.length}.`);
    const ids = next.map((p) => p.id);
    this.#orderSaving = true;
    this.#orderQueue = this.#orderQueue.then(async () => {
      try {
        await projectsApi.reorderPrompts(this.id, ids);
      } catch (error) {
        reportError(error, "Could not save the new order");
        await this.load();
      } finally {
        if (this.#prompts.map((p) => p.id).join() === ids.join()) this.#orderSaving = false;
      }
    });
    return true;
  }

  async addPrompt(input: { title?: string; content: string }): Promise<Prompt> {
    const prompt = await projectsApi.addPrompt(this.id, input);
    this.#prompts = [...this.#prompts, prompt];
    this.announce(`Added “${promptLabel(prompt)}” at position ${this.#prompts.length}.`);
    return prompt;
  }

  async updatePrompt(promptId: string, patch: { title?: string | null; content?: string }): Promise<Prompt> {
    const prompt = await projectsApi.updatePrompt(this.id, promptId, patch);
    this.#prompts = this.#prompts.map((p) => (p.id === prompt.id ? prompt : p));
    return prompt;
  }

  async deletePrompt(promptId: string): Promise<void> {
    await projectsApi.deletePrompt(this.id, promptId);
    this.#prompts = this.#prompts.filter((p) => p.id !== promptId);
  }
}

/** Versions and linked forges of one prompt; reloads when the prompt's version changes. */
export class PromptLinksState {
  #versions = $state.raw<PromptVersion[]>([]);
  #forges = $state.raw<Forge[]>([]);
  #forgeTotal = $state(0);
  #loading = $state(false);
  #error = $state<Problem>(null);
  #controller: AbortController | null = null;

  get versions() {
    return this.#versions;
  }
  get forges() {
    return this.#forges;
  }
  get forgeTotal() {
    return this.#forgeTotal;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }

  async load(projectId: string, promptId: string): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      const [versions, forges] = await Promise.all([
        projectsApi.promptVersions(projectId, promptId, controller.signal),
        projectsApi.promptForges(projectId, promptId, controller.signal),
      ]);
      this.#versions = versions;
      this.#forges = forges.items;
      this.#forgeTotal = forges.total;
      this.#error = null;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    } finally {
      if (this.#controller === controller) this.#loading = false;
    }
  }

  stop(): void {
    this.#controller?.abort();
  }
}
