// Workspace links: link a GitHub repository or a local folder to a project, sync it in the
// background, cancel, unlink, list the status of every link, and inspect a project's resolved
// codebase context with the layer each field came from.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { CodebaseContextSchema } from "../../core/pipeline/schemas.js";
import { ContextSourcesSchema } from "../../core/records.js";
import { WorkspaceLinkBodySchema } from "../../usecases/workspace.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, IdParams, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const tags = ["workspace"];

export const WorkspaceStatusSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    project_name: z.string().nullable(),
    kind: z.enum(["github", "local"]),
    repo_full_name: z.string().nullable(),
    local_path: z.string().nullable(),
    origin: z.enum(["sync", "mcp"]).meta({ description: "sync: scanned by the server; mcp: pushed by an IDE" }),
    sync_status: z.enum(["pending", "syncing", "synced", "stale", "error"]),
    last_synced_at: z.string().nullable(),
    error: z.string().nullable(),
    completeness: z.number().min(0).max(1).nullable(),
    file_count: z.number().int(),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  })
  .meta({ id: "WorkspaceLink" });
const ExtractedFieldSchema = z.object({
  value: z.union([z.string(), z.array(z.string())]),
  source: z.string(),
  sources: z.array(z.string()).optional().meta({ description: "For lists: the file each entry came from" }),
});
const WorkspaceDetail = WorkspaceStatusSchema.extend({
  context: z.record(z.string(), ExtractedFieldSchema),
  tree: z.array(z.string()),
}).meta({
  id: "WorkspaceLinkDetail",
  description: "A link with its extracted fields (each with its source) and file tree",
});
const WorkspaceList = z
  .object({ items: z.array(WorkspaceStatusSchema), total: z.number().int() })
  .meta({ id: "WorkspaceStatus" });
const ProjectContext = z
  .object({
    project_id: z.string(),
    project_name: z.string(),
    context: CodebaseContextSchema,
    sources: ContextSourcesSchema,
    completeness: z.number().min(0).max(1),
    workspaces: z.array(WorkspaceStatusSchema),
  })
  .meta({ id: "ProjectCodebaseContext", description: "The context the next optimization of the project will use" });
const StatusQuery = z.object({ project_id: z.string().trim().min(1).max(100).optional() });
const ContextQuery = z.object({ project_id: z.string().trim().min(1).max(100) });

export function registerWorkspaceRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const workspaces = deps.app.workspaces;

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/workspace/status",
      operationId: "getWorkspaceStatus",
      tags,
      summary: "Every workspace link with its sync status (stale after 24 h), last sync, error and completeness",
      query: StatusQuery,
      responses: jsonResponse(WorkspaceList, "The links"),
    },
    async (c, { query }) => {
      const items = await workspaces.status(query);
      return c.json({ items, total: items.length });
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/workspace/context",
      operationId: "getProjectCodebaseContext",
      tags,
      summary: "A project's resolved codebase context: workspace → project profile, with each field's source",
      query: ContextQuery,
      responses: { ...jsonResponse(ProjectContext, "The resolved context"), ...errorResponses(404) },
    },
    async (c, { query }) => c.json(await workspaces.projectContext(query.project_id)),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/workspace/link",
      operationId: "linkWorkspace",
      tags,
      summary: "Link a GitHub repository or a local folder (inside WORKSPACE_ROOTS) to a project; starts a sync",
      body: { schema: WorkspaceLinkBodySchema },
      responses: {
        ...jsonResponse(WorkspaceStatusSchema, "Linked; the first sync runs in the background", 201),
        ...errorResponses(403, 404, 409, 429, 502),
      },
    },
    async (c, { body }) => c.json(await workspaces.link(body), 201),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/workspace/{id}",
      operationId: "getWorkspace",
      tags,
      summary: "One link with its extracted fields (each with its source file) and its file tree (≤ 500 paths)",
      params: IdParams,
      responses: { ...jsonResponse(WorkspaceDetail, "The link"), ...errorResponses(404) },
    },
    async (c, { params }) => c.json(await workspaces.get(params.id)),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/workspace/{id}",
      operationId: "unlinkWorkspace",
      tags,
      summary: "Unlink (a running sync is cancelled)",
      params: IdParams,
      responses: { "204": { description: "Unlinked" }, ...errorResponses(404) },
    },
    async (c, { params }) => {
      await workspaces.unlink(params.id);
      return c.body(null, 204);
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/workspace/{id}/sync",
      operationId: "syncWorkspace",
      tags,
      summary:
        "Sync now, in the background (progress on GET /api/workspace/status); a failure keeps the previous context",
      params: IdParams,
      responses: {
        ...jsonResponse(WorkspaceStatusSchema, "The sync started", 202),
        ...errorResponses(404, 409),
      },
    },
    async (c, { params }) => c.json(await workspaces.sync(params.id), 202),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/workspace/{id}/cancel",
      operationId: "cancelWorkspaceSync",
      tags,
      summary: "Cancel a running sync; the previous context stays",
      params: IdParams,
      responses: { ...jsonResponse(WorkspaceStatusSchema, "Cancelled"), ...errorResponses(404, 409) },
    },
    async (c, { params }) => c.json(await workspaces.cancel(params.id)),
  );
}
