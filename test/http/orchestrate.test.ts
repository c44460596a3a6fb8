// POST /api/orchestrate/* : each stage alone, and its validation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server.js";

const PROMPT = "Summarize this article in exactly 3 bullet points for {{audience}}.";
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe("POST /api/orchestrate/*", () => {
  it("analyze returns diagnostics, constraints and placeholders", async () => {
    const res = await s.json("POST", "/api/orchestrate/analyze", { prompt: PROMPT });
    expect(res.status).toBe(200);
    expect(res.body.engine).toBe("local");
    expect(res.body.analysis).toMatchObject({ task_type: expect.any(String), complexity: expect.any(String) });
    expect(res.body.analysis.placeholders.length).toBeGreaterThan(0);
  });

  it("strategy honours an override and reuses a given analysis", async () => {
    const analysis = (await s.json("POST", "/api/orchestrate/analyze", { prompt: PROMPT })).body.analysis;
    const res = await s.json("POST", "/api/orchestrate/strategy", { prompt: PROMPT, analysis, strategy: "few-shot" });
    expect(res.status).toBe(200);
    expect(res.body.strategy).toMatchObject({ strategy: "few-shot-scaffolding", confidence: 1 });
    expect(res.body.analysis).toEqual(analysis);
  });

  it("optimize rewrites and keeps the placeholder", async () => {
    const res = await s.json("POST", "/api/orchestrate/optimize", { prompt: PROMPT, strategy: "role-task-format" });
    expect(res.status).toBe(200);
    expect(res.body.optimization.optimized_prompt).toContain("{{audience}}");
    expect(res.body.strategy.strategy).toBe("role-task-format");
  });

  it("validate scores original against optimized", async () => {
    const res = await s.json("POST", "/api/orchestrate/validate", {
      original: PROMPT,
      optimized: `You are an editor.\n\n## Task\n${PROMPT}\n\n## Output format\nThree bullet points.`,
    });
    expect(res.status).toBe(200);
    expect(res.body.validation.overall).toBeGreaterThan(0);
  });

  it("rejects missing or malformed input with 422 and a non-JSON body with 415", async () => {
    for (const stage of ["analyze", "strategy", "optimize"]) {
      const res = await s.json("POST", `/api/orchestrate/${stage}`, {});
      expect(res.status, stage).toBe(422);
    }
    expect((await s.json("POST", "/api/orchestrate/validate", { original: PROMPT })).status).toBe(422);
    expect((await s.json("POST", "/api/orchestrate/strategy", { prompt: PROMPT, analysis: { nope: 1 } })).status).toBe(
      422,
    );
    const text = await s.fetch("/api/orchestrate/analyze", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: PROMPT,
    });
    expect(text.status).toBe(415);
  });
});
