// MCP activity events (PRODUCT.md 7): one per tool call start, progress step, completion or failure.
// The same shape travels in-process on the bus and over the signed `/internal/mcp-event` webhook,
// so it is validated strictly and every text field is short: summaries and previews, never secrets
// and never a whole prompt.
import { z } from "zod";
import { createMemoryEventBus, type EventBus } from "./bus.js";
import type { RedisConnection } from "./redis.js";
import { createRedisEventBus } from "./redis-bus.js";

export const MCP_ACTIVITY_TYPES = ["tool_start", "tool_progress", "tool_complete", "tool_error"] as const;
export type McpActivityType = (typeof MCP_ACTIVITY_TYPES)[number];

/** Longest text any activity field may carry. */
export const ACTIVITY_TEXT_MAX = 300;

const text = z.string().max(ACTIVITY_TEXT_MAX);

export const McpActivitySchema = z
  .object({
    type: z.enum(MCP_ACTIVITY_TYPES),
    /** One id per tool call, shared by its start, progress and end events. */
    call_id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    tool: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
    /** ISO-8601 time the event happened. */
    at: z.iso.datetime(),
    transport: z.enum(["http", "stdio"]),
    /** The MCP client's self-declared name (clientInfo.name), e.g. "claude-code". */
    client: z.string().max(100).optional(),
    /** Short description of the arguments (tool_start). */
    input: text.optional(),
    /** Progress so far and its total (tool_progress). */
    progress: z.number().min(0).max(1e9).optional(),
    total: z.number().min(0).max(1e9).optional(),
    /** Progress message (tool_progress) or error message (tool_error). */
    message: text.optional(),
    /** One-line outcome (tool_complete). */
    summary: text.optional(),
    duration_ms: z.number().min(0).max(1e10).optional(),
    /** The optimization the call created or touched, for linking in the UI. */
    optimization_id: z.string().max(100).optional(),
  })
  .strict();
export type McpActivity = z.infer<typeof McpActivitySchema>;

/** Where activity goes: the in-process bus, or the webhook of the API server in another process. */
export type ActivitySink = (event: McpActivity) => void;

export type McpActivityBus = EventBus<McpActivity>;

/** Cuts text to `max` characters (with an ellipsis) and folds whitespace runs, for previews. */
export function clip(value: string, max = 80): string {
  const folded = value.replace(/\s+/g, " ").trim();
  return folded.length <= max ? folded : `${folded.slice(0, Math.max(0, max - 1))}…`;
}

/** A sink that publishes to an in-process bus; publishing never throws into the tool call. */
export function busSink(bus: McpActivityBus, onError?: (error: unknown) => void): ActivitySink {
  return (event) => {
    bus.publish(event).catch((error: unknown) => onError?.(error));
  };
}

/** The Redis stream of the activity feed (REDIS_URL), shared by every instance. */
export const MCP_ACTIVITY_STREAM = "pf:events:mcp-activity";

export interface McpActivityBusOptions {
  /** The instance's Redis connection: the feed is then shared by every instance (a Redis Stream). */
  redis?: RedisConnection | null;
  /** About this many newest events are kept in the stream (default 10 000). */
  maxLen?: number;
  onError?: (error: unknown) => void;
}

/**
 * The activity feed's bus: over Redis Streams with a Redis connection (events of every instance,
 * Last-Event-ID replay on any of them), else in this process. Either way the ids are
 * `ms × 1000 + n`, so they keep increasing across restarts and a resuming client is never told
 * "nothing new" by a restarted server.
 */
export function createMcpActivityBus(options: McpActivityBusOptions = {}): McpActivityBus {
  if (!options.redis) return createMemoryEventBus<McpActivity>({ ids: "time" });
  return createRedisEventBus<McpActivity>({
    connection: options.redis,
    stream: MCP_ACTIVITY_STREAM,
    maxLen: options.maxLen,
    // Entries are read back from a shared store: only well-formed activity reaches a client.
    decode: (value) => {
      const parsed = McpActivitySchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    onError: options.onError,
    onListenerError: options.onError,
  });
}
