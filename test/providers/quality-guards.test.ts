// The quality guards of an LLM engine: intent preservation (repair, else reject for the local rewrite),
// the local selector as strategy fallback, and blind A/B hybrid scoring mapped back correctly.
import { afterEach, describe, expect, it } from "vitest";
import { runPipeline } from "../../src/core/pipeline/run.js";
import type { RecordedRequest } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { OPTIMIZED_MARKER, optimizationValue, stageValue, tagged } from "../fakes/stage-replies.js";
import { KEYS, registryFor, SAMPLE_PROMPT } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(random = () => 0.25) {
  const fake = await startFakeOpenAI({ apiKey: KEYS.openai });
  cleanups.push(() => fake.close());
  const registry = registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }, { random });
  return { fake, engine: await registry.resolve({ provider: "openai" }) };
}

/** An optimize reply that lost the end phrase constraint of SAMPLE_PROMPT. */
function droppingRewrite(req: RecordedRequest) {
  const original = tagged(req.user, "original_prompt").replace(' and end with "Stay curious."', ".");
  return { type: "json" as const, value: optimizationValue(original) };
}

const isStage = (req: RecordedRequest, stage: string) => req.system.startsWith(`PromptForge stage: ${stage}`);

describe("intent preservation", () => {
  it("repairs a rewrite that dropped a constraint and says so in the notes", async () => {
    const { fake, engine } = await setup();
    let optimizeCalls = 0;
    fake.script.fallback = (req) => {
      if (isStage(req, "optimize") && optimizeCalls++ === 0) return droppingRewrite(req);
      return { type: "json", value: stageValue(req) };
    };
    const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine });
    expect(result.optimization?.optimized_prompt).toContain('end with "Stay curious."');
    expect(result.optimization?.optimized_prompt).toContain(OPTIMIZED_MARKER);
    expect(result.optimization?.notes).toMatch(
      /dropped 1 protected item\(s\).*Stay curious.*repair pass restored them/,
    );
    const repair = fake.requests.filter((r) => isStage(r, "optimize"))[1];
    const last = ((repair?.body.messages ?? []) as Array<{ content: string }>).at(-1)?.content;
    expect(last).toMatch(/dropped items that must be kept verbatim/);
    expect(last).toContain('end with \\"Stay curious.\\"');
    expect(result.validation?.preserved.constraints).toEqual({ kept: 2, total: 2 });
  });

  it("rejects a rewrite that still drops it and falls back to the local rewrite", async () => {
    const { fake, engine } = await setup();
    fake.script.fallback = (req) =>
      isStage(req, "optimize") ? droppingRewrite(req) : { type: "json", value: stageValue(req) };
    const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine });
    expect(result.optimization?.optimized_prompt).not.toContain(OPTIMIZED_MARKER);
    expect(result.optimization?.optimized_prompt).toContain('"Stay curious."');
    expect(result.optimization?.optimized_prompt).toContain("{{company}}");
    expect(result.optimization?.notes).toMatch(
      /OpenAI rewrite dropped protected item\(s\).*was rejected.*built-in rewrite/,
    );
    expect(fake.requests.filter((r) => isStage(r, "optimize"))).toHaveLength(2);
  });
});

describe("strategy fallback", () => {
  it("uses the local selector when the model's strategy call fails", async () => {
    const { fake, engine } = await setup();
    fake.script.fallback = (req) =>
      isStage(req, "strategy") ? { type: "text", text: "I think persona!" } : { type: "json", value: stageValue(req) };
    const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine, options: { stages: ["strategy"] } });
    expect(result.strategy?.reasoning).toMatch(/Chosen by the built-in selector: the OpenAI model's choice failed/);
    expect(result.strategy?.confidence).toBeGreaterThan(0);
  });

  it("skips the model when the user overrides the strategy", async () => {
    const { fake, engine } = await setup();
    const result = await runPipeline({
      prompt: SAMPLE_PROMPT,
      engine,
      options: { strategy: "step-by-step", stages: ["strategy"] },
    });
    expect(result.strategy).toMatchObject({ strategy: "step-by-step", confidence: 1 });
    expect(fake.requests.filter((r) => isStage(r, "strategy"))).toHaveLength(0);
  });
});

describe("blind A/B hybrid scoring", () => {
  for (const [label, random] of [
    ["original shown as Prompt A", () => 0.1],
    ["original shown as Prompt B", () => 0.9],
  ] as const) {
    it(`maps scores back correctly with the ${label}`, async () => {
      const { fake, engine } = await setup(random);
      const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine });
      const validate = fake.requests.find((r) => isStage(r, "validate"));
      const aIsOriginal = !tagged(validate?.user ?? "", "prompt_a").includes(OPTIMIZED_MARKER);
      expect(aIsOriginal).toBe(random() < 0.5);
      const v = result.validation;
      expect(v?.optimized_scores.structure).toBeGreaterThan(v?.original_scores.structure ?? 99);
      expect(v?.original_scores.faithfulness).toBe(10);
      expect(v?.verdict).toBe("The optimized prompt is clearer and more specific than the original prompt.");
      expect(v?.is_improvement).toBe(true);
    });
  }

  it("blends model and local scores, flags divergence and computes overall itself", async () => {
    const { fake, engine } = await setup();
    fake.script.fallback = (req) => {
      if (!isStage(req, "validate")) return { type: "json", value: stageValue(req) };
      const low = { clarity: 1, specificity: 1, structure: 1, faithfulness: 1, conciseness: 1 };
      return {
        type: "json",
        value: { prompt_a: low, prompt_b: low, better: "tie", verdict: "Both are poor.", overall: 10 },
      };
    };
    const local = await runPipeline({
      prompt: SAMPLE_PROMPT,
      engine: (await import("../../src/core/local/engine.js")).createLocalEngine(),
    });
    const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine });
    const v = result.validation;
    // The optimized prompt differs between the runs (LLM vs local rewrite), so compare the original's scores.
    const localClarity = local.validation?.original_scores.clarity ?? 0;
    expect(v?.original_scores.clarity).toBeCloseTo(Math.round(((1 + localClarity) / 2) * 10) / 10, 5);
    expect(v?.divergence?.clarity).toBe(localClarity - 1 > 2.5);
    expect(v?.overall).toBeLessThan(10);
    const o = v?.optimized_scores;
    if (!o) throw new Error("no scores");
    const expected =
      Math.round((0.25 * o.clarity + 0.25 * o.specificity + 0.2 * o.structure + 0.3 * o.faithfulness) * 10) / 10;
    expect(v?.overall).toBeCloseTo(expected, 5);
  });
});
