// Mounts the MCP activity routes (src/mcp/activity-routes.ts, a plain Hono app) on the API and
// describes its two /api operations in the OpenAPI document. Both happen here, together, so the
// document lists the feed exactly when the server serves it: `promptforge serve` always mounts it
// (whether or not its MCP server started); an API built without this mount lists neither.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { McpActivitySchema } from "../events/mcp-activity.js";
import { MCP_EVENTS_PATH, MCP_STATUS_PATH, type McpActivityRoutes } from "../mcp/activity-routes.js";
import { errorResponse, jsonResponse } from "./openapi.js";
import { registerOperation } from "./route.js";

/** The JSON `data:` of one feed event: the activity with the bus id that is also its SSE `id:`. */
export const McpActivityEvent = McpActivitySchema.extend({
  id: z.number().int().min(1).meta({ description: "Same as the SSE `id:`; send it back as `Last-Event-ID`" }),
}).meta({
  description:
    "One MCP tool-call event (`tool_start`, `tool_progress`, `tool_complete`, `tool_error`), the `data:` of an " +
    "`/api/mcp/events` event whose `event:` is its `type`",
});

/**
 * `McpActivityEvent` as a JSON Schema (2020-12, the dialect of OpenAPI 3.1) for components.schemas:
 * no operation returns it as a body, and the registry's own `register` needs zod's `.openapi()`
 * extension, which is not on every zod instance a process may load.
 */
function activityEventComponent(): Record<string, unknown> {
  const schema = z.toJSONSchema(McpActivityEvent, { io: "output" }) as Record<string, unknown>;
  const { $schema: _dialect, ...component } = schema;
  return component;
}

export const McpStatus = z
  .object({
    running: z.boolean().meta({ description: "Whether this process's MCP Streamable HTTP server is running" }),
    url: z
      .string()
      .nullable()
      .meta({ description: "Its endpoint, e.g. http://127.0.0.1:8001/mcp; null when not running" }),
    transport: z.enum(["streamable-http"]).nullable(),
    auth_required: z
      .boolean()
      .nullable()
      .meta({ description: "Whether /mcp needs MCP_AUTH_TOKEN; null when not running" }),
    sessions: z.number().int().min(0),
    active_calls: z.number().int().min(0),
    last_activity_at: z.string().nullable().meta({ description: "ISO time of the newest activity, any transport" }),
    last_event_id: z.number().int().nullable().meta({ description: "Id of the newest event on the feed" }),
    feed_subscribers: z.number().int().min(0).meta({ description: "Open `/api/mcp/events` connections" }),
  })
  .meta({ id: "McpStatus" });

const AVAILABILITY =
  "Served by `promptforge serve`, which always mounts the MCP activity feed, also when its MCP server did not " +
  "start (stdio clients still report here). An API started without that mount has no such route and does not " +
  "list it in its document.";

const FEED_DESCRIPTION = [
  "A `text/event-stream` of MCP tool-call activity from every transport (Streamable HTTP in this process,",
  "stdio processes through the signed internal webhook). It opens with a `: connected` comment; each event has",
  "`id:` (increasing), `event:` (`tool_start`, `tool_progress`, `tool_complete` or `tool_error`) and a JSON `data:`",
  "that is a `McpActivityEvent`; a `: ping` comment keeps idle connections open (every 15 s).",
  "Without `Last-Event-ID` the newest 100 buffered events are replayed first; with it, the buffered events after",
  "that id. A client that falls 1 000 events behind is disconnected and resumes with `Last-Event-ID`.",
  AVAILABILITY,
].join(" ");

/** `http.route("/", routes.app)` plus the document entries of GET /api/mcp/events and /api/mcp/status. */
export function mountMcpActivityRoutes(http: OpenAPIHono, routes: McpActivityRoutes): void {
  http.route("/", routes.app);
  http.openAPIRegistry.registerComponent("schemas", "McpActivityEvent", activityEventComponent());

  registerOperation(
    http,
    {
      method: "get",
      path: MCP_EVENTS_PATH,
      operationId: "streamMcpEvents",
      tags: ["mcp"],
      summary: "Live MCP activity feed (Server-Sent Events)",
      description: FEED_DESCRIPTION,
      query: z.object({
        last_event_id: z
          .string()
          .optional()
          .meta({ description: "For clients that cannot set headers; `Last-Event-ID` wins when both are sent" }),
      }),
      headers: z.object({
        "last-event-id": z
          .string()
          .optional()
          .meta({ description: "Resume after this event id (digits; any other value is ignored)" }),
      }),
      responses: {
        "200": {
          description: "The event stream (data of each event: `#/components/schemas/McpActivityEvent`)",
          content: { "text/event-stream": { schema: { type: "string" } } },
        },
        "503": errorResponse(503, "Too many open feeds (50) (`unavailable`); retry after `Retry-After` seconds", {
          "Retry-After": { description: "Seconds to wait (5)", schema: { type: "integer" } },
        }),
      },
    },
    // The handler parses Last-Event-ID leniently: nothing here answers 400 or 422.
    { validated: false },
  );

  registerOperation(
    http,
    {
      method: "get",
      path: MCP_STATUS_PATH,
      operationId: "getMcpStatus",
      tags: ["mcp"],
      summary: "State of the MCP server, its sessions and the latest activity",
      description: AVAILABILITY,
      responses: jsonResponse(McpStatus, "MCP state"),
    },
    { validated: false },
  );
}
