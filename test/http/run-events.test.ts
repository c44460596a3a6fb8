// Run events after a dropped stream (issue 11): GET /api/optimize/{id}/events replays what the
// run's POST stream sent after Last-Event-ID — the same ids, names and data — then follows the run
// live to its `complete`; a run whose events expired ends with one event built from its record.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fakes/fake-llm-core.js";
import { startGatedOpenAI } from "../fakes/gated-openai.js";
import { collectSse, readSse, type SseFrame } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

const PROMPT = "Write a short product description for a hiking backpack, for an outdoor shop.";
const KEY = "sk-test-run-events-0001";

let s: TestServer | undefined;
const fakes: FakeServer[] = [];
afterEach(async () => {
  await s?.close();
  s = undefined;
  for (const fake of fakes.splice(0)) await fake.close();
});

async function gatedProvider() {
  const gated = await startGatedOpenAI(KEY);
  fakes.push(gated.fake);
  return { ...gated, requests: () => gated.fake.requests.length };
}

function post(server: TestServer, body: unknown, signal?: AbortSignal, prefer?: string): Promise<Response> {
  return server.fetch("/api/optimize", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "text/event-stream",
      ...(prefer === undefined ? {} : { Prefer: prefer }),
    },
    body: JSON.stringify(body),
    signal,
  });
}

function follow(server: TestServer, id: string, lastEventId?: string, query = ""): Promise<Response> {
  return server.fetch(`/api/optimize/${id}/events${query}`, {
    headers: { Accept: "text/event-stream", ...(lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId }) },
  });
}

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ids = (frames: SseFrame[]) => frames.map((f) => Number(f.id));

describe("GET /api/optimize/{id}/events", () => {
  it("a dropped stream resumes with Last-Event-ID: no duplicate, no gap, ending in complete", async () => {
    const provider = await gatedProvider();
    s = await startTestServer({ env: { ...provider.env, RUN_RESUME_GRACE_MS: "10000" } });
    const controller = new AbortController();
    const res = await post(s, { prompt: PROMPT, title: "resume" }, controller.signal, "resumable");
    expect(res.status).toBe(200);
    expect(res.headers.get("preference-applied")).toBe("resumable");
    const id = res.headers.get("x-optimization-id") as string;
    const before: SseFrame[] = [];
    const iterator = readSse(res);
    // Read until the run waits on the provider, then drop the connection (a reload, a proxy timeout).
    await until("the first provider request", () => provider.requests() >= 1);
    const first = await iterator.next();
    if (!first.done && first.value.kind === "event") before.push(first.value.frame);
    expect(before.length).toBe(1);
    controller.abort();
    await iterator.return(undefined).catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    // The run goes on without its client: it is still running, and resuming picks up after the last id.
    expect((await s.json("GET", `/api/optimize/${id}`)).body.status).toBe("running");
    const resumed = await follow(s, id, before.at(-1)?.id);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const collected = collectSse(resumed);
    provider.open();
    const { events: after } = await collected;

    const union = [...before, ...after];
    expect(ids(union)).toEqual(union.map((_, i) => i + 1));
    expect(union.at(-1)?.event).toBe("complete");
    expect(union.at(-1)?.data).toMatchObject({ id, status: "completed" });
    const stored = (await s.json("GET", `/api/optimize/${id}`)).body;
    expect(union.at(-1)?.data).toEqual(stored);
    // Everything is retained after the end: a follow from the start returns the same frames.
    const again = await collectSse(await follow(s, id));
    expect(again.events).toEqual(union);
  });

  it("without Prefer: resumable a client disconnect cancels the run at once (PRODUCT 3.5), whatever the grace", async () => {
    const provider = await gatedProvider();
    s = await startTestServer({ env: { ...provider.env, RUN_RESUME_GRACE_MS: "10000" } });
    const controller = new AbortController();
    const res = await post(s, { prompt: PROMPT, title: "no resume" }, controller.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get("preference-applied")).toBeNull();
    const id = res.headers.get("x-optimization-id") as string;
    await until("the first provider request", () => provider.requests() >= 1);
    controller.abort();
    const deadline = Date.now() + 3_000;
    let status = "running";
    while (status === "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await s.json("GET", `/api/optimize/${id}`)).body.status;
    }
    expect(status).toBe("cancelled");
  });

  it("replays exactly the events the POST stream sent, after Last-Event-ID (header wins over the query)", async () => {
    s = await startTestServer();
    const res = await post(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const { events } = await collectSse(res);
    expect(events.at(-1)?.event).toBe("complete");
    expect(ids(events)).toEqual(events.map((_, i) => i + 1));

    const all = await collectSse(await follow(s, id));
    expect(all.events).toEqual(events);
    const tail = await collectSse(await follow(s, id, "3"));
    expect(tail.events).toEqual(events.slice(3));
    const byQuery = await collectSse(await follow(s, id, undefined, "?last_event_id=5"));
    expect(byQuery.events).toEqual(events.slice(5));
    const headerWins = await collectSse(await follow(s, id, "4", "?last_event_id=1"));
    expect(headerWins.events).toEqual(events.slice(4));
  });

  it("a follower keeps a run alive after its client left; a follower of a live run gets the POST stream's events", async () => {
    const provider = await gatedProvider();
    s = await startTestServer({ env: provider.env }); // grace 0: the run is cancelled at once unless followed
    const res = await post(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const posted = collectSse(res);
    const follower = await follow(s, id);
    const followed = collectSse(follower);
    await until("the first provider request", () => provider.requests() >= 1);
    provider.open();
    const [{ events: fromPost }, { events: fromFollow }] = await Promise.all([posted, followed]);
    expect(fromFollow).toEqual(fromPost);
    expect(fromPost.at(-1)?.event).toBe("complete");
  });

  it("sends `: ping` heartbeat comments to a follower while the run is quiet", async () => {
    const provider = await gatedProvider();
    s = await startTestServer({ env: provider.env, heartbeatMs: 20 });
    const res = await post(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const posted = collectSse(res);
    const followed = collectSse(await follow(s, id));
    await until("the first provider request", () => provider.requests() >= 1);
    await new Promise((r) => setTimeout(r, 150));
    provider.open();
    const [{ events }, { comments, events: fromFollow }] = await Promise.all([posted, followed]);
    expect(comments.filter((c) => c === "ping").length).toBeGreaterThan(2);
    expect(fromFollow).toEqual(events);
  });

  it("a run that ended and whose events expired ends with a terminal event built from its record", async () => {
    s = await startTestServer({ env: { RUN_EVENTS_TTL_MS: "0" } });
    const res = await post(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    const { events } = await collectSse(res);
    expect(events.at(-1)?.event).toBe("complete");
    const record = (await s.json("GET", `/api/optimize/${id}`)).body;

    const fromStart = await collectSse(await follow(s, id));
    expect(fromStart.events).toEqual([{ event: "complete", id: "1", data: record }]);
    const resumed = await collectSse(await follow(s, id, "7"));
    expect(resumed.events).toEqual([{ event: "complete", id: "8", data: record }]);

    // A cancelled run ends with its error.
    const provider = await gatedProvider();
    await s.close();
    s = await startTestServer({ env: { ...provider.env, RUN_EVENTS_TTL_MS: "0" } });
    const running = await post(s, { prompt: PROMPT });
    const runningId = running.headers.get("x-optimization-id") as string;
    const drained = collectSse(running);
    expect((await s.json("POST", `/api/optimize/${runningId}/cancel`)).status).toBe(200);
    await drained;
    const cancelled = await collectSse(await follow(s, runningId));
    expect(cancelled.events).toEqual([
      {
        event: "error",
        id: "1",
        data: { code: "cancelled", message: "The optimization was cancelled.", stage: null, retryable: true },
      },
    ]);
  });

  it("unknown id: 404 JSON; bad Last-Event-ID: 400 naming it", async () => {
    s = await startTestServer();
    const missing = await follow(s, "no-such-run");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });

    const res = await post(s, { prompt: PROMPT });
    const id = res.headers.get("x-optimization-id") as string;
    await collectSse(res);
    for (const bad of ["abc", "-1", "1.5", "99999999999999999"]) {
      const answer = await follow(s, id, bad);
      expect(answer.status, bad).toBe(400);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: "invalid_last_event_id", details: { field: "Last-Event-ID" } });
      expect(body.error.message).toMatch(/Last-Event-ID/);
    }
    const badQuery = await follow(s, id, undefined, "?last_event_id=x1");
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: { code: string } }).error.code).toBe("invalid_last_event_id");
  });

  it("needs the API token like the rest of /api", async () => {
    s = await startTestServer({ env: { AUTH_TOKEN: "run-events-token-0123456789" } });
    const anonymous = await follow(s, "any-id");
    expect(anonymous.status).toBe(401);
    const authed = await s.fetch("/api/optimize/any-id/events", {
      headers: { Authorization: "Bearer run-events-token-0123456789" },
    });
    expect(authed.status).toBe(404);
  });
});
