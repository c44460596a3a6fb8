// Cancellation reaches the in-flight request: aborting mid-stream closes the HTTP connection the fake
// server holds, and kills a running claude process.
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../src/core/pipeline/events.js";
import { CancelledError, runPipeline } from "../../src/core/pipeline/run.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { startFakeClaude } from "../fakes/claude-cli.js";
import type { FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeGemini } from "../fakes/gemini-server.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { stageValue } from "../fakes/stage-replies.js";
import { KEYS, registryFor, SAMPLE_PROMPT } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const PARTIAL = `{"optimized_prompt": "You are a senior editor. Write a blog post about remote work for {{company}} and keep going`;

async function cancelMidStream(fake: FakeServer, provider: string, settings: Parameters<typeof registryFor>[0]) {
  cleanups.push(() => fake.close());
  fake.script.fallback = (req) =>
    req.system.startsWith("PromptForge stage: optimize")
      ? { type: "stream-then-hang", text: PARTIAL }
      : { type: "json", value: stageValue(req) };
  const engine = await registryFor(settings).resolve({ provider });
  const controller = new AbortController();
  const deltas: string[] = [];
  const emit = (e: PipelineEvent) => {
    if (e.type !== "optimization_delta") return;
    deltas.push(e.data.text);
    if (deltas.join("").includes("remote work")) controller.abort();
  };
  const run = runPipeline({
    prompt: SAMPLE_PROMPT,
    engine,
    emit,
    signal: controller.signal,
    options: { strategy: "persona-assignment", stages: ["optimize"] },
  });
  await expect(run).rejects.toBeInstanceOf(CancelledError);
  await fake.waitForEarlyClose();
  expect(fake.closedEarly).toBe(1);
  expect(deltas.join("")).toContain("You are a senior editor.");
}

describe("cancellation mid-stream", () => {
  it("closes the OpenAI streaming connection", async () => {
    const fake = await startFakeOpenAI({ apiKey: KEYS.openai });
    await cancelMidStream(fake, "openai", { openai: { apiKey: KEYS.openai, baseUrl: fake.url } });
  });

  it("closes the Anthropic streaming connection", async () => {
    const fake = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    await cancelMidStream(fake, "anthropic", { anthropic: { apiKey: KEYS.anthropic, baseUrl: fake.url } });
  });

  it("closes the Gemini streaming connection", async () => {
    const fake = await startFakeGemini({ apiKey: KEYS.gemini });
    await cancelMidStream(fake, "gemini", { gemini: { apiKey: KEYS.gemini, baseUrl: fake.url } });
  });

  it("kills a running claude process", async () => {
    const claude = await startFakeClaude();
    cleanups.push(() => claude.close());
    claude.script.enqueue({ type: "hang" });
    const engine = await registryFor({ claudeCli: { path: claude.executable } }).resolve({ provider: "claude-cli" });
    const controller = new AbortController();
    const run = engine.analyze(SAMPLE_PROMPT, { signal: controller.signal });
    while (claude.invocations.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(run).rejects.toThrow();
    await claude.waitForEarlyClose();
    expect(claude.closedEarly).toBe(1);
  });
});
