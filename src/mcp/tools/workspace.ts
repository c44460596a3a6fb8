// Workspace tool: `sync_workspace` lets an IDE push what it knows about the open codebase, in the
// same shape the server's own extraction produces (each field a value, or `{ value, source }`). It
// is stored as the project's IDE workspace link, the first layer of the codebase-context merge,
// so the project profile and per-request context still win over it.
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import { PushedContextSchema } from "../../usecases/workspace.js";
import { defineTool, type ToolDeps } from "../tool-kit.js";

const FieldWithSource = z.object({ value: z.union([z.string(), z.array(z.string())]), source: z.string() });

const SyncWorkspaceInput = PushedContextSchema.extend({
  project_id: z.string().trim().min(1).max(100).optional().describe("Project id (see list_projects)."),
  project: z.string().trim().min(1).max(100).optional().describe("Project name; created when it does not exist yet."),
  replace: z
    .boolean()
    .optional()
    .describe("Replace everything pushed before instead of merging these fields into it (default false)."),
});

export const SyncWorkspaceOutput = z.object({
  project_id: z.string(),
  project_name: z.string(),
  project_created: z.boolean(),
  workspace_id: z.string(),
  fields_updated: z.array(z.string()),
  /** Share of the nine context fields the pushed workspace fills, 0–1. */
  completeness: z.number().min(0).max(1),
  /** The workspace context now stored, each field with its source. */
  context: z.record(z.string(), FieldWithSource),
  /** What the next optimization of the project will use (workspace → project profile). */
  resolved_context: z.record(z.string(), z.unknown()),
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
      "Push what you know about the open codebase (language, framework and version, description, conventions from " +
      "linter/formatter/tsconfig and agent guidance files, directory patterns, test framework and patterns, short " +
      "code snippets, docs, and optionally a file tree of up to 500 paths) into a project, named by project_id or " +
      "project (created if missing). Each field is a value or { value, source } naming the file it came from. " +
      "Fields merge into what was pushed before (replace: true overwrites it). Later optimizations in that project " +
      "are grounded in it; the project's own context profile and per-request context still take precedence.",
    input: SyncWorkspaceInput,
    output: SyncWorkspaceOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(args) {
      const { project_id, project: name, replace, ...fields } = args;
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
          context: pushed.context as Record<string, z.infer<typeof FieldWithSource>>,
          resolved_context: resolved.context ?? {},
        },
        summary: `Synced ${pushed.fields.length} context field(s) into project "${project.name}" (${Math.round((pushed.completeness ?? 0) * 100)}% complete).`,
      };
    },
  });
}
