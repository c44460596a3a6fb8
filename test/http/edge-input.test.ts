// Request edges a demanding user meets (issue 17): the user's framework choice is kept or refused,
// never silently changed; unknown fields, duplicate tags, `v0` and invalid UTF-8 are refused with a
// message naming the problem; messages name the field that is actually wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

const PROMPT = "Write a blog post about kubernetes for beginners. Keep it under 300 words.";

describe("request edges", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  describe("secondary_frameworks", () => {
    it("keeps the requested secondaries when no strategy is given", async () => {
      const { response, events } = await postSse(`${s.url}/api/optimize`, {
        prompt: PROMPT,
        secondary_frameworks: ["risen", "step-by-step"],
      });
      expect(response.status).toBe(200);
      const strategy = events.find((e) => e.event === "strategy")?.data as {
        strategy: string;
        secondary_frameworks: string[];
      };
      expect(strategy.secondary_frameworks).toEqual(["risen", "step-by-step"]);
      const complete = events.find((e) => e.event === "complete")?.data as {
        strategy: { secondary_frameworks: string[] };
      };
      expect(complete.strategy.secondary_frameworks).toEqual(["risen", "step-by-step"]);
    });

    it("keeps a requested secondary that the selector would have made the primary", async () => {
      const auto = await s.json("POST", "/api/orchestrate/strategy", { prompt: PROMPT });
      const natural = auto.body.strategy.strategy as string;
      const res = await s.json("POST", "/api/orchestrate/strategy", {
        prompt: PROMPT,
        secondary_frameworks: [natural],
      });
      expect(res.status).toBe(200);
      expect(res.body.strategy.secondary_frameworks).toEqual([natural]);
      expect(res.body.strategy.strategy).not.toBe(natural);
    });

    it("refuses a secondary equal to the primary, or named twice, with a 422 (optimize, batch, retry, stage)", async () => {
      const same = { prompt: PROMPT, strategy: "co-star", secondary_frameworks: ["co-star"] };
      for (const [path, body] of [
        ["/api/optimize", same],
        ["/api/optimize/batch", { prompts: [PROMPT], strategy: "risen", secondary_frameworks: ["risen"] }],
        ["/api/orchestrate/strategy", same],
      ] as const) {
        const res = await s.json("POST", path, body);
        expect(res.status, path).toBe(422);
        expect(res.body.error.message).toMatch(/secondary_frameworks must differ from strategy/);
      }
      // An alias resolves to the same strategy.
      const alias = await s.json("POST", "/api/optimize", {
        ...same,
        secondary_frameworks: ["role-based"],
        strategy: "persona-assignment",
      });
      expect(alias.status).toBe(422);
      const twice = await s.json("POST", "/api/optimize", { prompt: PROMPT, secondary_frameworks: ["risen", "risen"] });
      expect(twice.status).toBe(422);
      expect(twice.body.error.message).toMatch(/secondary_frameworks: .*twice/);

      const first = await postSse(`${s.url}/api/optimize`, { prompt: PROMPT });
      const id = first.response.headers.get("x-optimization-id");
      const retry = await s.json("POST", `/api/optimize/${id}/retry`, {
        strategy: "risen",
        secondary_frameworks: ["risen"],
      });
      expect(retry.status).toBe(422);
    });
  });

  describe("stored text is clean text", () => {
    const DIRTY = "A\u001b]0;owned\u0007 title\u202e\u0000 x\u009b2J\nend\t!";

    it("strips controls and bidi characters from titles, tags and project names (one line, no LF or TAB)", async () => {
      const { events } = await postSse(`${s.url}/api/optimize`, {
        prompt: PROMPT,
        title: DIRTY,
        tags: [DIRTY, "blog"],
        project: `Proj\u001b[31m${Date.now()}`,
      });
      const record = events.find((e) => e.event === "complete")?.data as {
        id: string;
        title: string;
        tags: string[];
        project_id: string;
      };
      expect(record.title).toBe("A]0;owned title x2J end !");
      expect(record.tags).toEqual(["A]0;owned title x2J end !", "blog"]);
      const project = await s.json("GET", `/api/projects/${record.project_id}`);
      expect(project.body.name).toMatch(/^Proj\[31m\d+$/);
      const stored = await s.json("GET", `/api/optimize/${record.id}`);
      expect(JSON.stringify(stored.body)).not.toMatch(/\\u001b|\\u0007|\\u0000|\u202e|\u009b/);
    });

    it("keeps LF and TAB in prompt bodies and descriptions but strips the rest", async () => {
      const project = await s.json("POST", "/api/projects", {
        name: `Clean ${Date.now()}\u0007`,
        description: "line one\u001b[2J\nline\ttwo\u2066",
        context_profile: { language: "Type\nScript\u001b", conventions: ["use\ttabs\u0000"] },
      });
      expect(project.status).toBe(201);
      expect(project.body.name).not.toMatch(/\u0007/);
      expect(project.body.description).toBe("line one[2J\nline\ttwo");
      expect(project.body.context_profile).toEqual({ language: "Type Script", conventions: ["use\ttabs"] });
      const prompt = await s.json("POST", `/api/projects/${project.body.id}/prompts`, {
        title: "T\u001b\nitle",
        content: "Summarise\u001b]8;;http://x\u0007 this\r\nin\tthree lines\u202e.",
      });
      expect(prompt.status).toBe(201);
      expect(prompt.body.title).toBe("T itle");
      expect(prompt.body.content).toBe("Summarise]8;;http://x this\nin\tthree lines.");
    });
  });

  describe("strict input", () => {
    it("refuses an unknown body field with a 422 naming it (top level and nested)", async () => {
      const top = await s.json("POST", "/api/optimize", { prompt: PROMPT, strategyy: "risen" });
      expect(top.status).toBe(422);
      expect(top.body.error.message).toMatch(/unknown field "strategyy"/);
      const nested = await s.json("POST", "/api/optimize", { prompt: PROMPT, codebase_context: { langauge: "Go" } });
      expect(nested.status).toBe(422);
      expect(nested.body.error.message).toMatch(/unknown field "codebase_context.langauge"/);
      const project = await s.json("POST", "/api/projects", { name: "X", colour: "red" });
      expect(project.status).toBe(422);
      expect(project.body.error.details.issues[0].path).toBe("colour");
      const escaped = await s.json("POST", "/api/projects", { name: "X", "a\u001b[2Jb": 1 });
      expect(escaped.status).toBe(422);
      expect(JSON.stringify(escaped.body)).not.toMatch(/\\u001b/);
    });

    it("accepts what the stages return when it is sent back (analysis, strategy)", async () => {
      const analysis = (await s.json("POST", "/api/orchestrate/analyze", { prompt: PROMPT })).body.analysis;
      const strategy = await s.json("POST", "/api/orchestrate/strategy", { prompt: PROMPT, analysis });
      expect(strategy.status).toBe(200);
      const optimize = await s.json("POST", "/api/orchestrate/optimize", {
        prompt: PROMPT,
        analysis,
        strategy: strategy.body.strategy,
      });
      expect(optimize.status).toBe(200);
    });

    it("stores each tag once and refuses version v0", async () => {
      const { events } = await postSse(`${s.url}/api/optimize`, { prompt: PROMPT, tags: ["a", "b", "a", " b ", "A"] });
      const complete = events.find((e) => e.event === "complete")?.data as { tags: string[] } | undefined;
      expect(complete?.tags).toEqual(["a", "b"]);
      const v0 = await s.json("POST", "/api/optimize", { prompt: PROMPT, version: "v0" });
      expect(v0.status).toBe(422);
      expect(v0.body.error.message).toMatch(/version/);
      const v1 = await postSse(`${s.url}/api/optimize`, { prompt: PROMPT, version: "v1" });
      expect(v1.response.status).toBe(200);
    });

    it("refuses a body that is not valid UTF-8 with a 400 naming it, instead of replacing the bytes", async () => {
      const bytes = Buffer.concat([Buffer.from('{"prompt": "caf'), Buffer.from([0xe9]), Buffer.from(' au lait"}')]);
      const res = await s.fetch("/api/optimize", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: bytes,
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("invalid_utf8");
      expect(body.error.message).toMatch(/not valid UTF-8 \(byte 15\)/);
      const history = await s.json("GET", "/api/history?search=lait");
      expect(history.body.total).toBe(0);
    });
  });

  describe("messages name the real problem", () => {
    it("reports a missing optimized or content field by its own name", async () => {
      const validate = await s.json("POST", "/api/orchestrate/validate", { original: PROMPT });
      expect(validate.status).toBe(422);
      expect(validate.body.error.message).toMatch(/optimized: optimized is required/);
      expect(validate.body.error.message).not.toMatch(/prompt/);
      const project = await s.json("POST", "/api/projects", { name: `Msg ${Date.now()}` });
      const prompt = await s.json("POST", `/api/projects/${project.body.id}/prompts`, { title: "no content" });
      expect(prompt.status).toBe(422);
      expect(prompt.body.error.message).toMatch(/content: content is required/);
      const wrongType = await s.json("POST", `/api/projects/${project.body.id}/prompts`, { content: 5 });
      expect(wrongType.body.error.message).toMatch(/content must be a string/);
    });

    it("reports a string given for a list as a type error only", async () => {
      for (const body of [
        { prompt: PROMPT, stages: "analyze" },
        { prompt: PROMPT, secondary_frameworks: "co-star" },
        { prompt: PROMPT, tags: "blog" },
      ]) {
        const res = await s.json("POST", "/api/optimize", body);
        expect(res.status).toBe(422);
        expect(res.body.error.message).toMatch(/expected array, received string/);
        expect(res.body.error.message).not.toMatch(/characters/);
        expect(res.body.error.details.issues).toHaveLength(1);
      }
    });
  });

  it("names at most the primary and two secondaries in framework_applied after iterations", async () => {
    const { events } = await postSse(`${s.url}/api/optimize`, {
      prompt: "write a blog post about remote work",
      max_iterations: 5,
      score_threshold: 10,
    });
    const complete = events.find((e) => e.event === "complete")?.data as {
      framework_applied: string;
      strategy: { strategy: string; secondary_frameworks: string[] };
    };
    const named = complete.framework_applied.split(" + ");
    expect(named.length).toBeLessThanOrEqual(3);
    expect(named[0]).toBe(complete.strategy.strategy);
    for (const event of events.filter((e) => e.event === "optimization")) {
      expect((event.data as { framework_applied: string }).framework_applied.split(" + ").length).toBeLessThanOrEqual(
        3,
      );
    }
  });
});
