// POST /api/verify against the real server: inline prompts, stored optimizations, errors, OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

const PROMPT =
  'Write a product description for a steel water bottle in less than 60 words. Do not use any commas. End your response with "Stay hydrated."';

let s: TestServer;
let record: { id: string; optimized_prompt: string; raw_prompt: string };

beforeAll(async () => {
  s = await startTestServer();
  const { events } = await postSse(`${s.url}/api/optimize`, { prompt: PROMPT });
  record = events.at(-1)?.data as typeof record;
});
afterAll(() => s.close());

describe("POST /api/verify", () => {
  it("verifies an output against an inline prompt: verdicts with text, span and detail", async () => {
    const output = "Keeps drinks cold for a whole day and fits every cup holder. Stay hydrated.";
    const res = await s.json("POST", "/api/verify", { prompt: PROMPT, output });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      prompt: PROMPT,
      source: "request",
      optimization_id: null,
      passed: true,
      summary: { total: 3, followed: 3, failed: 0, unchecked: 0 },
    });
    const [words, commas, end] = res.body.verdicts;
    expect(words).toMatchObject({
      kind: "length.words",
      text: "less than 60 words",
      follows: true,
      detail: "14 words, wanted less than 60",
      params: { count: 60, relation: "less than" },
    });
    expect(PROMPT.slice(words.span.start, words.span.end)).toBe(words.text);
    expect(commas).toMatchObject({ kind: "punctuation.no_commas", follows: true });
    expect(end).toMatchObject({ kind: "startend.end_phrase", follows: true });
  });

  it("reports the constraints an output breaks", async () => {
    const res = await s.json("POST", "/api/verify", { prompt: PROMPT, output: "Cold, light, and sturdy." });
    expect(res.status).toBe(200);
    expect(res.body.passed).toBe(false);
    expect(res.body.summary).toEqual({ total: 3, followed: 1, failed: 2, unchecked: 0 });
    expect(res.body.verdicts[1]).toMatchObject({ follows: false, detail: "2 commas" });
    expect(res.body.verdicts[2].detail).toBe('ends with "Cold, light, and sturdy.", wanted "Stay hydrated."');
  });

  it("accepts an empty output and a prompt without constraints", async () => {
    const empty = await s.json("POST", "/api/verify", { prompt: PROMPT, output: "" });
    expect(empty.status).toBe(200);
    expect(empty.body.verdicts.map((v: { follows: boolean }) => v.follows)).toEqual([true, true, false]);
    const none = await s.json("POST", "/api/verify", { prompt: "Tell me about bottles.", output: "They hold water." });
    expect(none.body).toMatchObject({ passed: true, summary: { total: 0 }, verdicts: [] });
  });

  it("verifies against a stored optimization's optimized prompt, or its original", async () => {
    expect(record.optimized_prompt).toContain("Stay hydrated.");
    const output = "Light and cold all day. Stay hydrated.";
    const optimized = await s.json("POST", "/api/verify", { optimization_id: record.id, output });
    expect(optimized.status).toBe(200);
    expect(optimized.body).toMatchObject({
      source: "optimized",
      optimization_id: record.id,
      prompt: record.optimized_prompt,
    });
    for (const v of optimized.body.verdicts) {
      if (v.span) expect(record.optimized_prompt.slice(v.span.start, v.span.end)).toBe(v.text);
    }
    expect(optimized.body.verdicts.map((v: { kind: string }) => v.kind)).toEqual(
      expect.arrayContaining(["length.words", "punctuation.no_commas", "startend.end_phrase"]),
    );
    const original = await s.json("POST", "/api/verify", {
      optimization_id: record.id,
      prompt_version: "original",
      output,
    });
    expect(original.body).toMatchObject({ source: "original", prompt: PROMPT, passed: true });
  });

  it("answers 404 for an unknown optimization", async () => {
    const res = await s.json("POST", "/api/verify", { optimization_id: "nope", output: "x" });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: "not_found", message: "Optimization nope does not exist." });
  });

  it("answers 422 naming the problem for bad bodies", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ output: "x" }, /prompt: give exactly one of prompt or optimization_id/],
      [{ prompt: PROMPT, optimization_id: record.id, output: "x" }, /exactly one of prompt or optimization_id/],
      [{ prompt: PROMPT }, /output/],
      [{ prompt: "   ", output: "x" }, /prompt must not be blank/],
      [{ prompt: PROMPT, output: 42 }, /output must be a string/],
      [{ prompt: PROMPT, output: "x".repeat(200_001) }, /output must be at most 200000 characters/],
      [{ prompt: PROMPT, prompt_version: "original", output: "x" }, /prompt_version needs optimization_id/],
      [{ optimization_id: record.id, prompt_version: "newest", output: "x" }, /prompt_version/],
    ];
    for (const [body, message] of cases) {
      const res = await s.json("POST", "/api/verify", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.body.error.code).toBe("validation_error");
      expect(res.body.error.message).toMatch(message);
    }
  });

  it("answers 400 for malformed JSON and 415 for a non-JSON body", async () => {
    const bad = await s.fetch("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"prompt": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    const text = await s.fetch("/api/verify", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    expect(text.status).toBe(415);
  });

  it("is described in the OpenAPI document with named Verdict and VerifyResult schemas", async () => {
    const doc = (await s.json("GET", "/openapi.json")).body;
    const op = doc.paths["/api/verify"].post;
    expect(op.operationId).toBe("verifyOutput");
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "404", "409", "422", "429"]));
    expect(doc.components.schemas.Verdict.properties.follows).toBeDefined();
    expect(doc.components.schemas.VerifyResult.properties.verdicts).toBeDefined();
  });
});
