// Project tools: projects, their prompts, and their context profile (what an IDE pushes about the
// open codebase goes through `sync_workspace` in tools/workspace.ts instead).
import { z } from "zod";
import { type CodebaseContext, CodebaseContextSchema } from "../../core/pipeline/schemas.js";
import { ProjectCreateSchema, PromptCreateSchema, PromptUpdateSchema } from "../../usecases/schemas.js";
import { ProjectOutput, ProjectPageOutput, ProjectWithPromptsOutput, PromptOutput } from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";

const ProjectId = z.string().trim().min(1).max(100).describe("Project id (see list_projects).");
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const CONTEXT_FIELDS = Object.keys(CodebaseContextSchema.shape) as Array<keyof CodebaseContext>;

const ListProjectsInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  per_page: z.number().int().min(1).max(100).default(20),
  include_archived: z.boolean().optional().describe("Also list archived (read-only) projects."),
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
}
