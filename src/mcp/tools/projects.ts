// Project tools: projects, their prompts, and their codebase context. `sync_workspace` is how an IDE
// pushes what it knows about the open codebase; until the workspace hub exists it is stored as the
// project's context profile, which every optimization in the project then uses.
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../core/errors.js";
import { type CodebaseContext, CodebaseContextSchema } from "../../core/pipeline/schemas.js";
import { mergeContext } from "../../usecases/optimize-prompt.js";
import { ProjectCreateSchema, PromptCreateSchema, PromptUpdateSchema } from "../../usecases/schemas.js";
import {
  ProjectOutput,
  ProjectPageOutput,
  ProjectWithPromptsOutput,
  PromptOutput,
  SyncWorkspaceOutput,
} from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";

const ProjectId = z.string().trim().min(1).max(100).describe("Project id (see list_projects).");
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const CONTEXT_FIELDS = Object.keys(CodebaseContextSchema.shape) as Array<keyof CodebaseContext>;

const ListProjectsInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  per_page: z.number().int().min(1).max(100).default(20),
  include_archived: z.boolean().optional().describe("Also list archived (read-only) projects."),
});

const SyncWorkspaceInput = CodebaseContextSchema.extend({
  project_id: ProjectId.optional(),
  project: z.string().trim().min(1).max(100).optional().describe("Project name; created when it does not exist yet."),
  replace: z
    .boolean()
    .optional()
    .describe("Replace the whole stored context instead of merging these fields into it (default false)."),
});

/** Share of the context fields that carry something, 0–1. */
export function contextCompleteness(ctx: CodebaseContext | null | undefined): number {
  if (!ctx) return 0;
  const filled = CONTEXT_FIELDS.filter((key) => {
    const value = ctx[key];
    return Array.isArray(value) ? value.length > 0 : typeof value === "string" && value.trim() !== "";
  }).length;
  return Math.round((filled / CONTEXT_FIELDS.length) * 100) / 100;
}

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

export function registerProjectTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "list_projects",
    title: "List projects",
    description: "List projects (name, description, prompt count, whether a codebase context is set), by name.",
    input: ListProjectsInput,
    output: ProjectPageOutput,
    annotations: READ_ONLY,
    async run({ page, per_page, include_archived }) {
      const result = await app.projects.list({
        page,
        per_page,
        include_archived: include_archived ? "true" : undefined,
      });
      const has_more = result.page * result.per_page < result.total;
      return { value: { ...result, has_more }, summary: `${result.total} project(s); showing ${result.items.length}.` };
    },
  });

  defineTool(deps, {
    name: "get_project",
    title: "Get a project",
    description: "One project with its ordered prompts (id, title, content, version) and its codebase context profile.",
    input: z.object({ id: ProjectId }),
    output: ProjectWithPromptsOutput,
    annotations: READ_ONLY,
    async run({ id }) {
      const project = await app.projects.get(id);
      return {
        value: project,
        summary: `Project "${project.name}" (${project.status}) with ${project.prompts.length} prompt(s).`,
      };
    },
  });

  defineTool(deps, {
    name: "create_project",
    title: "Create a project",
    description:
      "Create a project to group prompts and optimizations. Names are unique (case-insensitive). An optional " +
      "context_profile (language, framework, conventions…) grounds every optimization in the project.",
    input: ProjectCreateSchema,
    output: ProjectOutput,
    annotations: WRITE,
    async run(args) {
      const project = await app.projects.create(args);
      return { value: project, summary: `Created project "${project.name}" (${project.id}).` };
    },
  });

  defineTool(deps, {
    name: "add_prompt",
    title: "Add a prompt to a project",
    description: "Add a prompt (content, optional title) at the end of a project's prompt list.",
    input: PromptCreateSchema.extend({ project_id: ProjectId }),
    output: PromptOutput,
    annotations: WRITE,
    async run({ project_id, ...body }) {
      const prompt = await app.projects.addPrompt(project_id, body);
      return { value: prompt, summary: `Added prompt ${prompt.id} to project ${project_id}.` };
    },
  });

  defineTool(deps, {
    name: "update_prompt",
    title: "Update a project prompt",
    description:
      "Change a project prompt's title and/or content. A content change keeps the old content as an immutable " +
      "version; pass optimization_id to record which optimization produced the new content.",
    input: z.object({
      project_id: ProjectId,
      prompt_id: z.string().trim().min(1).max(100).describe("Prompt id (see get_project)."),
      ...PromptUpdateSchema.shape,
    }),
    output: PromptOutput,
    annotations: { ...WRITE, idempotentHint: true },
    async run({ project_id, prompt_id, ...patch }) {
      const prompt = await app.projects.updatePrompt(project_id, prompt_id, patch);
      return { value: prompt, summary: `Updated prompt ${prompt.id} (now version ${prompt.version}).` };
    },
  });

  defineTool(deps, {
    name: "set_project_context",
    title: "Set a project's codebase context",
    description:
      "Replace a project's codebase context profile (language, framework, description, conventions, patterns, " +
      "code_snippets, documentation, test_framework, test_patterns); null clears it. It is rendered into every " +
      "optimization of the project. To merge fields pushed from an IDE, use sync_workspace.",
    input: z.object({ project_id: ProjectId, context_profile: CodebaseContextSchema.nullable() }),
    output: ProjectOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run({ project_id, context_profile }) {
      const project = await app.projects.update(project_id, { context_profile });
      return {
        value: project,
        summary: `Project "${project.name}" context ${context_profile ? `set (${contextCompleteness(context_profile) * 100}% complete)` : "cleared"}.`,
      };
    },
  });

  defineTool(deps, {
    name: "sync_workspace",
    title: "Sync workspace context from the IDE",
    description:
      "Push what you know about the open codebase (language, framework and version, description, conventions from " +
      "linter/formatter/tsconfig, directory patterns, test framework and patterns, short code snippets, docs) into a " +
      "project, named by project_id or project (created if missing). Fields are merged into the stored context " +
      "(replace: true overwrites it). Later optimizations in that project are grounded in it.",
    input: SyncWorkspaceInput,
    output: SyncWorkspaceOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(args) {
      const { project_id, project: name, replace, ...fields } = args;
      if (!project_id && !name) {
        throw new AppError("validation_error", "Give project_id or project (a name).");
      }
      const pushed = mergeContext(fields) ?? {};
      const { project, created } = await findOrCreateProject(app, { project_id, project: name });
      const next = (replace ? pushed : mergeContext(project.context_profile, pushed)) ?? {};
      const updated = await app.projects.update(project.id, { context_profile: next });
      const completeness = contextCompleteness(updated.context_profile);
      return {
        value: {
          project_id: updated.id,
          project_name: updated.name,
          project_created: created,
          fields_updated: Object.keys(pushed),
          completeness,
          context_profile: updated.context_profile ?? {},
        },
        summary: `Synced ${Object.keys(pushed).length} context field(s) into project "${updated.name}" (${Math.round(completeness * 100)}% complete).`,
      };
    },
  });
}
