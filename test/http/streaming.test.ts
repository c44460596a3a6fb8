// Runs caught in flight, with an engine that takes a while per stage: client disconnect, cancel,
// heartbeat comments, and a server shutdown that ends open streams.
import { afterEach, describe, expect, it } from "vitest";
import { collectSse, readSse, type SseFrame } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

const PROMPT = "Explain how TLS certificate pinning works, for mobile developers.";

async function waitForStatus(s: TestServer, id: string, status: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const res = await s.json("GET", `/api/optimize/${id}`);
    last = res.body.status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  return last;
}

function openStream(s: TestServer, body: unknown, signal?: AbortSignal): Promise<Response> {
  return s.fetch("/api/optimize", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });
}

describe("SSE runs in flight", () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("cancels the run when the client disconnects; the record ends cancelled", async () => {
    s = await startTestServer({ engineDelayMs: 300 });
    const controller = new AbortController();
    const res = await openStream(s, { prompt: PROMPT }, controller.signal);
    const id = res.headers.get("x-optimization-id") as string;
    const iterator = readSse(res);
    const first = await iterator.next();
    expect(first.value).toMatchObject({ kind: "event", frame: { event: "stage" } });
    controller.abort();
    await iterator.return(undefined).catch(() => {});
    expect(await waitForStatus(s, id, "cancelled")).toBe("cancelled");
    // Still cancelled once the engine would have finished: a late completion never overwrites it.
    await new Promise((r) => setTimeout(r, 400));
    expect((await s.json("GET", `/api/optimize/${id}`)).body.status).toBe("cancelled");
  });

  it("cancel stops a running optimization: 200, the stream ends with an error event, the record is cancelled", async () => {
    s = await startTestServer({ engineDelayMs: 300 });
    const res = await openStream(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const collected = collectSse(res);
    const cancel = await s.json("POST", `/api/optimize/${id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe("cancelled");
    const { events } = await collected;
    expect(events.at(-1)).toMatchObject({ event: "error", data: { code: "cancelled", retryable: true } });
    expect(events.map((e) => e.event)).not.toContain("complete");
    expect((await s.json("GET", `/api/optimize/${id}`)).body.status).toBe("cancelled");
  });

  it("sends `: ping` heartbeat comments while a run is quiet", async () => {
    s = await startTestServer({ engineDelayMs: 120, heartbeatMs: 20 });
    const res = await openStream(s, { prompt: PROMPT });
    const { events, comments } = await collectSse(res);
    expect(comments.filter((c) => c === "ping").length).toBeGreaterThan(2);
    expect(events.at(-1)?.event).toBe("complete");
  });

  it("cancels the rest of a streamed batch when the client disconnects", async () => {
    s = await startTestServer({ engineDelayMs: 100, env: { BATCH_CONCURRENCY: "1" } });
    const controller = new AbortController();
    const res = await s.fetch("/api/optimize/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ prompts: ["One prompt.", "Two prompt.", "Three prompt.", "Four prompt."], tags: ["b"] }),
      signal: controller.signal,
    });
    const iterator = readSse(res);
    // The first finished item (its `item_stage` events come before it).
    let first = await iterator.next();
    while (!first.done && first.value.kind === "event" && first.value.frame.event === "item_stage")
      first = await iterator.next();
    expect(first.value).toMatchObject({ kind: "event", frame: { event: "progress", data: { status: "completed" } } });
    controller.abort();
    await iterator.return(undefined).catch(() => {});
    const deadline = Date.now() + 5_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      const page = await s.json("GET", "/api/history?tag=b&per_page=100");
      statuses = page.body.items.map((r: { status: string }) => r.status);
      if (!statuses.includes("running")) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 300));
    statuses = (await s.json("GET", "/api/history?tag=b&per_page=100")).body.items.map(
      (r: { status: string }) => r.status,
    );
    expect(statuses.filter((st) => st === "completed")).toHaveLength(1);
    expect(statuses.filter((st) => st === "cancelled").length).toBeGreaterThan(0);
    expect(statuses.length).toBeLessThan(4 + 1);
    expect(statuses).not.toContain("running");
  });

  it("ends open streams with an error event on shutdown and records them cancelled", async () => {
    s = await startTestServer({ engineDelayMs: 2_000 });
    const res = await openStream(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const events: SseFrame[] = [];
    const reading = (async () => {
      for await (const item of readSse(res)) if (item.kind === "event") events.push(item.frame);
    })();
    while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
    await s.server.close();
    await reading;
    expect(events.at(-1)).toMatchObject({ event: "error", data: { code: "cancelled", retryable: true } });
    expect((events.at(-1)?.data as { message?: string } | undefined)?.message).toMatch(/shutting down/);
    const record = await s.app.history.get(id);
    expect(record.status).toBe("cancelled");
    await expect(fetch(`${s.url}/api/health`)).rejects.toThrow();
  });
});
