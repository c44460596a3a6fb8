// Live activity of MCP tool calls (PRODUCT.md 7). The tracker wraps a transport and watches the
// JSON-RPC traffic, so every `tools/call` yields tool_start and then tool_complete or tool_error,
// whatever happens inside (including input the SDK rejects before a handler runs). Handlers add
// tool_progress through `progress()`. Events carry short summaries only, never a prompt's text; a call
// the client cancels is closed as tool_error, and `interruptAll()` answers calls in flight at shutdown.
import { createHash, randomUUID } from "node:crypto";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
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
  /** The JSON-RPC id the answer must carry. */
  requestId: RequestId;
}

/** The result a call in flight gets when the server shuts down (instead of no answer at all). */
export const SHUTDOWN_MESSAGE =
  "PromptForge is shutting down: this call was stopped before it finished (a run it started ends cancelled). Retry once the server is back.";

const LINKED_TOOLS = new Set(["optimize", "retry", "get", "cancel", "tag"]);
/** Arguments whose values are identifiers or choices, shown when they look like one. */
const SHOWN_KEYS = new Set([
  "id",
  "ids",
  "project_id",
  "prompt_id",
  "strategy",
  "provider",
  "engine",
  "status",
  "sort",
  "order",
  "detail",
  "include",
  "preset",
  "mode",
  "format",
  "version",
  "language",
  "task_type",
]);
const IDENTIFIER = /^[\w.:@/-]{1,64}$/;

/** Size and a short fingerprint of a text: enough to tell two inputs apart, never the text. */
function textSummary(value: string): string {
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 8);
  const lines = value === "" ? 0 : value.split("\n").length;
  return `<${value.length} chars, ${lines} line${lines === 1 ? "" : "s"}, sha256:${hash}>`;
}

/**
 * A one-line description of tool arguments that never contains a prompt's text (nor any other
 * free text: a secret pasted into a prompt must not reach the activity feed): free texts become
 * their size and a short hash, identifiers and choices are shown, lists their length, objects `{…}`.
 */
export function describeArgs(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const parts: string[] = [];
  for (const [rawKey, value] of Object.entries(args as Record<string, unknown>)) {
    const key = /^[a-z][a-z0-9_]{0,63}$/.test(rawKey) ? rawKey : "?";
    if (typeof value === "string") {
      parts.push(SHOWN_KEYS.has(key) && IDENTIFIER.test(value) ? `${key}=${value}` : `${key}=${textSummary(value)}`);
    } else if (typeof value === "number" || typeof value === "boolean") parts.push(`${key}=${value}`);
    else if (Array.isArray(value)) parts.push(`${key}=[${value.length}]`);
    else if (value !== null && value !== undefined) parts.push(`${key}={…}`);
    if (parts.join(", ").length > 240) break;
  }
  return parts.length > 0 ? clip(parts.join(", "), 280) : undefined;
}

/** A client-supplied text on one line: control characters (ESC, CR, bidi overrides…) removed. */
export function sanitizeLine(value: string): string {
  // C0, DEL, C1, and the Unicode format characters that reorder or hide text.
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The client's name from initialize, safe to show (no control characters), at most 100 characters. */
export function clientLabel(name: string | undefined): string | undefined {
  if (typeof name !== "string") return undefined;
  const clean = sanitizeLine(name);
  return clean === "" ? undefined : clip(clean, 100);
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
  private transport: ObservedTransport | undefined;

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
    this.transport = new ObservedTransport(inner, this);
    return this.transport;
  }

  /**
   * Answers every call in flight with an error result (the server is going away), and stops its
   * handler as a client cancellation would, so its run ends cancelled and no late answer follows.
   */
  async interruptAll(message = SHUTDOWN_MESSAGE): Promise<number> {
    const transport = this.transport;
    if (!transport) return 0;
    const open = [...this.calls.values()];
    await Promise.all(open.map((call) => transport.interrupt(call.requestId, message)));
    return open.length;
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
    if (isJSONRPCNotification(message) && message.method === "notifications/cancelled") {
      this.cancelled(message.params as { requestId?: unknown; reason?: unknown } | undefined);
      return;
    }
    if (!isJSONRPCRequest(message) || message.method !== "tools/call") return;
    const params = (message.params ?? {}) as { name?: unknown; arguments?: unknown };
    const tool =
      typeof params.name === "string" && /^[a-z][a-z0-9_]{0,63}$/.test(params.name) ? params.name : "unknown";
    const call: OpenCall = { callId: this.newId(), tool, startedAt: this.clock(), requestId: message.id };
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

  /**
   * The client cancelled a call (`notifications/cancelled`): the SDK aborts its handler and sends no
   * answer, so the call is closed here; its run and its sampling requests stop through the handler's signal.
   */
  private cancelled(params: { requestId?: unknown; reason?: unknown } | undefined): void {
    const id = params?.requestId;
    if (typeof id !== "string" && typeof id !== "number") return;
    const key = String(id);
    const call = this.calls.get(key);
    if (!call) return;
    this.calls.delete(key);
    const reason = typeof params?.reason === "string" && params.reason.trim() !== "" ? params.reason : undefined;
    this.emit(call, "tool_error", {
      duration_ms: Math.max(0, this.clock() - call.startedAt),
      message: clip(`Cancelled by the client${reason ? `: ${sanitizeLine(reason)}` : "."}`, 280),
    });
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
    const client = clientLabel(this.options.clientName?.());
    const event: McpActivity = {
      type,
      call_id: call.callId,
      tool: call.tool,
      at: new Date(now).toISOString(),
      transport: this.options.transport,
      ...(client ? { client } : {}),
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

  /** Stops the handler of `requestId` (a synthetic client cancellation), then answers it with an error result. */
  async interrupt(requestId: RequestId, message: string): Promise<void> {
    // Not through the tracker (the call is closed below with the shutdown answer, not as "cancelled").
    this.observe(() =>
      this.onmessage?.({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason: "server shutdown" },
      }),
    );
    const answer: JSONRPCMessage = {
      jsonrpc: "2.0",
      id: requestId,
      result: { isError: true, content: [{ type: "text", text: message }] },
    };
    this.observe(() => this.tracker.outbound(answer));
    await this.inner.send(answer, { relatedRequestId: requestId }).catch(() => undefined);
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
