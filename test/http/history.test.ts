// History over HTTP: list/search/filter/sort (retry_of too), stats, deletes, JSON Lines export and import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

const PROMPTS = [
  { prompt: "Write a limerick about a kubernetes cluster that never sleeps.", title: "Limerick", tags: ["fun"] },
  {
    prompt: "Classify each support ticket as billing, bug or question. Return JSON.",
    title: "Ticket triage",
    tags: ["support"],
  },
  {
    prompt: "Explain photosynthesis to ten year olds in under 150 words.",
    title: "Photosynthesis",
    tags: ["education"],
  },
];

let s: TestServer;
const ids: string[] = [];

async function optimize(body: unknown): Promise<{ id: string }> {
  const { events } = await postSse(`${s.url}/api/optimize`, body);
  return events.at(-1)?.data as { id: string };
}

beforeAll(async () => {
  s = await startTestServer();
  for (const body of PROMPTS) ids.push((await optimize(body)).id);
});
afterAll(() => s.close());

describe("GET /api/history", () => {
  it("lists newest first with pagination and total", async () => {
    const res = await s.json("GET", "/api/history?per_page=2");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 3, page: 1, per_page: 2 });
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = await s.json("GET", "/api/history?per_page=2&page=2");
    expect(page2.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
  });

  it("searches full text and filters by tag, status, task type and score", async () => {
    const search = await s.json("GET", "/api/history?search=photosynthesis");
    expect(search.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    const tag = await s.json("GET", "/api/history?tag=support");
    expect(tag.body.items.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    const status = await s.json("GET", "/api/history?status=error");
    expect(status.body.total).toBe(0);
    const taskType = await s.json("GET", "/api/history?task_type=classification");
    expect(taskType.body.items.map((r: { id: string }) => r.id)).toContain(ids[1]);
    const minScore = await s.json("GET", "/api/history?min_score=10");
    expect(minScore.status).toBe(200);
    const sorted = await s.json("GET", "/api/history?sort=title&order=asc");
    expect(sorted.body.items.map((r: { title: string }) => r.title)).toEqual([
      "Limerick",
      "Photosynthesis",
      "Ticket triage",
    ]);
  });

  it("rejects bad query parameters with 422", async () => {
    for (const q of ["page=0", "per_page=500", "status=nope", "sort=random", "min_score=abc", "strategy=telepathy"]) {
      const res = await s.json("GET", `/api/history?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.code).toBe("validation_error");
    }
  });

  it("GET /api/history/stats reports totals and breakdowns", async () => {
    const res = await s.json("GET", "/api/history/stats");
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.by_status.completed).toBe(3);
    expect(Object.keys(res.body.by_strategy).length).toBeGreaterThan(0);
    expect(res.body.score_distribution).toBeTypeOf("object");
    // Per-strategy improvement rate and the strategy × task-type cross table add up to the totals.
    for (const b of Object.values(res.body.by_strategy) as Array<{ improvement_rate: number | null }>) {
      expect(b.improvement_rate).toBeGreaterThanOrEqual(0);
      expect(b.improvement_rate).toBeLessThanOrEqual(1);
    }
    const cells = Object.values(res.body.by_strategy_task_type).flatMap((row) =>
      Object.values(row as Record<string, { count: number; avg_overall: number | null }>),
    );
    expect(cells.reduce((n, c) => n + c.count, 0)).toBe(3);
    const [strategy, row] = Object.entries(res.body.by_strategy_task_type)[0] as [string, Record<string, unknown>];
    expect(res.body.by_strategy[strategy].count).toBe(
      Object.values(row as Record<string, { count: number }>).reduce((n, c) => n + c.count, 0),
    );
  });
});

describe("GET /api/history?retry_of=", () => {
  // Its own server, so the records above keep their totals.
  let r: TestServer;
  let original: string;
  const retries: string[] = [];
  let other: string;
  let otherRetry: string;
  const PROMPT = "Summarize the quarterly sales report for the regional managers in five bullet points.";
  const run = async (pathname: string, body: unknown): Promise<{ id: string; retry_of: string | null }> => {
    const { response, events } = await postSse(`${r.url}${pathname}`, body);
    expect(response.status).toBe(200);
    expect(events.at(-1)?.event).toBe("complete");
    return events.at(-1)?.data as { id: string; retry_of: string | null };
  };
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((x) => x.id).sort();

  beforeAll(async () => {
    r = await startTestServer();
    original = (await run("/api/optimize", { prompt: PROMPT, title: "Sales summary" })).id;
    for (const strategy of ["step-by-step", "risen"]) {
      const retry = await run(`/api/optimize/${original}/retry`, { strategy });
      expect(retry.retry_of).toBe(original);
      retries.push(retry.id);
    }
    // Unrelated: the same words but no retry, another prompt, and a retry of another record.
    await run("/api/optimize", { prompt: PROMPT });
    other = (await run("/api/optimize", { prompt: "Write a haiku about quarterly sales meetings." })).id;
    otherRetry = (await run(`/api/optimize/${other}/retry`, {})).id;
  });
  afterAll(() => r.close());

  it("returns exactly the retries of the given record", async () => {
    const res = await r.json("GET", `/api/history?retry_of=${original}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(ids(res.body)).toEqual([...retries].sort());
    expect(res.body.items.every((x: { retry_of: string }) => x.retry_of === original)).toBe(true);
    expect((await r.json("GET", "/api/history")).body.total).toBe(6);
  });

  it("combines with search, status and the other filters, with exact totals", async () => {
    for (const q of [
      "search=quarterly",
      "search=summarize%20sales",
      "status=completed",
      "search=sales&status=completed",
    ]) {
      const res = await r.json("GET", `/api/history?retry_of=${original}&${q}`);
      expect(res.status, q).toBe(200);
      expect(res.body.total, q).toBe(2);
      expect(ids(res.body), q).toEqual([...retries].sort());
    }
    const sorted = await r.json("GET", `/api/history?retry_of=${original}&search=sales&sort=created_at&order=asc`);
    expect(sorted.body.items.map((x: { id: string }) => x.id)).toEqual(retries);
    const paged = await r.json("GET", `/api/history?retry_of=${original}&search=quarterly&per_page=1&page=2`);
    expect(paged.body).toMatchObject({ total: 2, page: 2, per_page: 1 });
    expect(paged.body.items).toHaveLength(1);
    const strategy = await r.json("GET", `/api/history?retry_of=${original}&strategy=risen`);
    expect(strategy.body.total).toBe(1);
    expect(strategy.body.items[0].id).toBe(retries[1]);
    for (const q of ["status=error", "search=haiku", "search=sales&status=cancelled"]) {
      const res = await r.json("GET", `/api/history?retry_of=${original}&${q}`);
      expect(res.body.total, q).toBe(0);
      expect(res.body.items, q).toEqual([]);
    }
    expect((await r.json("GET", `/api/history?retry_of=${retries[0]}`)).body.total).toBe(0);
    const haiku = await r.json("GET", `/api/history?search=haiku&retry_of=${other}`);
    expect(haiku.body).toMatchObject({ total: 1, items: [{ id: otherRetry }] });
  });

  it("answers total 0 for an unknown id", async () => {
    for (const q of ["retry_of=does-not-exist", "retry_of=does-not-exist&search=sales&status=completed"]) {
      const res = await r.json("GET", `/api/history?${q}`);
      expect(res.status, q).toBe(200);
      expect(res.body, q).toMatchObject({ total: 0, items: [] });
    }
  });

  it("rejects an empty or over-long retry_of with 422", async () => {
    for (const q of ["retry_of=", "retry_of=%20%20", `retry_of=${"a".repeat(101)}`]) {
      const res = await r.json("GET", `/api/history?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.code, q).toBe("validation_error");
    }
    expect((await r.json("GET", `/api/history?retry_of=${"a".repeat(100)}`)).status).toBe(200);
  });
});

describe("export and import", () => {
  it("exports JSON Lines as a download and re-imports idempotently", async () => {
    const res = await s.fetch("/api/history/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="promptforge-history-.*\.jsonl"/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(3);
    const records = lines.map((l) => JSON.parse(l));

    const again = await s.json("POST", "/api/history/import", { records });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ inserted: 0, skipped: 3, errors: [] });

    await s.json("DELETE", `/api/history/${records[0].id}`);
    const restore = await s.json("POST", "/api/history/import", { records: [...records, { nonsense: true }] });
    expect(restore.body.inserted).toBe(1);
    expect(restore.body.skipped).toBe(2);
    expect(restore.body.errors).toEqual([{ line: 4, message: expect.any(String) }]);
    expect((await s.json("GET", `/api/optimize/${records[0].id}`)).status).toBe(200);
  });

  it("rejects an import body that is not { records: [...] }", async () => {
    expect((await s.json("POST", "/api/history/import", { records: [] })).status).toBe(422);
    expect((await s.json("POST", "/api/history/import", [1, 2])).status).toBe(422);
    const ndjson = await s.fetch("/api/history/import", {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: '{"id":"x"}\n',
    });
    expect(ndjson.status).toBe(415);
  });
});

describe("deleting", () => {
  it("deletes one record (204), then answers 404 for it", async () => {
    const { id } = await optimize({ prompt: "Draft a polite reminder email about an unpaid invoice." });
    const res = await s.fetch(`/api/history/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await s.json("DELETE", `/api/history/${id}`)).status).toBe(404);
    expect((await s.json("GET", `/api/optimize/${id}`)).status).toBe(404);
  });

  it("bulk-deletes by id and validates the id list", async () => {
    const a = await optimize({ prompt: "List five risks of a database migration." });
    const b = await optimize({ prompt: "Rewrite this paragraph in plain English." });
    const res = await s.json("POST", "/api/history/bulk-delete", { ids: [a.id, b.id, "unknown"] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 2 });
    expect((await s.json("POST", "/api/history/bulk-delete", { ids: [] })).status).toBe(422);
    expect((await s.json("POST", "/api/history/bulk-delete", {})).status).toBe(422);
  });

  it("deletes everything only with X-Confirm-Delete: yes", async () => {
    const refused = await s.json("DELETE", "/api/history/all");
    expect(refused.status).toBe(428);
    expect(refused.body.error).toMatchObject({
      code: "confirmation_required",
      message: expect.stringContaining("X-Confirm-Delete: yes"),
    });
    expect((await s.json("DELETE", "/api/history/all", undefined, { "X-Confirm-Delete": "no" })).status).toBe(428);
    const total = (await s.json("GET", "/api/history")).body.total;
    expect(total).toBeGreaterThan(0);
    const res = await s.json("DELETE", "/api/history/all", undefined, { "X-Confirm-Delete": "yes" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: total });
    expect((await s.json("GET", "/api/history")).body.total).toBe(0);
  });
});
