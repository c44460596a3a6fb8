// The backend side of MCP activity, as Hono routes for the API server to mount:
//   POST /internal/mcp-event   signed webhook from a separate MCP process → validated → bus
//   GET  /api/mcp/events       SSE feed of the bus: replay, Last-Event-ID resume, `: ping` heartbeat
//   GET  /api/mcp/status       MCP HTTP state, sessions, last activity
// Self-contained (hono, security, events), so it can live under src/server/routes/ unchanged.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import type { Logger } from "pino";
import type { BusEntry } from "../events/bus.js";
import { type McpActivity, type McpActivityBus, McpActivitySchema } from "../events/mcp-activity.js";
import { errorResponse } from "../security/error-response.js";
import { internalAuth, type ReplayCache } from "../security/internal-signing.js";
import { MCP_EVENT_PATH } from "./activity-webhook.js";
import type { McpHttpStatus } from "./http.js";

export const MCP_EVENTS_PATH = "/api/mcp/events";
export const MCP_STATUS_PATH = "/api/mcp/status";

export interface McpActivityRoutesOptions {
  bus: McpActivityBus;
  /** INTERNAL_WEBHOOK_SECRET (see resolveInternalSecret). */
  secret: string;
  logger?: Pick<Logger, "warn" | "debug">;
  /** State of the in-process MCP HTTP server; null or absent when it is not running. */
  status?: () => McpHttpStatus | null;
  /** Interval of the `: ping` comment on the feed (default 15 000 ms). */
  heartbeatMs?: number;
  /** Newest buffered events sent to a client that connects without Last-Event-ID (default 100). */
  initialReplay?: number;
  /** Open feed connections at most (default 50); more get 503. */
  maxStreams?: number;
  /** A client this many events behind is disconnected (it resumes with Last-Event-ID). */
  maxBacklog?: number;
  clock?: () => number;
  replayCache?: ReplayCache;
}

export interface McpActivityRoutes {
  /** Mount at the root: `http.route("/", routes.app)`. */
  app: Hono;
  readonly openStreams: number;
  /** Ends every open feed (server shutdown). */
  close(): void;
}

const WEBHOOK_MAX_BYTES = 16 * 1024;

function parseLastEventId(value: string | undefined): number | undefined {
  // Feed ids are `ms × 1000 + n` (16 digits), see createMcpActivityBus.
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const id = Number(value.trim());
  return Number.isSafeInteger(id) ? id : undefined;
}

export function createMcpActivityRoutes(options: McpActivityRoutesOptions): McpActivityRoutes {
  const { bus } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const initialReplay = options.initialReplay ?? 100;
  const maxStreams = options.maxStreams ?? 50;
  const maxBacklog = options.maxBacklog ?? 1_000;
  const streams = new Set<() => void>();
  const app = new Hono();

  app.post(
    MCP_EVENT_PATH,
    bodyLimit({
      maxSize: WEBHOOK_MAX_BYTES,
      onError: (c) => errorResponse(c, 413, "payload_too_large", `The event exceeds ${WEBHOOK_MAX_BYTES} bytes.`),
    }),
    internalAuth({
      secret: options.secret,
      clock: options.clock,
      replayCache: options.replayCache,
      onReject: (reason) => options.logger?.warn({ reason }, "rejected an unsigned or invalid MCP activity webhook"),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return errorResponse(c, 400, "invalid_json", "The body is not JSON.");
      }
      const parsed = McpActivitySchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return errorResponse(
          c,
          422,
          "validation_error",
          `Invalid MCP event — ${issue?.path.join(".") || "(body)"}: ${issue?.message}`,
        );
      }
      const entry = await bus.publish(parsed.data);
      return c.json({ id: entry.id }, 202);
    },
  );

  app.get(MCP_EVENTS_PATH, (c) => {
    if (streams.size >= maxStreams) {
      return errorResponse(c, 503, "unavailable", "Too many open activity feeds; retry later.", { "Retry-After": "5" });
    }
    const after = parseLastEventId(c.req.header("last-event-id") ?? c.req.query("last_event_id"));
    return streamSSE(c, async (stream) => {
      const queue: Array<BusEntry<McpActivity>> = [];
      let closed = false;
      let wake: (() => void) | null = null;
      const stop = () => {
        closed = true;
        wake?.();
      };
      streams.add(stop);
      stream.onAbort(stop);
      const unsubscribe = bus.subscribe(
        (entry) => {
          queue.push(entry);
          if (queue.length > maxBacklog) stop();
          wake?.();
        },
        after !== undefined ? { after } : { replayLimit: initialReplay },
      );
      let lastSent = after ?? 0;
      try {
        await stream.write(": connected\n\n");
        while (!closed) {
          while (queue.length > 0 && !closed) {
            const entry = queue.shift() as BusEntry<McpActivity>;
            if (entry.id <= lastSent) continue;
            lastSent = entry.id;
            await stream.writeSSE({
              id: String(entry.id),
              event: entry.event.type,
              data: JSON.stringify({ id: entry.id, ...entry.event }),
            });
          }
          if (closed) break;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const ticked = await new Promise<boolean>((resolve) => {
            wake = () => resolve(false);
            timer = setTimeout(() => resolve(true), heartbeatMs);
          });
          wake = null;
          clearTimeout(timer);
          if (ticked && !closed) await stream.write(": ping\n\n");
        }
      } catch (error) {
        options.logger?.debug(
          { err: error instanceof Error ? error.message : String(error) },
          "MCP activity feed ended",
        );
      } finally {
        unsubscribe();
        streams.delete(stop);
      }
    });
  });

  app.get(MCP_STATUS_PATH, (c) => {
    const http = options.status?.() ?? null;
    return c.json({
      running: http?.running ?? false,
      url: http?.url ?? null,
      transport: http?.transport ?? null,
      auth_required: http?.auth_required ?? null,
      sessions: http?.sessions ?? 0,
      active_calls: http?.active_calls ?? 0,
      last_activity_at: bus.latest()?.event.at ?? http?.last_activity_at ?? null,
      last_event_id: bus.latest()?.id ?? null,
      feed_subscribers: streams.size,
    });
  });

  return {
    app,
    get openStreams() {
      return streams.size;
    },
    close() {
      for (const stop of [...streams]) stop();
    },
  };
}
