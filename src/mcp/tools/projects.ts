// Project tools: projects, their prompts, and their context profile (what an IDE pushes about the
// open codebase goes through `sync_workspace` in tools/workspace.ts instead). Results carry whether a
// project has a context and how complete it is, never the profile itself unless detail is "full".
import { z } from "zod";
import { CodebaseContextSchema } from "../../core/pipeline/schemas.js";
import type { Prompt } from "../../core/records.js";
import { ProjectCreateSchema, PromptCreateSchema, PromptUpdateSchema } from "../../usecases/schemas.js";
import {
  CAP_NOTE,
  compactProject,
  contextCompleteness,
  type Detail,
  DetailSchema,
  ProjectResultOutput,
  projectContextUri,
  TextInfoSchema,
  textInfo,
} from "../compact.js";
import { PromptOutput } from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";
import { ProjectId } from "./params.js";

const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const PREVIEW_CHARS = 120;

const ListProjectsInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1).describe("Page number, from 1."),
  per_page: z.number().int().min(1).max(100).default(20).describe("Projects per page, 1–100 (default 20)."),
  include_archived: z.boolean().optional().describe("Also list archived (read-only) projects."),
});

const ProjectListItem = ProjectResultOutput.omit({ context_profile: true }).extend({
  prompt_count: z.number().int(),
});
const ProjectPageOutput = z.object({
  items: z.array(ProjectListItem),
  total: z.number().int(),
  page: z.number().int(),
  per_page: z.number().int(),
  has_more: z.boolean(),
});

const PromptLine = z.object({
  id: z.string(),
  title: z.string().nullable(),
  position: z.number().int(),
  version: z.number().int(),
  preview: z.string().describe(`The first ${PREVIEW_CHARS} characters.`),
  size: TextInfoSchema,
  content: z.string().optional().describe("With detail full: the prompt's content."),
  updated_at: z.string(),
});
const ProjectWithPrompts = ProjectResultOutput.extend({ prompts: z.array(PromptLine) });

function promptLine(prompt: Prompt, detail: Detail) {
  return {
    id: prompt.id,
    title: prompt.title,
    position: prompt.position,
    version: prompt.version,
    preview: prompt.content.slice(0, PREVIEW_CHARS),
    size: textInfo(prompt.content),
    ...(detail === "full" ? { content: prompt.content } : {}),
    updated_at: prompt.updated_at,
  };
}

const projectReadMore = (value: { id: string }) =>
  `${projectContextUri(value.id)} (MCP resource: the profile and resolved context); get_project with detail full`;

export function registerProjectTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "list_projects",
    title: "List projects",
    description:
      "List projects by name: id, name, description, prompt count, has_context and completeness (0–1) of the " +
      "codebase context; the contexts themselves are in promptforge://projects/{id}/context.",
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
      const items = result.items.map((p) => {
        const { context_profile: _profile, ...compact } = compactProject(p);
        return { ...compact, prompt_count: p.prompt_count };
      });
      return {
        value: { items, total: result.total, page: result.page, per_page: result.per_page, has_more },
        summary: `${result.total} project(s); showing ${items.length}.`,
      };
    },
  });

  defineTool(deps, {
    name: "get_project",
    title: "Get a project",
    description:
      "One project with its ordered prompts (id, title, version, a preview and size; detail full adds each " +
      `prompt's content and the context profile). ${CAP_NOTE}`,
    input: z.object({ id: ProjectId, detail: DetailSchema }),
    output: ProjectWithPrompts,
    annotations: READ_ONLY,
    readMore: projectReadMore,
    async run({ id, detail }) {
      const project = await app.projects.get(id);
      return {
        value: { ...compactProject(project, detail), prompts: project.prompts.map((p) => promptLine(p, detail)) },
        summary: `Project "${project.name}" (${project.status}) with ${project.prompts.length} prompt(s).`,
      };
    },
  });

  defineTool(deps, {
    name: "create_project",
    title: "Create a project",
    description:
      "Create a project to group prompts and optimizations (unique name). Give it a codebase context with " +
      "sync_workspace or set_project_context.",
    input: z.object({
      name: ProjectCreateSchema.shape.name.describe("Unique project name (1–100 characters)."),
      description: ProjectCreateSchema.shape.description.describe("What the project is for (≤ 2000 characters)."),
      detail: DetailSchema,
    }),
    output: ProjectResultOutput,
    annotations: WRITE,
    readMore: projectReadMore,
    async run({ detail, ...args }) {
      const project = await app.projects.create(args);
      return { value: compactProject(project, detail), summary: `Created project "${project.name}" (${project.id}).` };
    },
  });

  defineTool(deps, {
    name: "add_prompt",
    title: "Add a prompt to a project",
    description: "Add a prompt (content, optional title) at the end of a project's prompt list.",
    input: z.object({
      project_id: ProjectId,
      title: PromptCreateSchema.shape.title.describe("A short title for the prompt."),
      content: PromptCreateSchema.shape.content.describe("The prompt text (1–100 000 characters)."),
    }),
    output: PromptOutput,
    annotations: WRITE,
    async run({ project_id, ...body }) {
      const prompt = await app.projects.addPrompt(project_id, body);
      return { value: prompt, summary: `Added prompt ${prompt.id} to project ${project_id}.` };
    },
  });

  const U = PromptUpdateSchema.shape;
  defineTool(deps, {
    name: "update_prompt",
    title: "Update a project prompt",
    description:
      "Change a project prompt's title and/or content. A content change keeps the old content as an immutable " +
      "version; pass optimization_id to record which optimization produced the new content.",
    input: z.object({
      project_id: ProjectId,
      prompt_id: z.string().trim().min(1).max(100).describe("Prompt id (see get_project)."),
      title: U.title.describe("New title; null clears it."),
      content: U.content.describe("New content; the old one is kept as a version."),
      optimization_id: U.optimization_id.describe("The optimization whose optimized_prompt this content is."),
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
      "DESTRUCTIVE: replaces a project's whole context profile (null clears it), which grounds every " +
      "optimization of the project. To merge what an IDE knows, use sync_workspace.",
    input: z.object({
      project_id: ProjectId,
      context_profile: CodebaseContextSchema.nullable().describe("The new profile, or null to clear it."),
      detail: DetailSchema,
    }),
    output: ProjectResultOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    readMore: projectReadMore,
    async run({ project_id, context_profile, detail }) {
      const project = await app.projects.update(project_id, { context_profile });
      return {
        value: compactProject(project, detail),
        summary: `Project "${project.name}" context ${context_profile ? `set (${Math.round(contextCompleteness(context_profile) * 100)}% complete)` : "cleared"}.`,
      };
    },
  });
}
