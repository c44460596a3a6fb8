// The prompt-test REST surface on the real server (loopback, real SQLite) with a fake OpenAI server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeScript, type FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { postSse, readSse, type SseFrame } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "../http/server.js";
import { cases, isJudge, OPTIMIZED, ORIGINAL, responder } from "./fixture.js";

const KEY = "sk-http-test-987654";
let fake: FakeServer;
let server: TestServer;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY, script: new FakeScript(responder({ delayMs: 20 })) });
  server = await startTestServer({
    env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1`, RATE_LIMIT_OPTIMIZE_RPM: "1000000" },
  });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const inline = { original: ORIGINAL, optimized: OPTIMIZED, provider: "openai" };

describe("POST /api/tests/run", () => {
  it("streams start, one event per output and judgment, then complete; the run is readable by id", async () => {
    const { response, events } = await postSse(`${server.url}/api/tests/run`, {
      ...inline,
      cases: cases(3),
      judge: true,
    });
    expect(response.status).toBe(200);
    const id = response.headers.get("x-test-run-id");
    expect(id).toBeTruthy();
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("start");
    expect(names.filter((n) => n === "output")).toHaveLength(6);
    expect(names.filter((n) => n === "judgment")).toHaveLength(6);
    expect(names.at(-1)).toBe("complete");
    const complete = events.at(-1)?.data as { id: string; status: string; summary: { comparison: { wins: number } } };
    expect(complete).toMatchObject({ id, status: "completed" });
    expect(complete.summary.comparison.wins).toBe(3);

    const got = await server.json("GET", `/api/tests/runs/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.outputs).toHaveLength(6);
    expect(got.body.progress).toEqual({ outputs_done: 6, outputs_total: 6, judgments_done: 6, judgments_total: 6 });
    const list = await server.json("GET", "/api/tests/runs?limit=5");
    expect(list.body.items.some((r: { id: string; cases: number }) => r.id === id && r.cases === 3)).toBe(true);

    // A finished run's event feed answers with its record at once.
    const feed = await postlessFeed(`/api/tests/runs/${id}/events`);
    expect(feed.map((e) => e.event)).toEqual(["complete"]);
  });

  it("answers bad input with a JSON error before any stream or provider call", async () => {
    const before = fake.requests.length;
    const local = await server.json("POST", "/api/tests/run", { ...inline, provider: "local", cases: cases(1) });
    expect(local.status).toBe(422);
    expect(local.body.error.message).toMatch(/cannot answer/);
    const missing = await server.json("POST", "/api/tests/run", { ...inline, cases: [{ vars: {} }] });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/placeholder "q"/);
    const regex = await server.json("POST", "/api/tests/run", {
      ...inline,
      cases: [{ vars: { q: "x" }, assert: [{ type: "regex", value: "([a-z]+)*$" }] }],
    });
    expect(regex.status).toBe(422);
    expect(regex.body.error.message).toMatch(/regex/);
    const cap = await server.json("POST", "/api/tests/run", {
      ...inline,
      cases: cases(10),
      judge: true,
      max_calls: 30,
    });
    expect(cap.status).toBe(422);
    expect(cap.body.error.details).toMatchObject({ estimated_calls: 40, max_calls: 30 });
    const unknown = await server.json("GET", "/api/tests/runs/nope");
    expect(unknown.status).toBe(404);
    expect(fake.requests.length).toBe(before);
  });

  it("estimates the calls of a run before it starts", async () => {
    const res = await server.json("POST", "/api/tests/estimate", {
      ...inline,
      cases: cases(5),
      samples: 2,
      judge: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ calls: 40, max_calls: 200, cases: 5, samples: 2, judge: true, within_cap: true });
  });

  it("cancels a run through the cancel route, then resumes it by id to completion", async () => {
    const response = await fetch(`${server.url}/api/tests/run`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ ...inline, cases: cases(10), concurrency: 1 }),
    });
    const id = response.headers.get("x-test-run-id") as string;
    const seen: SseFrame[] = [];
    for await (const item of readSse(response)) {
      if (item.kind !== "event") continue;
      seen.push(item.frame);
      if (item.frame.event === "output" && seen.filter((f) => f.event === "output").length === 2) {
        const cancel = await server.json("POST", `/api/tests/runs/${id}/cancel`);
        expect(cancel.status).toBe(200);
        expect(cancel.body.status).toBe("cancelled");
      }
    }
    expect(seen.at(-1)).toMatchObject({ event: "error", data: { code: "cancelled" } });
    const again = await server.json("POST", `/api/tests/runs/${id}/cancel`);
    expect(again.status).toBe(409);

    const resumed = await postSse(`${server.url}/api/tests/run`, { resume: id });
    expect(resumed.response.headers.get("x-test-run-id")).toBe(id);
    expect(resumed.events[0]).toMatchObject({ event: "start", data: { resumed: true } });
    expect(resumed.events.at(-1)).toMatchObject({ event: "complete", data: { id, status: "completed" } });
    const outputsAfter = resumed.events.filter((e) => e.event === "output").length;
    expect(outputsAfter).toBeLessThanOrEqual(18);
  });
});

async function postlessFeed(pathname: string): Promise<SseFrame[]> {
  const res = await fetch(`${server.url}${pathname}`, { headers: { Accept: "text/event-stream" } });
  const frames: SseFrame[] = [];
  for await (const item of readSse(res)) if (item.kind === "event") frames.push(item.frame);
  return frames;
}

describe("provider calls count against the optimize-family rate limit", () => {
  it("a run's calls use up the limit that /api/optimize then hits", async () => {
    const f = await startFakeOpenAI({ apiKey: KEY, script: new FakeScript(responder()) });
    const s = await startTestServer({
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${f.url}/v1`, RATE_LIMIT_OPTIMIZE_RPM: "4", LLM_PROVIDER: "local" },
    });
    try {
      const run = await postSse(`${s.url}/api/tests/run`, { ...inline, cases: cases(1) });
      expect(run.events.at(-1)?.event).toBe("complete");
      expect(f.requests.filter((r) => !isJudge(r))).toHaveLength(2);
      const optimize = (n: number) =>
        fetch(`${s.url}/api/optimize`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
          body: JSON.stringify({ prompt: `Write a haiku about the sea, take ${n}.` }),
        });
      const first = await optimize(1);
      await first.text();
      expect(first.status).toBe(200);
      const second = await optimize(2);
      await second.text();
      expect(second.status).toBe(200);
      const third = await optimize(3);
      expect(third.status).toBe(429);
    } finally {
      await s.close();
      await f.close();
    }
  });
});

describe("test cases of a project prompt", () => {
  it("adds, lists, edits, deletes, imports and exports cases; refuses bad ones with clear errors", async () => {
    const project = await server.json("POST", "/api/projects", { name: "Prompt tests HTTP" });
    const prompt = await server.json("POST", `/api/projects/${project.body.id}/prompts`, { content: ORIGINAL });
    const base = `/api/projects/${project.body.id}/prompts/${prompt.body.id}/tests`;

    const added = await server.json("POST", base, { cases: cases(2) });
    expect(added.status).toBe(201);
    expect(added.body.items.map((c: { position: number }) => c.position)).toEqual([0, 1]);
    expect(added.body.items[0]).toMatchObject({ prompt_version: 1, vars: { q: "capital of France" } });

    const edited = await server.json("PUT", `${base}/${added.body.items[1].id}`, {
      description: "Italy",
      vars: { q: "capital of Italy?" },
      assert: [{ type: "contains", value: "Rome" }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.description).toBe("Italy");

    const imported = await server.json("POST", `${base}/import`, {
      format: "yaml",
      content:
        "tests:\n  - vars:\n      q: capital of Peru\n    assert:\n      - type: icontains\n        value: lima\n",
    });
    expect(imported.status).toBe(201);
    const listed = await server.json("GET", base);
    expect(listed.body.items).toHaveLength(3);

    const jsonl = await server.json("GET", `${base}/export?format=jsonl`);
    expect(jsonl.body.cases).toBe(3);
    expect(jsonl.body.content.trim().split("\n")).toHaveLength(3);
    const yaml = await server.json("GET", `${base}/export?format=yaml`);
    expect(yaml.body.content).toMatch(/^tests:/);

    const del = await server.fetch(`${base}/${added.body.items[0].id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await server.json("GET", base)).body.items).toHaveLength(2);

    const badYaml = await server.json("POST", `${base}/import`, { format: "yaml", content: "tests: [\n" });
    expect(badYaml.status).toBe(422);
    const badType = await server.json("POST", base, { cases: [{ vars: {}, assert: [{ type: "javascript" }] }] });
    expect(badType.status).toBe(422);
    const wrongProject = await server.json("GET", `/api/projects/other/prompts/${prompt.body.id}/tests`);
    expect(wrongProject.status).toBe(404);

    // A run over the prompt's stored cases, comparing two of its versions.
    const updated = await server.json("PUT", `/api/projects/${project.body.id}/prompts/${prompt.body.id}`, {
      content: OPTIMIZED,
    });
    expect(updated.body.version).toBe(2);
    const run = await postSse(`${server.url}/api/tests/run`, { prompt_id: prompt.body.id, provider: "openai" });
    const complete = run.events.at(-1)?.data as { labels: { a: string; b: string }; outputs: unknown[] };
    expect(run.events.at(-1)?.event).toBe("complete");
    expect(complete.labels).toEqual({ a: "v1", b: "v2 (current)" });
    expect(complete.outputs).toHaveLength(4);
  });
});
