// The MCP client configuration (`promptforge mcp --print-config`) with this server's real MCP URL,
// for the web UI's Settings. Built by src/mcp/client-config.ts, never duplicated: the MCP token is
// never included (commands read $MCP_AUTH_TOKEN, JSON files get a placeholder).
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { clientConfigSnippets, mcpHttpUrl, renderClientConfig } from "../../mcp/client-config.js";
import type { HttpDeps } from "../http-deps.js";
import { jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const SnippetSchema = z
  .object({
    id: z.string().meta({ description: "Stable id, e.g. `cursor-http`" }),
    client: z.enum(["Claude Code", "Claude Desktop", "Cursor", "VS Code"]),
    transport: z.enum(["stdio", "http"]),
    format: z.enum(["shell", "json"]).meta({ description: "`shell`: a command to run; `json`: a file's content" }),
    file: z.string().nullable().meta({ description: "Where the JSON goes; null for commands" }),
    content: z.string(),
  })
  .meta({ id: "McpClientSnippet" });

const ClientConfigSchema = z
  .object({
    url: z.string().meta({ description: "The Streamable HTTP endpoint of this server's MCP server" }),
    running: z.boolean().meta({ description: "Whether that MCP server is running in this process" }),
    auth_required: z.boolean().meta({ description: "Whether /mcp needs MCP_AUTH_TOKEN (never included here)" }),
    text: z.string().meta({ description: "Exactly what `promptforge mcp --print-config` prints for this server" }),
    snippets: z.array(SnippetSchema),
  })
  .meta({ id: "McpClientConfig" });

export function registerMcpConfigRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  defineRoute(
    http,
    {
      method: "get",
      path: "/api/mcp/client-config",
      operationId: "getMcpClientConfig",
      tags: ["mcp"],
      summary: "MCP client configuration to copy (Claude Code, Claude Desktop, Cursor, VS Code)",
      description:
        "The same snippets as `promptforge mcp --print-config`, with the URL this server's MCP server really " +
        "listens on. The MCP token is never included.",
      responses: jsonResponse(ClientConfigSchema, "Configuration snippets per client and transport"),
    },
    (c) => {
      const { config } = deps.app;
      // PORT=0: the port this request reached is the API's real one (the stdio snippets' PORT).
      const port = config.port === 0 ? Number(new URL(c.req.url).port) || config.port : config.port;
      const input = { config: { ...config, port, mcpPort: deps.mcpPort() ?? config.mcpPort } };
      return c.json({
        url: mcpHttpUrl(input.config),
        running: deps.mcpState() === "running",
        auth_required: config.mcpAuthToken !== undefined,
        text: renderClientConfig(input),
        snippets: clientConfigSnippets(input),
      });
    },
  );
}
