// Property-based fuzzing of every route: random methods, path segments, queries, headers and
// bodies (well-formed JSON, near-valid bodies, and garbage) must only ever get 2xx/4xx answers,
// errors must be the JSON error shape without stack traces, and the server must stay up.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
let templates: Array<{ method: string; path: string }>;
let knownIds: string[] = [];

beforeAll(async () => {
  s = await startTestServer();
  templates = s.server.http.routes
    .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/"))
    .map((r) => ({ method: r.method, path: r.path }));
  const project = await s.json("POST", "/api/projects", { name: "Fuzz target" });
  const prompt = await s.json("POST", `/api/projects/${project.body.id}/prompts`, { content: "Fuzz me gently." });
  const batch = await s.json("POST", "/api/optimize/batch", { prompts: ["Summarize the text."] });
  knownIds = [project.body.id, prompt.body.id, batch.body.results[0].record.id];
});
afterAll(() => s.close());

const segment = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.constantFrom("..", ".", "%2e%2e", "null", "undefined", "0", "-1", "x".repeat(150), "a/b", "\u0000", "💥"),
  fc.constant("KNOWN"),
);

const bodyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  // Near-valid bodies that get past the first checks and reach the use cases.
  fc.record(
    {
      prompt: fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue({ maxDepth: 1 })),
      prompts: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
      name: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
      content: fc.string({ maxLength: 40 }),
      title: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
      ids: fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constant("KNOWN")), { maxLength: 3 }),
      strategy: fc.oneof(fc.constantFrom("co-star", "few-shot", "nope"), fc.integer()),
      max_iterations: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double()),
      score_threshold: fc.double(),
      tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
      project: fc.string({ maxLength: 12 }),
      project_id: fc.oneof(fc.string({ maxLength: 12 }), fc.constant("KNOWN")),
      records: fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 2 }),
      original: fc.string({ maxLength: 40 }),
      optimized: fc.string({ maxLength: 40 }),
      analysis: fc.jsonValue({ maxDepth: 2 }),
      description: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
      codebase_context: fc.jsonValue({ maxDepth: 2 }),
      stages: fc.array(fc.constantFrom("analyze", "strategy", "optimize", "validate", "other"), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
);

const body = fc.oneof(
  { weight: 6, arbitrary: bodyValue.map((v) => ({ type: "application/json", text: JSON.stringify(v) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((t) => ({ type: "application/json", text: t })) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom("text/plain", "application/x-ndjson", "", "application/json; charset=utf-8"),
      text: fc.string({ maxLength: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

const query = fc.dictionary(
  fc.constantFrom(
    "page",
    "per_page",
    "search",
    "status",
    "sort",
    "order",
    "min_score",
    "tag",
    "title",
    "project_id",
    "strategy",
    "task_type",
    "include_archived",
    "zzz",
  ),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer().map(String),
    fc.constantFrom("1", "100", "101", "asc", "completed", "relevance", "NaN", "1e309"),
  ),
  { maxKeys: 4 },
);

const request = fc.record({
  template: fc.nat(),
  method: fc.oneof(
    { weight: 4, arbitrary: fc.constant("TEMPLATE") },
    { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS") },
  ),
  segments: fc.array(segment, { minLength: 2, maxLength: 2 }),
  query,
  body,
  sse: fc.boolean(),
  headers: fc.record(
    {
      "If-Unmodified-Since": fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      ),
      "X-Confirm-Delete": fc.constantFrom("yes", "no", "YES", ""),
    },
    { requiredKeys: [] },
  ),
});

const STACK = /\bat [^\n]*\(?[^\n]*:\d+:\d+\)?|node_modules|\/src\//;

describe("fuzzing every route", () => {
  it("answers only 2xx/4xx with JSON errors and no stack traces, and stays up", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const t = templates[r.template % templates.length] as { method: string; path: string };
        let i = 0;
        const path = t.path.replaceAll(/:[^/]+/g, () => {
          const seg = r.segments[i++ % r.segments.length] as string;
          const value = seg === "KNOWN" ? (knownIds[i % knownIds.length] as string) : seg;
          return encodeURIComponent(value);
        });
        const qs = new URLSearchParams(r.query).toString();
        const method = r.method === "TEMPLATE" ? t.method : r.method;
        const headers: Record<string, string> = { ...r.headers };
        if (r.sse) headers.Accept = "text/event-stream";
        let payload: string | undefined;
        if (r.body && method !== "GET" && method !== "HEAD") {
          payload = r.body.text.replaceAll('"KNOWN"', JSON.stringify(knownIds[0]));
          if (r.body.type) headers["Content-Type"] = r.body.type;
        }
        const res = await s.fetch(`${path}${qs ? `?${qs}` : ""}`, { method, headers, body: payload });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const contentType = res.headers.get("content-type") ?? "";
        expect(res.status, `${method} ${path} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(text).not.toMatch(STACK);
        if (res.status >= 400) {
          expect(contentType).toMatch(/application\/json/);
          const parsed = JSON.parse(text) as { error: { code: string; message: string } };
          expect(parsed.error.code).toEqual(expect.any(String));
          expect(parsed.error.message).toEqual(expect.any(String));
        }
        if (contentType.startsWith("text/event-stream")) {
          expect(text).toMatch(/event: (complete|error)\n/);
        }
      }),
      { numRuns: 400, interruptAfterTimeLimit: 25_000 },
    );
    const health = await s.json("GET", "/api/health");
    expect(health.status).toBe(200);
    // The generator must reach both handlers and validators, or the property proves little.
    const count = (pred: (status: number) => boolean) =>
      [...statuses].filter(([status]) => pred(status)).reduce((n, [, c]) => n + c, 0);
    expect(count((st) => st < 300)).toBeGreaterThan(10);
    expect(count((st) => st === 422)).toBeGreaterThan(10);
    expect(count((st) => st === 404 || st === 405)).toBeGreaterThan(10);
  }, 60_000);
});
