import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { type McpActivity, McpActivitySchema } from "../events/mcp-activity.js";
import { describeArgs, ToolCallTracker } from "./activity.js";

class FakeTransport implements Transport {
  sent: JSONRPCMessage[] = [];
  onmessage?: (m: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (e: Error) => void;
  async start() {}
  async close() {}
  async send(m: JSONRPCMessage) {
    this.sent.push(m);
  }
}

function setup() {
  const events: McpActivity[] = [];
  let now = 1_000;
  const tracker = new ToolCallTracker({
    sink: (e) => events.push(e),
    transport: "stdio",
    clientName: () => "test-ide",
    clock: () => now,
    newId: () => "call-0001",
  });
  const inner = new FakeTransport();
  const outer = tracker.wrap(inner);
  const received: JSONRPCMessage[] = [];
  outer.onmessage = (m) => received.push(m);
  return { events, tracker, inner, outer, received, advance: (ms: number) => (now += ms) };
}

describe("ToolCallTracker", () => {
  it("reports start, progress and completion of a tool call with its duration", async () => {
    const t = setup();
    const prompt = "Summarise this very long document. ".repeat(50);
    t.inner.onmessage?.({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "optimize", arguments: { prompt } },
    });
    expect(t.received).toHaveLength(1); // the server still gets the message
    t.tracker.progress(7, { progress: 1, total: 4, message: "Choosing a strategy" });
    t.advance(250);
    await t.outer.send({
      jsonrpc: "2.0",
      id: 7,
      result: { content: [{ type: "text", text: "Optimized abc." }], structuredContent: { id: "rec-1" } },
    });
    expect(t.inner.sent).toHaveLength(1);
    expect(t.events.map((e) => e.type)).toEqual(["tool_start", "tool_progress", "tool_complete"]);
    expect(t.events.every((e) => McpActivitySchema.safeParse(e).success)).toBe(true);
    const [start, , done] = t.events;
    expect(start?.input).toMatch(new RegExp(`^prompt=<${prompt.length} chars, 1 line, sha256:[0-9a-f]{8}>$`));
    expect(start?.input).not.toContain("Summarise");
    expect(start?.input?.length).toBeLessThan(300);
    expect(done).toMatchObject({
      duration_ms: 250,
      summary: "Optimized abc.",
      optimization_id: "rec-1",
      client: "test-ide",
    });
  });

  it("reports isError results and JSON-RPC errors as tool_error", async () => {
    const t = setup();
    t.inner.onmessage?.({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get", arguments: {} } });
    await t.outer.send({
      jsonrpc: "2.0",
      id: 1,
      result: { isError: true, content: [{ type: "text", text: "not_found: nope" }] },
    });
    t.inner.onmessage?.({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get" } });
    await t.outer.send({ jsonrpc: "2.0", id: 2, error: { code: -32602, message: "bad" } });
    expect(t.events.filter((e) => e.type === "tool_error").map((e) => e.message)).toEqual(["not_found: nope", "bad"]);
    expect(t.tracker.activeCalls).toBe(0);
  });

  it("ignores other traffic", async () => {
    const t = setup();
    t.inner.onmessage?.({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    await t.outer.send({ jsonrpc: "2.0", id: 3, result: { tools: [] } });
    expect(t.events).toEqual([]);
  });
});

describe("describeArgs", () => {
  it("keeps no prompt text, long or short: sizes and a short hash instead", () => {
    const text = "x".repeat(5_000);
    const out = describeArgs({
      prompt: text,
      tags: ["a", "b"],
      max_iterations: 2,
      codebase_context: { language: "ts" },
    });
    expect(out).toMatch(
      /^prompt=<5000 chars, 1 line, sha256:[0-9a-f]{8}>, tags=\[2\], max_iterations=2, codebase_context=\{…\}$/,
    );
    expect(out?.length).toBeLessThanOrEqual(280);
    const key = "sk-ant-api03-SECRETSECRETSECRET";
    for (const args of [
      { prompt: `Use ${key} to call the API` },
      { prompt: "hi" },
      { content: `two\nlines ${key}` },
      { title: key, query: key, optimized: key },
      { strategy: `co-star ${key}` },
    ]) {
      const summary = describeArgs(args) ?? "";
      expect(summary).not.toContain("SECRET");
      expect(summary).not.toContain("hi");
      expect(summary).not.toContain("call the API");
    }
    expect(describeArgs({ prompt: "hi" })).toMatch(/^prompt=<2 chars, 1 line, sha256:[0-9a-f]{8}>$/);
    // Identifiers and choices stay readable.
    expect(describeArgs({ id: "3f2a-11", strategy: "co-star", provider: "mcp-sampling" })).toBe(
      "id=3f2a-11, strategy=co-star, provider=mcp-sampling",
    );
  });
});

describe("ToolCallTracker and the client", () => {
  it("closes a call the client cancels (notifications/cancelled) as tool_error", () => {
    const t = setup();
    t.inner.onmessage?.({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "optimize", arguments: {} } });
    expect(t.tracker.activeCalls).toBe(1);
    t.advance(40);
    t.inner.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 4, reason: "User\u001b[31m pressed Esc" },
    });
    expect(t.tracker.activeCalls).toBe(0);
    expect(t.events.map((e) => e.type)).toEqual(["tool_start", "tool_error"]);
    expect(t.events[1]).toMatchObject({ duration_ms: 40, message: "Cancelled by the client: User [31m pressed Esc" });
    expect(t.received).toHaveLength(2); // the SDK still gets the cancellation (it aborts the handler)
  });

  it("answers calls in flight with an error result at shutdown and stops their handlers", async () => {
    const t = setup();
    t.inner.onmessage?.({ jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "optimize" } });
    expect(await t.tracker.interruptAll()).toBe(1);
    expect(t.inner.sent).toEqual([
      expect.objectContaining({ id: "a", result: expect.objectContaining({ isError: true }) }),
    ]);
    expect(t.received.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { requestId: "a" } });
    expect(t.events.map((e) => e.type)).toEqual(["tool_start", "tool_error"]);
    expect(t.events[1]?.message).toMatch(/shutting down/);
    expect(t.tracker.activeCalls).toBe(0);
  });

  it("strips control characters from the client's name", () => {
    const events: McpActivity[] = [];
    const tracker = new ToolCallTracker({
      sink: (e) => events.push(e),
      transport: "http",
      clientName: () => "\u001b]0;evil\u0007IDE\u001b[2J\r\nname\u202e",
    });
    const inner = new FakeTransport();
    tracker.wrap(inner);
    inner.onmessage?.({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "stats" } });
    expect(events[0]?.client).toBe("]0;evil IDE [2J name");
    expect(events[0]?.client).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });
});

describe("ToolCallTracker on a closed transport", () => {
  it("ends calls that will never answer with tool_error", () => {
    const t = setup();
    t.inner.onmessage?.({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "batch", arguments: {} } });
    t.inner.onclose?.();
    expect(t.events.map((e) => e.type)).toEqual(["tool_start", "tool_error"]);
    expect(t.events[1]?.message).toMatch(/session closed/);
    expect(t.tracker.activeCalls).toBe(0);
  });
});
