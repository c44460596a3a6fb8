// MCP resources (PRODUCT.md 7): read-only JSON views an agent can attach as context.
//   promptforge://projects                  every active project (name, description, prompt count,
//                                           has_context and completeness; no profiles)
//   promptforge://projects/{id}/context     a project's context profile and the resolved codebase
//                                           context (linked workspaces → profile) with sources
//   promptforge://optimizations/{id}        one stored optimization record
//   promptforge://workspaces                every workspace link (GitHub, local folder, IDE push)
//                                           with its sync status
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpError, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import type { App } from "../app.js";
import { isAppError } from "../core/errors.js";
import type { ProjectSummary } from "../store/projects.js";
import { compactProject } from "./compact.js";

/** JSON-RPC code for "resource not found" (MCP specification). */
export const RESOURCE_NOT_FOUND = -32002;
const MAX_LISTED_PROJECTS = 1_000;
const JSON_MIME = "application/json";

function json(uri: URL, value: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: JSON_MIME, text: JSON.stringify(value) }] };
}

function variable(value: string | string[] | undefined): string {
  const v = (Array.isArray(value) ? value[0] : value) ?? "";
  try {
    return decodeURIComponent(v).slice(0, 100);
  } catch {
    return v.slice(0, 100); // malformed %-escape: look the raw text up (it will not be found)
  }
}

async function allProjects(app: App): Promise<ProjectSummary[]> {
  const out: ProjectSummary[] = [];
  for (let page = 1; out.length < MAX_LISTED_PROJECTS; page++) {
    const result = await app.projects.list({ page, per_page: 100 });
    out.push(...result.items);
    if (page * result.per_page >= result.total) break;
  }
  return out;
}

/** Maps use-case failures to MCP errors: not_found → -32002, other AppErrors keep their message. */
async function guard<T>(logger: Pick<Logger, "error">, uri: URL, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error)) {
      throw new McpError(error.code === "not_found" ? RESOURCE_NOT_FOUND : -32602, error.message, { uri: uri.href });
    }
    logger.error({ err: error, uri: uri.href }, "MCP resource read failed");
    throw new McpError(-32603, "Internal error; details are in the PromptForge server log.");
  }
}

export function registerResources(server: McpServer, app: App, logger: Logger): void {
  server.registerResource(
    "projects",
    "promptforge://projects",
    {
      title: "Projects",
      description:
        "Every active PromptForge project: name, description, prompt count, has_context and completeness (the " +
        "contexts themselves are in promptforge://projects/{id}/context).",
      mimeType: JSON_MIME,
    },
    (uri) =>
      guard(logger, uri, async () =>
        json(uri, {
          projects: (await allProjects(app)).map((p) => {
            const { context_profile: _profile, ...compact } = compactProject(p);
            return { ...compact, prompt_count: p.prompt_count };
          }),
        }),
      ),
  );

  server.registerResource(
    "project-context",
    new ResourceTemplate("promptforge://projects/{id}/context", {
      list: async () => ({
        resources: (await allProjects(app)).map((p) => ({
          uri: `promptforge://projects/${p.id}/context`,
          name: `${p.name} context`,
          mimeType: JSON_MIME,
        })),
      }),
    }),
    {
      title: "Project codebase context",
      description:
        "The codebase context profile (language, framework, conventions…) used to ground a project's prompts.",
      mimeType: JSON_MIME,
    },
    (uri, vars) =>
      guard(logger, uri, async () => {
        const project = await app.projects.get(variable(vars.id));
        const linked = await app.workspaces.projectContext(project.id);
        return json(uri, {
          project_id: project.id,
          project_name: project.name,
          context_profile: project.context_profile,
          resolved_context: linked.context,
          sources: linked.sources,
          completeness: linked.completeness,
          workspaces: linked.workspaces,
        });
      }),
  );

  server.registerResource(
    "optimization",
    new ResourceTemplate("promptforge://optimizations/{id}", {
      list: async () => {
        const recent = await app.history.list({ page: 1, per_page: 20 });
        return {
          resources: recent.items.map((r) => ({
            uri: `promptforge://optimizations/${r.id}`,
            name: r.title ?? `Optimization ${r.id.slice(0, 8)}`,
            mimeType: JSON_MIME,
          })),
        };
      },
    }),
    {
      title: "Optimization",
      description: "One stored optimization record (the 20 newest are listed).",
      mimeType: JSON_MIME,
    },
    (uri, vars) => guard(logger, uri, async () => json(uri, await app.history.get(variable(vars.id)))),
  );

  server.registerResource(
    "workspaces",
    "promptforge://workspaces",
    {
      title: "Workspaces",
      description:
        "Every workspace link (GitHub repository, local folder, or context pushed by an IDE with sync_workspace): " +
        "project, kind, sync status (pending, syncing, synced, stale, error), last sync, error and completeness.",
      mimeType: JSON_MIME,
    },
    (uri) =>
      guard(logger, uri, async () => {
        const workspaces = (await app.workspaces.status()).map((w) => ({
          ...w,
          context_uri: `promptforge://projects/${w.project_id}/context`,
        }));
        return json(uri, { workspaces });
      }),
  );
}
