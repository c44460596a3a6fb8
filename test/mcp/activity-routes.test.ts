// The backend side of MCP activity: the signed webhook, the SSE feed (replay, resume, heartbeat) and status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpActivity } from "../../src/events/mcp-activity.js";
import { createWebhookSink, MCP_EVENT_PATH } from "../../src/mcp/activity-webhook.js";
import { createSignedFetch, signRequest } from "../../src/security/internal-signing.js";
import { type ActivityServer, readFeed, startActivityServer } from "./activity-server.js";

const SECRET = "a".repeat(64);

function activity(type: McpActivity["type"], n: number, extra: Partial<McpActivity> = {}): McpActivity {
  return {
    type,
    call_id: `call-${String(n).padStart(8, "0")}`,
    tool: "optimize",
    at: new Date().toISOString(),
    transport: "stdio",
    ...extra,
  };
}

let s: ActivityServer;
beforeAll(async () => {
  s = await startActivityServer({
    secret: SECRET,
    heartbeatMs: 100,
    status: () => ({
      running: true,
      url: "http://127.0.0.1:8001/mcp",
      transport: "streamable-http",
      auth_required: true,
      sessions: 2,
      active_calls: 0,
      last_activity_at: null,
    }),
  });
});
afterAll(async () => {
  await s.close();
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${s.url}${MCP_EVENT_PATH}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", ...headers },
  });

describe("POST /internal/mcp-event", () => {
  it("publishes a correctly signed, valid event to the bus", async () => {
    const signed = createSignedFetch({ baseUrl: s.url, secret: SECRET });
    const res = await signed(MCP_EVENT_PATH, {
      method: "POST",
      body: JSON.stringify(activity("tool_start", 1)),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    expect(s.bus.latest()).toMatchObject({ id, event: { type: "tool_start", call_id: "call-00000001" } });
  });

  it("answers 401 to an unsigned, wrongly signed, tampered or replayed request", async () => {
    const body = JSON.stringify(activity("tool_start", 2));
    const before = s.bus.latest()?.id;
    expect((await post(body, {})).status).toBe(401);
    expect(
      (await post(body, signRequest({ secret: "b".repeat(64), method: "POST", path: MCP_EVENT_PATH, body }))).status,
    ).toBe(401);
    const headers = signRequest({ secret: SECRET, method: "POST", path: MCP_EVENT_PATH, body });
    expect((await post(JSON.stringify(activity("tool_error", 2)), headers)).status).toBe(401);
    expect((await post(body, headers)).status).toBe(202);
    expect((await post(body, headers)).status).toBe(401); // the same request id again
    const stale = signRequest({
      secret: SECRET,
      method: "POST",
      path: MCP_EVENT_PATH,
      body,
      clock: () => Date.now() - 10 * 60_000,
    });
    expect((await post(body, stale)).status).toBe(401);
    expect(s.bus.latest()?.id).toBe((before ?? 0) + 1);
  });

  it("validates the event (422) and bounds its size (413)", async () => {
    const bad = JSON.stringify({ ...activity("tool_start", 3), summary: "x".repeat(1_000) });
    const res = await post(bad, signRequest({ secret: SECRET, method: "POST", path: MCP_EVENT_PATH, body: bad }));
    expect(res.status).toBe(422);
    const extra = JSON.stringify({ ...activity("tool_start", 3), api_key: "sk-should-not-pass" });
    expect(
      (await post(extra, signRequest({ secret: SECRET, method: "POST", path: MCP_EVENT_PATH, body: extra }))).status,
    ).toBe(422);
    const huge = JSON.stringify({ pad: "x".repeat(40_000) });
    expect(
      (await post(huge, signRequest({ secret: SECRET, method: "POST", path: MCP_EVENT_PATH, body: huge }))).status,
    ).toBe(413);
  });

  it("is what the stdio process's webhook sink talks to", async () => {
    const logs: unknown[] = [];
    const webhook = createWebhookSink({
      baseUrl: s.url,
      secret: SECRET,
      logger: { debug: (o: unknown) => logs.push(o) } as never,
    });
    webhook.sink(activity("tool_start", 4));
    webhook.sink(activity("tool_complete", 4, { duration_ms: 12, summary: "done" }));
    await webhook.flush();
    expect(s.bus.latest()?.event).toMatchObject({ type: "tool_complete", call_id: "call-00000004" });
    expect(logs).toEqual([]);

    const warnings: string[] = [];
    const unreachable = createWebhookSink({
      baseUrl: "http://127.0.0.1:9",
      secret: SECRET,
      timeoutMs: 500,
      logger: { debug: (o: unknown) => logs.push(o), warn: (_o: unknown, m: string) => warnings.push(m) } as never,
    });
    unreachable.sink(activity("tool_start", 5));
    unreachable.sink(activity("tool_complete", 5, { duration_ms: 1 }));
    await unreachable.flush();
    expect(logs).toHaveLength(2); // each failure at debug, never thrown
    // One loud warning naming the address and what to set, not one per event.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("http://127.0.0.1:9");
    expect(warnings[0]).toContain("HOST/PORT");
    expect(unreachable.warned).toBe(true);
  });
});

describe("GET /api/mcp/events", () => {
  it("replays buffered events with ids and names, then streams live ones", async () => {
    const latest = s.bus.latest()?.id ?? 0;
    const feed = readFeed(`${s.url}/api/mcp/events`, (f) =>
      f.some((x) => (x.data as McpActivity).call_id === "call-00000010"),
    );
    await new Promise((r) => setTimeout(r, 100));
    await s.bus.publish(activity("tool_progress", 10, { progress: 1, total: 4, message: "Choosing a strategy" }));
    const frames = await feed;
    expect(frames.length).toBeGreaterThan(1);
    const last = frames.at(-1);
    expect(last).toMatchObject({
      event: "tool_progress",
      id: String(latest + 1),
      data: { id: latest + 1, progress: 1 },
    });
    const ids = frames.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("resumes after Last-Event-ID without repeating earlier events", async () => {
    const after = s.bus.latest()?.id ?? 0;
    await s.bus.publish(activity("tool_complete", 11));
    await s.bus.publish(activity("tool_error", 12, { message: "not_found: nope" }));
    const frames = await readFeed(`${s.url}/api/mcp/events`, (f) => f.length >= 2, {
      headers: { "Last-Event-ID": String(after) },
    });
    expect(frames.map((f) => Number(f.id))).toEqual([after + 1, after + 2]);
    expect(frames.map((f) => f.event)).toEqual(["tool_complete", "tool_error"]);
  });

  it("sends a heartbeat comment while idle", async () => {
    const comments: string[] = [];
    await readFeed(`${s.url}/api/mcp/events`, () => false, {
      headers: { "Last-Event-ID": String(s.bus.latest()?.id ?? 0) },
      timeoutMs: 450,
      comments,
    });
    expect(comments).toContain("ping");
  });
});

describe("GET /api/mcp/status", () => {
  it("reports the MCP HTTP server, its sessions and the last activity", async () => {
    const status = (await (await fetch(`${s.url}/api/mcp/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ running: true, url: "http://127.0.0.1:8001/mcp", sessions: 2, auth_required: true });
    expect(status.last_activity_at).toBe(s.bus.latest()?.event.at);
    expect(status.last_event_id).toBe(s.bus.latest()?.id);
  });

  it("says not running when no MCP HTTP server is attached", async () => {
    const other = await startActivityServer({ secret: SECRET });
    try {
      const status = (await (await fetch(`${other.url}/api/mcp/status`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ running: false, url: null, sessions: 0, last_activity_at: null });
    } finally {
      await other.close();
    }
  });
});
