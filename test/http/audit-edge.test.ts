// Audit edges (issue 17): a streamed request is recorded with the time to the end of its stream, and
// a GET refused for an ambiguous path (400 invalid_path) is recorded like any refused request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

interface Page {
  items: { method: string; path: string; status: number; duration_ms: number }[];
  total: number;
}

describe("audit records", () => {
  let s: TestServer;
  beforeAll(async () => {
    // Every stage of the engine takes 250 ms: a run streams for about a second after its headers.
    s = await startTestServer({ engineDelayMs: 250 });
  });
  afterAll(() => s.close());

  it("time an SSE request to the end of its stream", async () => {
    const started = performance.now();
    const { response, events } = await postSse(`${s.url}/api/optimize`, { prompt: "explain recursion to a child" });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(events.at(-1)?.event).toBe("complete");
    expect(elapsed).toBeGreaterThan(900);
    const page = await s.json<Page>("GET", "/api/audit?path=/api/optimize&per_page=10");
    const run = page.body.items.find((r) => r.method === "POST" && r.path === "/api/optimize");
    expect(run).toBeDefined();
    // Before: the time to the response head (a few ms). Now: most of the stream's life.
    expect(run?.duration_ms).toBeGreaterThan(900);
    expect(run?.duration_ms).toBeLessThanOrEqual(elapsed + 50);
  });

  it("records a stream the client closes early when it closes", async () => {
    const controller = new AbortController();
    const response = await fetch(`${s.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ prompt: "write a limerick about audits" }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const page = await s.json<Page>("GET", "/api/audit?path=/api/optimize&per_page=10");
    const runs = page.body.items.filter((r) => r.method === "POST" && r.path === "/api/optimize");
    expect(runs).toHaveLength(2);
    // Newest first: the cancelled stream lasted from its start to the client's close.
    const [cancelled, complete] = runs;
    expect(cancelled?.duration_ms).toBeGreaterThanOrEqual(350);
    expect(cancelled?.duration_ms).toBeLessThan(complete?.duration_ms ?? 0);
  });

  it("records a GET refused with 400 invalid_path", async () => {
    const refused = await s.fetch("//api/history");
    expect(refused.status).toBe(400);
    const page = await s.json<Page>("GET", "/api/audit?status=400");
    expect(page.body.items).toEqual([expect.objectContaining({ method: "GET", path: "//api/history", status: 400 })]);
    // An ordinary GET is still not audited.
    expect((await s.json<Page>("GET", "/api/audit?status=2xx")).body.items.some((r) => r.method === "GET")).toBe(false);
  });
});
