// The views of the workbench: rail order, routes and lazy loaders (only Forge is in the first load).
import type { Component } from "svelte";
// Forge is the home: part of the first load, so it is interactive without a second round trip.
import ForgeView from "../views/forge/ForgeView.svelte";

const forgeModule = Promise.resolve({ default: ForgeView as Component });

export interface ViewDef {
  id: string;
  label: string;
  path: string;
  /** Alt+<key> jumps to the view. */
  key: string;
  description: string;
  load: () => Promise<{ default: Component }>;
}

export const VIEWS: ViewDef[] = [
  {
    id: "forge",
    label: "Forge",
    path: "/",
    key: "1",
    description: "Write a prompt, see it linted live, forge it",
    load: () => forgeModule,
  },
  {
    id: "history",
    label: "History",
    path: "/history",
    key: "2",
    description: "Search, filter, export and import stored optimizations",
    load: () => import("../views/history/HistoryView.svelte"),
  },
  {
    id: "projects",
    label: "Projects",
    path: "/projects",
    key: "3",
    description: "Projects, versioned prompts and context profiles",
    load: () => import("../views/projects/ProjectsView.svelte"),
  },
  {
    id: "batch",
    label: "Batch",
    path: "/batch",
    key: "4",
    description: "Forge up to 20 prompts at once",
    load: () => import("../views/batch/BatchView.svelte"),
  },
  {
    id: "insights",
    label: "Insights",
    path: "/insights",
    key: "5",
    description: "Scores, strategies and task types across the history",
    load: () => import("../views/insights/InsightsView.svelte"),
  },
  {
    id: "activity",
    label: "Activity",
    path: "/activity",
    key: "6",
    description: "Live MCP tool calls from IDE agents",
    load: () => import("../views/activity/ActivityView.svelte"),
  },
  {
    id: "workspace",
    label: "Workspace",
    path: "/workspace",
    key: "7",
    description: "GitHub and local folders as codebase context for a project's forges",
    load: () => import("../views/workspace/WorkspaceView.svelte"),
  },
  {
    id: "settings",
    label: "Settings",
    path: "/settings",
    key: "8",
    description: "Providers, keys and MCP client configuration",
    load: () => import("../views/settings/SettingsView.svelte"),
  },
  {
    id: "audit",
    label: "Audit",
    path: "/audit",
    key: "9",
    description: "The security audit log",
    load: () => import("../views/audit/AuditView.svelte"),
  },
];

/** Views reached by route but not listed in the rail. */
export const HIDDEN_VIEWS: ViewDef[] = [
  {
    id: "review",
    label: "Review",
    path: "/r",
    key: "",
    description: "One result: diff, scores, actions",
    load: () => import("../views/review/ReviewView.svelte"),
  },
];

/** The view for a route path: `/r/<id>` → review, `/projects/<id>` → projects, unknown → forge. */
export function viewFor(path: string): ViewDef {
  const first = `/${path.split("/").filter(Boolean)[0] ?? ""}`;
  if (first === "/" || first === "/forge") return VIEWS[0]!;
  return [...VIEWS, ...HIDDEN_VIEWS].find((v) => v.path === first) ?? VIEWS[0]!;
}
