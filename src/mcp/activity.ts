// Live activity of MCP tool calls (PRODUCT.md 7). The tracker wraps a transport and watches the
// JSON-RPC traffic, so every `tools/call` yields tool_start and then tool_complete or tool_error,
// whatever happens inside (including input the SDK rejects before a handler runs). Handlers add
// tool_progress through `progress()`. Events carry short summaries only, never a whole prompt.
import { randomUUID } from "node:crypto";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { type ActivitySink, clip, type McpActivity } from "../events/mcp-activity.js";

export interface ToolCallTrackerOptions {
  sink: ActivitySink;
  transport: "http" | "stdio";
  /** The connected client's name (from initialize), read when an event is built. */
  clientName?: () => string | undefined;
  clock?: () => number;
  newId?: () => string;
}

interface OpenCall {
  callId: string;
  tool: string;
  startedAt: number;
}

const LINKED_TOOLS = new Set(["optimize", "retry", "get", "cancel", "tag"]);
const TEXT_KEYS = new Set(["prompt", "content", "original", "optimized", "documentation", "description"]);

/** A one-line description of tool arguments: short values shown, long texts previewed, nothing nested. */
export function describeArgs(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
    if (typeof value === "string") {
      const shown = TEXT_KEYS.has(key) ? clip(value, 48) : clip(value, 40);
      parts.push(TEXT_KEYS.has(key) ? `${key}="${shown}" (${value.length} chars)` : `${key}=${shown}`);
    } else if (typeof value === "number" || typeof value === "boolean") parts.push(`${key}=${value}`);
    else if (Array.isArray(value)) parts.push(`${key}=[${value.length}]`);
    else if (value !== null && value !== undefined) parts.push(`${key}={…}`);
    if (parts.join(", ").length > 240) break;
  }
  return parts.length > 0 ? clip(parts.join(", "), 280) : undefined;
}

interface ToolResultLike {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

function firstText(result: ToolResultLike): string | undefined {
  const item = result.content?.find((c) => c.type === "text" && typeof c.text === "string");
  return item?.text;
}

function linkedOptimization(tool: string, result: ToolResultLike): string | undefined {
  if (!LINKED_TOOLS.has(tool)) return undefined;
  const id = result.structuredContent?.id;
  return typeof id === "string" ? id.slice(0, 100) : undefined;
}

export class ToolCallTracker {
  private readonly calls = new Map<string, OpenCall>();
  private readonly clock: () => number;
  private readonly newId: () => string;
  private lastAt: number | null = null;

  constructor(private readonly options: ToolCallTrackerOptions) {
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
  }

  /** Tool calls in flight on this transport. */
  get activeCalls(): number {
    return this.calls.size;
  }

  /** Time (ms) of the last event this tracker emitted. */
  get lastActivityAt(): number | null {
    return this.lastAt;
  }

  /** Returns a transport that behaves like `inner` and reports the tool calls passing through it. */
  wrap(inner: Transport): Transport {
    return new ObservedTransport(inner, this);
  }

  /** Reports a progress step of the call answering `requestId` (ignored when no such call is open). */
  progress(requestId: RequestId, step: { progress: number; total?: number; message?: string }): void {
    const call = this.calls.get(String(requestId));
    if (!call) return;
    this.emit(call, "tool_progress", {
      progress: step.progress,
      total: step.total,
      message: step.message === undefined ? undefined : clip(step.message, 200),
    });
  }

  /** @internal Called by the wrapped transport for every message received. */
  inbound(message: JSONRPCMessage): void {
    if (!isJSONRPCRequest(message) || message.method !== "tools/call") return;
    const params = (message.params ?? {}) as { name?: unknown; arguments?: unknown };
    const tool =
      typeof params.name === "string" && /^[a-z][a-z0-9_]{0,63}$/.test(params.name) ? params.name : "unknown";
    const call: OpenCall = { callId: this.newId(), tool, startedAt: this.clock() };
    this.calls.set(String(message.id), call);
    this.emit(call, "tool_start", { input: describeArgs(params.arguments) });
  }

  /** @internal Called by the wrapped transport for every message sent. */
  outbound(message: JSONRPCMessage): void {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const key = String(message.id);
    const call = this.calls.get(key);
    if (!call) return;
    this.calls.delete(key);
    const duration_ms = Math.max(0, this.clock() - call.startedAt);
    if (isJSONRPCErrorResponse(message)) {
      this.emit(call, "tool_error", { duration_ms, message: clip(message.error.message, 280) });
      return;
    }
    const result = message.result as ToolResultLike;
    const text = firstText(result);
    const optimization_id = linkedOptimization(call.tool, result);
    if (result.isError) {
      this.emit(call, "tool_error", { duration_ms, message: clip(text ?? "The tool failed.", 280), optimization_id });
    } else {
      this.emit(call, "tool_complete", { duration_ms, summary: text ? clip(text, 280) : undefined, optimization_id });
    }
  }

  /** @internal The transport closed: calls still open will never answer. */
  abandonAll(): void {
    for (const [key, call] of this.calls) {
      this.calls.delete(key);
      const duration_ms = Math.max(0, this.clock() - call.startedAt);
      this.emit(call, "tool_error", { duration_ms, message: "The MCP session closed before the call finished." });
    }
  }

  private emit(call: OpenCall, type: McpActivity["type"], fields: Partial<McpActivity>): void {
    const now = this.clock();
    this.lastAt = now;
    const client = this.options.clientName?.();
    const event: McpActivity = {
      type,
      call_id: call.callId,
      tool: call.tool,
      at: new Date(now).toISOString(),
      transport: this.options.transport,
      ...(client ? { client: clip(client, 100) } : {}),
    };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) (event as Record<string, unknown>)[key] = value;
    }
    try {
      this.options.sink(event);
    } catch {
      // Reporting is best effort: it must never break the call it describes.
    }
  }
}

class ObservedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  setProtocolVersion?: (version: string) => void;

  constructor(
    private readonly inner: Transport,
    private readonly tracker: ToolCallTracker,
  ) {
    inner.onmessage = (message, extra) => {
      this.observe(() => tracker.inbound(message));
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => {
      this.observe(() => tracker.abandonAll());
      this.onclose?.();
    };
    inner.onerror = (error) => this.onerror?.(error);
    if (inner.setProtocolVersion) this.setProtocolVersion = (version) => inner.setProtocolVersion?.(version);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.observe(() => this.tracker.outbound(message));
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private observe(fn: () => void): void {
    try {
      fn();
    } catch {
      // Observation must never disturb the protocol.
    }
  }
}
