// Forge's editor tabs: each holds a draft prompt with its options and links. Saved to local storage
// (debounced by the view), so drafts and open tabs survive a reload or a sign-in.
import { emptyForm, fromForm, type ProfileForm } from "../../lib/codebase-context";
import { load, save } from "../../lib/storage";

/** The nine context fields as Forge's options show them (multi-line ones get a text area). */
export const CONTEXT_FIELDS = [
  { key: "language", label: "Language", multiline: false },
  { key: "framework", label: "Framework", multiline: false },
  { key: "description", label: "Description", multiline: true },
  { key: "conventions", label: "Conventions (one per line)", multiline: true },
  { key: "patterns", label: "Patterns (one per line)", multiline: true },
  { key: "code_snippets", label: "Code snippets (separate with a line holding ---)", multiline: true },
  { key: "documentation", label: "Documentation", multiline: true },
  { key: "test_framework", label: "Test framework", multiline: false },
  { key: "test_patterns", label: "Test patterns (one per line)", multiline: true },
] as const satisfies readonly { key: keyof ProfileForm; label: string; multiline: boolean }[];

export interface ForgeOptions {
  strategy: string;
  secondary: string[];
  provider: string;
  model: string;
  title: string;
  projectId: string;
  newProject: string;
  tags: string;
  context: ProfileForm;
  maxIterations: number;
  scoreThreshold: string;
}

export interface ForgeTab {
  id: string;
  prompt: string;
  options: ForgeOptions;
  promptId: string | null;
  fromId: string | null;
  lastRecordId: string | null;
}

export function defaultOptions(projectId: string | null = null): ForgeOptions {
  return {
    strategy: "",
    secondary: [],
    provider: "",
    model: "",
    title: "",
    projectId: projectId ?? "",
    newProject: "",
    tags: "",
    context: emptyForm(),
    maxIterations: 1,
    scoreThreshold: "",
  };
}

function newId(): string {
  return Math.random().toString(36).slice(2, 10);
}

interface Saved {
  tabs: ForgeTab[];
  active: string;
}

export class ForgeTabs {
  tabs = $state<ForgeTab[]>([]);
  activeId = $state("");

  constructor(projectId: string | null) {
    const saved = load<Saved | null>("forge-tabs", null);
    if (saved && Array.isArray(saved.tabs) && saved.tabs.length > 0) {
      this.tabs = saved.tabs.map((t) => ({ ...t, options: { ...defaultOptions(), ...t.options } }));
      this.activeId = this.tabs.some((t) => t.id === saved.active) ? saved.active : this.tabs[0]!.id;
    } else {
      const tab = this.blank(projectId);
      this.tabs = [tab];
      this.activeId = tab.id;
    }
  }

  get active(): ForgeTab {
    return this.tabs.find((t) => t.id === this.activeId) ?? this.tabs[0]!;
  }

  /** A short label: the title, else the first words of the prompt. */
  label(tab: ForgeTab): string {
    const text = tab.options.title.trim() || tab.prompt.trim().split(/\s+/).slice(0, 4).join(" ");
    return text ? (text.length > 28 ? `${text.slice(0, 27)}…` : text) : "Untitled";
  }

  open(
    partial: Partial<Omit<ForgeTab, "options">> & { options?: Partial<ForgeOptions> },
    projectId: string | null,
  ): ForgeTab {
    const base = this.blank(projectId);
    const tab: ForgeTab = { ...base, ...partial, options: { ...base.options, ...partial.options } };
    // An untouched empty tab is replaced rather than kept beside the new one.
    const current = this.active;
    if (current && !current.prompt.trim() && this.tabs.length === 1) this.tabs = [tab];
    else this.tabs = [...this.tabs, tab];
    this.activeId = tab.id;
    return tab;
  }

  close(id: string, projectId: string | null): void {
    const index = this.tabs.findIndex((t) => t.id === id);
    if (index < 0) return;
    const rest = this.tabs.filter((t) => t.id !== id);
    this.tabs = rest.length > 0 ? rest : [this.blank(projectId)];
    if (this.activeId === id) this.activeId = this.tabs[Math.max(0, index - 1)]!.id;
  }

  persist(): void {
    save("forge-tabs", { tabs: $state.snapshot(this.tabs), active: this.activeId } satisfies Saved);
  }

  private blank(projectId: string | null): ForgeTab {
    return {
      id: newId(),
      prompt: "",
      options: defaultOptions(projectId),
      promptId: null,
      fromId: null,
      lastRecordId: null,
    };
  }
}

/** The POST /api/optimize body for a tab. */
export function requestBody(tab: ForgeTab): Record<string, unknown> {
  const o = tab.options;
  const body: Record<string, unknown> = { prompt: tab.prompt };
  if (o.strategy) body.strategy = o.strategy;
  const secondary = o.secondary.filter((s) => s && s !== o.strategy).slice(0, 2);
  if (secondary.length > 0) body.secondary_frameworks = secondary;
  if (o.provider) body.provider = o.provider;
  if (o.model.trim()) body.model = o.model.trim();
  if (o.title.trim()) body.title = o.title.trim();
  if (o.newProject.trim()) body.project = o.newProject.trim();
  else if (o.projectId) body.project_id = o.projectId;
  if (tab.promptId) body.prompt_id = tab.promptId;
  const tags = o.tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length > 0) body.tags = tags;
  const context = fromForm({ ...emptyForm(), ...o.context });
  if (context) body.codebase_context = context;
  if (o.maxIterations > 1) body.max_iterations = o.maxIterations;
  const threshold = Number(o.scoreThreshold);
  if (o.scoreThreshold.trim() && Number.isFinite(threshold)) body.score_threshold = threshold;
  return body;
}
