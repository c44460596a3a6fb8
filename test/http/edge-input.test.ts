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
