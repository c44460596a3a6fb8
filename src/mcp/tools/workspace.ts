// Workspace tool: `sync_workspace` lets an IDE push what it knows about the open codebase, in the
// same shape the server's own extraction produces (each field a value, or `{ value, source }`). It
// is stored as the project's IDE workspace link, the first layer of the codebase-context merge,
// so the project profile and per-request context still win over it.
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import { PushedContextSchema } from "../../usecases/workspace.js";
import { CAP_NOTE, ContextInfoSchema, contextInfo, DetailSchema, projectContextUri } from "../compact.js";
import { defineTool, type ToolDeps } from "../tool-kit.js";
import { ProjectId } from "./params.js";

const FieldWithSource = z.object({ value: z.union([z.string(), z.array(z.string())]), source: z.string() });

// Each field: its value, or { value, source } naming the file it came from. The value's bounds are
// spelled out once (the plain branch); the use case checks the wrapped one against the same bounds.
const Sourced = z.object({ value: z.unknown(), source: z.string().max(500) });
const field = <T extends z.ZodType>(value: T, description: string) =>
  z.union([value, Sourced]).optional().describe(description);
const text = (max: number) => z.string().max(max);
const list = (items: number, each: number) => z.array(z.string().max(each)).max(items);

const SyncWorkspaceInput = z.object({
  language: field(text(200), 'Main language and version, e.g. "TypeScript 5.6".'),
  framework: field(text(200), 'Framework and version, e.g. "Hono 4".'),
  description: field(text(4000), "What the codebase does (README)."),
  conventions: field(list(50, 1000), "Rules from linter configs, CLAUDE.md, AGENTS.md."),
  patterns: field(list(50, 1000), "Directory and architecture patterns."),
  code_snippets: field(list(20, 8000), "Short representative code excerpts."),
  documentation: field(text(20_000), "Relevant documentation text."),
  test_framework: field(text(200), 'Test runner, e.g. "vitest".'),
  test_patterns: field(list(50, 1000), "How and where tests are written."),
  tree: PushedContextSchema.shape.tree.describe("Optional file tree: up to 500 repository-relative paths."),
  project_id: ProjectId.optional(),
  project: z.string().trim().min(1).max(100).optional().describe("Project name; created when it does not exist yet."),
  replace: z
    .boolean()
    .optional()
    .describe(
      "DESTRUCTIVE when true: drops every field pushed before. Default false: strings replace, lists are merged.",
    ),
  detail: DetailSchema.describe('"full": also the stored and resolved contexts.'),
});

const FieldInfo = z.object({
  source: z.string(),
  chars: z.number().int(),
  items: z.number().int().optional().describe("Entries of a list field."),
});

export const SyncWorkspaceOutput = z.object({
  project_id: z.string(),
  project_name: z.string(),
  project_created: z.boolean(),
  workspace_id: z.string(),
  fields_updated: z.array(z.string()),
  /** Share of the nine context fields the pushed workspace fills, 0–1. */
  completeness: z.number().min(0).max(1),
  /** Per stored field: the file it came from and its size (the values are what you sent). */
  fields: z.record(z.string(), FieldInfo),
  /** What the next optimization of the project will use (workspace → project profile), summarised. */
  resolved: ContextInfoSchema.nullable(),
  context_uri: z.string(),
  context: z.record(z.string(), FieldWithSource).optional().describe("With detail full: the stored workspace context."),
  resolved_context: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("With detail full: the resolved context the next optimization uses."),
});

async function findOrCreateProject(app: App, input: { project_id?: string; project?: string }) {
  if (input.project_id) return { project: await app.projects.get(input.project_id), created: false };
  const name = input.project as string;
  for (let page = 1; page <= 50; page++) {
    const list = await app.projects.list({ page, per_page: 100, include_archived: "true" });
    const found = list.items.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (found) return { project: found, created: false };
    if (page * list.per_page >= list.total) break;
  }
  return { project: await app.projects.create({ name }), created: true };
}

export function registerWorkspaceTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "sync_workspace",
    title: "Sync workspace context from the IDE",
    description:
      "Push what you know about the open codebase into a project (project_id, or project: a name, created if " +
      "new) to ground its optimizations. Each field is a value or { value, source } naming its file. Fields " +
      "merge into earlier pushes (lists append); replace: true drops them. The project's own profile still " +
      `wins. Returns stored fields with sources and sizes, and completeness. ${CAP_NOTE}`,
    input: SyncWorkspaceInput,
    output: SyncWorkspaceOutput,
    // Destructive only with replace: true (annotations are per tool, so the tool says it may be).
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    readMore: (value) => `${value.context_uri} (MCP resource: the resolved context with sources)`,
    async run(args) {
      const { project_id, project: name, replace, detail, ...fields } = args;
      if (!project_id && !name) throw new AppError("validation_error", "Give project_id or project (a name).");
      const { project, created } = await findOrCreateProject(app, { project_id, project: name });
      const pushed = await app.workspaces.push(project.id, fields, { replace });
      const resolved = await app.workspaces.resolve(project.id, project.context_profile, null);
      return {
        value: {
          project_id: project.id,
          project_name: project.name,
          project_created: created,
          workspace_id: pushed.id,
          fields_updated: pushed.fields,
          completeness: pushed.completeness ?? 0,
          fields: Object.fromEntries(
            Object.entries(pushed.context).map(([field, entry]) => [
              field,
              {
                source: entry.source,
                chars: JSON.stringify(entry.value).length,
                ...(Array.isArray(entry.value) ? { items: entry.value.length } : {}),
              },
            ]),
          ),
          resolved: contextInfo(resolved.context ?? null),
          context_uri: projectContextUri(project.id),
          ...(detail === "full"
            ? {
                context: pushed.context as Record<string, z.infer<typeof FieldWithSource>>,
                resolved_context: resolved.context ?? {},
              }
            : {}),
        },
        summary: `Synced ${pushed.fields.length} context field(s) into project "${project.name}" (${Math.round((pushed.completeness ?? 0) * 100)}% complete).`,
      };
    },
  });
}
