// Projects (soft delete, archive, optimistic concurrency on PUT) and their ordered prompts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { ProjectSchema } from "../../core/records.js";
import { entityTag } from "../../store/versions.js";
import { ProjectListQuerySchema, PromptVersionsQuerySchema } from "../../usecases/projects.js";
import {
  ProjectCreateSchema,
  ProjectUpdateSchema,
  PromptCreateSchema,
  PromptReorderSchema,
  PromptUpdateSchema,
} from "../../usecases/schemas.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponse, errorResponses, IdParams, jsonResponse, ProjectPromptParams } from "../openapi.js";
import { defineRoute } from "../route.js";
import { HistoryPage, Project, Prompt, PromptVersion } from "../schemas.js";

const ProjectWithPromptsSchema = ProjectSchema.extend({ prompts: z.array(Prompt) }).meta({
  id: "ProjectDetail",
  description: "A project with its prompts in order",
});
const ProjectSummarySchema = ProjectSchema.extend({ prompt_count: z.number().int() }).meta({ id: "ProjectSummary" });
const ProjectPageSchema = z
  .object({
    items: z.array(ProjectSummarySchema),
    total: z.number().int(),
    page: z.number().int(),
    per_page: z.number().int(),
  })
  .meta({ id: "ProjectPage" });
const IfMatchHeader = z
  .string()
  .max(2000)
  .optional()
  .describe("The `ETag` of the version this write is based on (or `*`); 412 `stale` when it changed since");
const IfUnmodifiedHeaders = z.object({
  "if-unmodified-since": z.string().max(100).optional().describe("Coarse fallback (whole seconds); prefer If-Match"),
  "if-match": IfMatchHeader,
});
const IfMatchHeaders = z.object({ "if-match": IfMatchHeader });
const PRECONDITION_FAILED = {
  "412": errorResponse(412, "`If-Match` names a version that is no longer current (`stale`); reload and retry"),
};
const PromptVersionPageSchema = z
  .object({
    items: z.array(PromptVersion),
    total: z.number().int(),
    page: z.number().int(),
    per_page: z.number().int(),
  })
  .meta({ id: "PromptVersionPage", description: "Superseded versions of a prompt, newest first" });
const tags = ["projects"];

/** RFC 9110: an If-Unmodified-Since that is not a valid HTTP-date is ignored. */
function httpDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * JSON with the version headers: `ETag` (send it back as If-Match: exact to the write) and
 * Last-Modified (If-Unmodified-Since, a coarse fallback with whole-second resolution).
 */
function withLastModified(c: Context, project: { id: string; updated_at?: string }, status: 200 | 201 = 200): Response {
  const time = project.updated_at ? Date.parse(project.updated_at) : Number.NaN;
  const headers: Record<string, string> = Number.isNaN(time)
    ? {}
    : { "Last-Modified": new Date(time).toUTCString(), ETag: entityTag(project.id, project.updated_at as string) };
  return c.json(project, status, headers);
}

export function registerProjectRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;
  const projects = app.projects;

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/projects",
      operationId: "listProjects",
      tags,
      summary: "List projects",
      query: ProjectListQuerySchema,
      responses: jsonResponse(ProjectPageSchema, "One page of projects"),
    },
    async (c, { query }) => c.json(await projects.list(query)),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/projects",
      operationId: "createProject",
      tags,
      summary: "Create a project (or reactivate a soft-deleted one of the same name, said in `reactivated`)",
      body: { schema: ProjectCreateSchema },
      responses: {
        ...jsonResponse(Project, "The created or reactivated project", 201),
        ...errorResponses(409),
      },
    },
    async (c, { body }) => withLastModified(c, await projects.create(body), 201),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/projects/{id}",
      operationId: "getProject",
      tags,
      summary: "One project with its prompts",
      params: IdParams,
      responses: { ...jsonResponse(ProjectWithPromptsSchema, "The project"), ...errorResponses(404) },
    },
    async (c, { params }) => withLastModified(c, await projects.get(params.id)),
  );

  defineRoute(
    http,
    {
      method: "put",
      path: "/api/projects/{id}",
      operationId: "updateProject",
      tags,
      summary:
        "Update a project; `If-Match` (its `ETag`) makes it fail with 412 when stale, `If-Unmodified-Since` with 409",
      params: IdParams,
      headers: IfUnmodifiedHeaders,
      body: { schema: ProjectUpdateSchema },
      responses: {
        ...jsonResponse(Project, "The updated project"),
        ...errorResponses(404, 409),
        ...PRECONDITION_FAILED,
      },
    },
    async (c, { params, headers, body }) =>
      withLastModified(
        c,
        await projects.update(params.id, body, {
          ifUnmodifiedSince: httpDate(headers["if-unmodified-since"]),
          ifMatch: headers["if-match"],
        }),
      ),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/projects/{id}",
      operationId: "deleteProject",
      tags,
      summary: "Soft-delete a project and its prompts (`If-Match` makes it conditional)",
      params: IdParams,
      headers: IfMatchHeaders,
      responses: { "204": { description: "Deleted" }, ...errorResponses(404), ...PRECONDITION_FAILED },
    },
    async (c, { params, headers }) => {
      await projects.delete(params.id, { ifMatch: headers["if-match"] });
      return c.body(null, 204);
    },
  );

  for (const action of ["archive", "unarchive"] as const) {
    defineRoute(
      http,
      {
        method: "post",
        path: `/api/projects/{id}/${action}`,
        operationId: action === "archive" ? "archiveProject" : "unarchiveProject",
        tags,
        summary: action === "archive" ? "Archive a project (read-only)" : "Make an archived project active again",
        params: IdParams,
        responses: { ...jsonResponse(Project, "The project"), ...errorResponses(404, 409) },
      },
      async (c, { params }) => withLastModified(c, await projects[action](params.id)),
    );
  }

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/projects/{id}/prompts",
      operationId: "addPrompt",
      tags,
      summary: "Add a prompt to a project",
      params: IdParams,
      body: { schema: PromptCreateSchema },
      responses: { ...jsonResponse(Prompt, "The new prompt", 201), ...errorResponses(404, 409) },
    },
    async (c, { params, body }) => withLastModified(c, await projects.addPrompt(params.id, body), 201),
  );

  // Registered before …/prompts/{pid} so the literal segment wins.
  defineRoute(
    http,
    {
      method: "put",
      path: "/api/projects/{id}/prompts/reorder",
      operationId: "reorderPrompts",
      tags,
      summary: "Set the order of a project's prompts",
      params: IdParams,
      body: { schema: PromptReorderSchema },
      responses: { ...jsonResponse(z.array(Prompt), "The prompts in their new order"), ...errorResponses(404, 409) },
    },
    async (c, { params, body }) => c.json(await projects.reorderPrompts(params.id, body)),
  );

  defineRoute(
    http,
    {
      method: "put",
      path: "/api/projects/{id}/prompts/{pid}",
      operationId: "updatePrompt",
      tags,
      summary: "Update a prompt (a content change snapshots the previous version); `If-Match` makes it conditional",
      params: ProjectPromptParams,
      headers: IfMatchHeaders,
      body: { schema: PromptUpdateSchema },
      responses: {
        ...jsonResponse(Prompt, "The updated prompt"),
        ...errorResponses(404, 409),
        ...PRECONDITION_FAILED,
      },
    },
    async (c, { params, headers, body }) =>
      withLastModified(c, await projects.updatePrompt(params.id, params.pid, body, { ifMatch: headers["if-match"] })),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/projects/{id}/prompts/{pid}",
      operationId: "deletePrompt",
      tags,
      summary: "Delete a prompt (`If-Match` makes it conditional)",
      params: ProjectPromptParams,
      headers: IfMatchHeaders,
      responses: { "204": { description: "Deleted" }, ...errorResponses(404, 409), ...PRECONDITION_FAILED },
    },
    async (c, { params, headers }) => {
      await projects.deletePrompt(params.id, params.pid, { ifMatch: headers["if-match"] });
      return c.body(null, 204);
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/projects/{id}/prompts/{pid}/versions",
      operationId: "listPromptVersions",
      tags,
      summary: "Superseded versions of a prompt, newest first, paged",
      params: ProjectPromptParams,
      query: PromptVersionsQuerySchema,
      responses: { ...jsonResponse(PromptVersionPageSchema, "One page of versions"), ...errorResponses(404, 422) },
    },
    async (c, { params, query }) => c.json(await projects.promptVersions(params.id, params.pid, query)),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/projects/{id}/prompts/{pid}/forges",
      operationId: "listPromptForges",
      tags,
      summary: "Optimizations linked to a prompt",
      params: ProjectPromptParams,
      responses: { ...jsonResponse(HistoryPage, "The optimizations, newest first"), ...errorResponses(404) },
    },
    async (c, { params }) => c.json(await projects.promptForges(params.id, params.pid)),
  );
}
