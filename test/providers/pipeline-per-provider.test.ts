// A full four-stage run per provider through the real SDKs against fake servers that speak each wire
// protocol: structured output requested the provider's way, the rewrite streamed as deltas, usage kept.
import { afterEach, describe, expect, it } from "vitest";
import { runPipeline } from "../../src/core/pipeline/run.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { startFakeClaude } from "../fakes/claude-cli.js";
import type { FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeGemini } from "../fakes/gemini-server.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { OPTIMIZED_MARKER } from "../fakes/stage-replies.js";
import { collect, KEYS, registryFor, SAMPLE_PROMPT } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function track<T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> {
  const fake = await p;
  cleanups.push(() => fake.close());
  return fake;
}

async function runFull(engineName: string, registry: ReturnType<typeof registryFor>, request = {}) {
  const engine = await registry.resolve({ provider: engineName, ...request });
  const c = collect();
  const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine, emit: c.emit });
  return { engine, result, c };
}

function expectCompleteRun(run: Awaited<ReturnType<typeof runFull>>, provider: string) {
  const { result, c, engine } = run;
  expect(engine.name).toBe(provider);
  expect(result.analysis.task_type).toBe("writing");
  expect(result.analysis.placeholders).toContain("{{company}}");
  expect(result.strategy?.strategy).toBe("persona-assignment");
  expect(result.optimization?.optimized_prompt).toContain(OPTIMIZED_MARKER);
  expect(result.optimization?.optimized_prompt).toContain('end with "Stay curious."');
  expect(c.deltas().join("")).toBe(result.optimization?.optimized_prompt);
  expect(result.validation?.optimized_scores.clarity).toBeGreaterThan(result.validation?.original_scores.clarity ?? 10);
  expect(result.validation?.preserved).toEqual({
    constraints: { kept: 2, total: 2 },
    placeholders: { kept: 1, total: 1 },
  });
  expect(result.tokenUsage?.input_tokens).toBeGreaterThan(0);
  expect(result.tokenUsage?.output_tokens).toBeGreaterThan(0);
}

function stagesSeen(fake: FakeServer): string[] {
  return fake.requests.map((r) => /PromptForge stage: (\w+)/.exec(r.system)?.[1] ?? "?");
}

describe("full pipeline per provider", () => {
  it("runs on OpenAI with json_schema structured output and a streamed rewrite", async () => {
    const fake = await track(startFakeOpenAI({ apiKey: KEYS.openai }));
    const run = await runFull("openai", registryFor({ openai: { apiKey: KEYS.openai, baseUrl: `${fake.url}/v1` } }));
    expectCompleteRun(run, "openai");
    expect(stagesSeen(fake)).toEqual(["analyze", "strategy", "optimize", "validate"]);
    const format = fake.requests[0]?.body.response_format as { type: string; json_schema: { schema: unknown } };
    expect(format.type).toBe("json_schema");
    expect(fake.requests.map((r) => r.stream)).toEqual([false, false, true, false]);
    expect(run.c.deltas().length).toBeGreaterThan(3);
  });

  it("runs on Anthropic with output_config.format and x-api-key", async () => {
    const fake = await track(startFakeAnthropic({ apiKey: KEYS.anthropic }));
    const run = await runFull("anthropic", registryFor({ anthropic: { apiKey: KEYS.anthropic, baseUrl: fake.url } }));
    expectCompleteRun(run, "anthropic");
    expect(fake.requests[0]?.path).toBe("/v1/messages");
    expect(fake.requests[0]?.headers["x-api-key"]).toBe(KEYS.anthropic);
    expect((fake.requests[0]?.body.output_config as { format?: { type: string } })?.format?.type).toBe("json_schema");
    expect(fake.requests[2]?.stream).toBe(true);
  });

  it("runs on Anthropic with an OAuth token sent as Authorization: Bearer", async () => {
    const token = "sk-ant-oat01-test-token-0123456789";
    const fake = await track(startFakeAnthropic({ apiKey: token }));
    const run = await runFull("anthropic", registryFor({ anthropic: { apiKey: token, baseUrl: `${fake.url}/v1` } }));
    expectCompleteRun(run, "anthropic");
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("answers Anthropic's JSON-tool mode for models without native structured output", async () => {
    const fake = await track(startFakeAnthropic({ apiKey: KEYS.anthropic }));
    const registry = registryFor({
      anthropic: { apiKey: KEYS.anthropic, baseUrl: fake.url, model: "claude-3-haiku-20240307" },
    });
    const run = await runFull("anthropic", registry);
    expectCompleteRun(run, "anthropic");
    expect(fake.requests[0]?.body.tools).toMatchObject([{ name: "json" }]);
    expect(fake.requests[0]?.body.output_config).toBeUndefined();
  });

  it("runs on Gemini through generateContent and streamGenerateContent with x-goog-api-key", async () => {
    const fake = await track(startFakeGemini({ apiKey: KEYS.gemini }));
    const run = await runFull(
      "gemini",
      registryFor({ gemini: { apiKey: KEYS.gemini, baseUrl: `${fake.url}/v1beta` } }),
    );
    expectCompleteRun(run, "gemini");
    expect(fake.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(fake.requests[2]?.path).toContain(":streamGenerateContent");
    expect(fake.requests[0]?.headers["x-goog-api-key"]).toBe(KEYS.gemini);
    const config = fake.requests[0]?.body.generationConfig as { responseMimeType?: string };
    expect(config.responseMimeType).toBe("application/json");
  });

  it("runs on an Ollama-style OpenAI-compatible server without a key, base URL given as a bare host", async () => {
    const fake = await track(startFakeOpenAI());
    const registry = registryFor({ openaiCompatible: { baseUrl: fake.url, model: "qwen3:8b" } });
    const run = await runFull("openai-compatible", registry);
    expectCompleteRun(run, "openai-compatible");
    expect(run.engine.model).toBe("qwen3:8b");
    expect(fake.requests[0]?.path).toBe("/v1/chat/completions");
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(fake.requests[0]?.body.model).toBe("qwen3:8b");
  });

  it("runs on the claude CLI in print mode, isolated, with no tools and only our system prompt", async () => {
    const claude = await track(startFakeClaude());
    const registry = registryFor({ claudeCli: { path: claude.executable } });
    const run = await runFull("claude-cli", registry, { model: "opus" });
    expectCompleteRun(run, "claude-cli");
    expect(claude.invocations).toHaveLength(4);
    const inv = claude.invocations[0];
    expect(inv?.args.slice(0, 3)).toEqual(["-p", "--output-format", "json"]);
    expect(inv?.args[inv.args.indexOf("--model") + 1]).toBe("opus");
    expect(inv?.args[inv.args.indexOf("--tools") + 1]).toBe("");
    expect(inv?.args[inv.args.indexOf("--system-prompt") + 1]).toMatch(/^PromptForge stage: analyze/);
    expect(inv?.cwd).toMatch(/promptforge-claude-/);
    expect(inv?.cwd).not.toBe(process.cwd());
    expect(inv?.stdin).toContain(SAMPLE_PROMPT);
  });
});
