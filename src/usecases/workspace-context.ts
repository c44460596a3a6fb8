// The three-layer codebase-context merge (PRODUCT.md section 6): workspace auto-context → project
// context profile → per-request context, later layers winning per field. Each resolved field keeps
// the layer (and, for a workspace, the link and files) it came from.
import type { CodebaseContext } from "../core/pipeline/schemas.js";
import type { ContextSources } from "../core/records.js";
import type { WorkspaceLink } from "../store/workspaces.js";

export const CONTEXT_FIELDS = [
  "language",
  "framework",
  "description",
  "conventions",
  "patterns",
  "code_snippets",
  "documentation",
  "test_framework",
  "test_patterns",
] as const satisfies ReadonlyArray<keyof CodebaseContext>;
type Field = (typeof CONTEXT_FIELDS)[number];

/** The limits of CodebaseContextSchema, so an extracted context always fits a record. */
const STRING_MAX: Record<string, number> = {
  language: 200,
  framework: 200,
  test_framework: 200,
  description: 4000,
  documentation: 20000,
};
const ITEM_MAX: Record<string, { items: number; each: number }> = {
  conventions: { items: 50, each: 1000 },
  patterns: { items: 50, each: 1000 },
  test_patterns: { items: 50, each: 1000 },
  code_snippets: { items: 20, each: 8000 },
};

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => typeof v === "string" && v.trim() !== "");
  return typeof value === "string" && value.trim() !== "";
}

/** A field value clipped to the schema's limits, or undefined when it is not a usable value. */
export function fitField(field: string, value: unknown): string | string[] | undefined {
  if (field in STRING_MAX) {
    if (typeof value !== "string" || value.trim() === "") return undefined;
    return value.trim().slice(0, STRING_MAX[field]);
  }
  const limits = ITEM_MAX[field];
  if (!limits || !Array.isArray(value)) return undefined;
  const items = value
    .filter((v): v is string => typeof v === "string" && v.trim() !== "")
    .map((v) => v.trim().slice(0, limits.each))
    .slice(0, limits.items);
  return items.length > 0 ? items : undefined;
}

export interface ContextLayer {
  layer: "workspace" | "project" | "request";
  context: CodebaseContext;
  /** Per field; defaults to a label of the layer. */
  sources?: Partial<Record<Field, string>>;
}

export interface ResolvedContext {
  context: CodebaseContext | undefined;
  sources: ContextSources | undefined;
}

/** Later layers win per field; empty strings and empty lists do not override. */
export function mergeContextLayers(layers: ContextLayer[]): ResolvedContext {
  const context: Record<string, unknown> = {};
  const sources: ContextSources = {};
  for (const layer of layers) {
    for (const field of CONTEXT_FIELDS) {
      const value = layer.context[field];
      if (!present(value)) continue;
      const fitted = fitField(field, value);
      if (fitted === undefined) continue;
      context[field] = fitted;
      sources[field] = {
        layer: layer.layer,
        source:
          layer.sources?.[field] ?? (layer.layer === "project" ? "project context profile" : "per-request context"),
      };
    }
  }
  if (Object.keys(context).length === 0) return { context: undefined, sources: undefined };
  return { context: context as CodebaseContext, sources };
}

/** The workspace layer of a project: its synced links merged in link order (newer links win). */
export function workspaceLayer(links: readonly WorkspaceLink[]): ContextLayer | null {
  const context: Record<string, unknown> = {};
  const sources: Partial<Record<Field, string>> = {};
  for (const link of links) {
    if (!link.context) continue;
    const label =
      link.kind === "github" ? `github:${link.repo_full_name}` : `local:${link.local_path ?? "(pushed by IDE)"}`;
    for (const field of CONTEXT_FIELDS) {
      const entry = link.context[field];
      if (!entry || !present(entry.value)) continue;
      const fitted = fitField(field, entry.value);
      if (fitted === undefined) continue;
      context[field] = fitted;
      sources[field] = entry.source ? `${label} (${entry.source})` : label;
    }
  }
  if (Object.keys(context).length === 0) return null;
  return { layer: "workspace", context: context as CodebaseContext, sources };
}
