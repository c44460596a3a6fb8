// Transient failures, malformed output, time limits and credentials, through the real SDKs against
// fake servers: retries honour Retry-After, fail fast past 90 s, and every error is typed and safe.
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { runPipeline } from "../../src/core/pipeline/run.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { startFakeGemini } from "../fakes/gemini-server.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { analysisValue } from "../fakes/stage-replies.js";
import { KEYS, recordingRetry, registryFor, SAMPLE_PROMPT, stageFailure } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
async function openai(options: Parameters<typeof startFakeOpenAI>[0] = { apiKey: KEYS.openai }) {
  const fake = await startFakeOpenAI(options);
  cleanups.push(() => fake.close());
  return fake;
}

const ctx = () => ({ signal: new AbortController().signal });

describe("retries", () => {
  it("waits the Retry-After of a 429, then succeeds", async () => {
    const fake = await openai();
    fake.script.enqueue({ type: "error", status: 429, headers: { "retry-after": "1" } });
    const retry = recordingRetry();
    const registry = registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }, { retry });
    const engine = await registry.resolve({ provider: "openai" });
    const analysis = await engine.analyze(SAMPLE_PROMPT, ctx());
    expect(analysis.task_type).toBe("writing");
    expect(retry.waits).toEqual([1000]);
    expect(fake.requests).toHaveLength(2);
  });

  it("fails fast with rate_limited when Retry-After exceeds 90 s", async () => {
    const fake = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    cleanups.push(() => fake.close());
    fake.script.enqueue({ type: "error", status: 429, headers: { "retry-after": "120" } });
    const retry = recordingRetry();
    const registry = registryFor({ anthropic: { apiKey: KEYS.anthropic, baseUrl: fake.url } }, { retry });
    const engine = await registry.resolve({ provider: "anthropic" });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("rate_limited");
    expect(error.details).toMatchObject({ kind: "rate_limit", retry_after_s: 120, provider: "anthropic" });
    expect(error.message).toMatch(/retry after 120 s.*try again later/);
    expect(retry.waits).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a 500 with backoff, then succeeds", async () => {
    const fake = await openai();
    fake.script.enqueue({ type: "error", status: 500 });
    const retry = recordingRetry();
    const engine = await registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }, { retry }).resolve({
      provider: "openai",
    });
    await engine.analyze(SAMPLE_PROMPT, ctx());
    expect(retry.waits).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it("gives up after two retries with a typed unavailable error", async () => {
    const fake = await openai();
    fake.script.enqueue({ type: "error", status: 503 }, { type: "error", status: 503 }, { type: "error", status: 503 });
    const engine = await registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }).resolve({
      provider: "openai",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("provider_error");
    expect(error.details).toMatchObject({ kind: "unavailable", status: 503 });
    expect(error.message).toMatch(/OpenAI is unavailable \(HTTP 503\).*gave up after 3 attempts/);
    expect(fake.requests).toHaveLength(3);
  });

  it("turns a hung provider into a timeout error after the retries", async () => {
    const fake = await openai();
    fake.script.enqueue({ type: "hang" }, { type: "hang" }, { type: "hang" });
    const engine = await registryFor({ timeoutMs: 300, openai: { apiKey: KEYS.openai, baseUrl: fake.url } }).resolve({
      provider: "openai",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/OpenAI did not answer within 0\.3 s \(LLM_TIMEOUT_MS\)/);
    expect(fake.requests).toHaveLength(3);
    await fake.waitForEarlyClose();
  });
});

describe("malformed output", () => {
  it("repairs malformed JSON with one follow-up that quotes the problem", async () => {
    const fake = await openai();
    fake.script.enqueue({ type: "text", text: '{"task_type": "writing", "complexity": ' });
    const engine = await registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }).resolve({
      provider: "openai",
    });
    const analysis = await engine.analyze(SAMPLE_PROMPT, ctx());
    expect(analysis.task_type).toBe("writing");
    expect(fake.requests).toHaveLength(2);
    const messages = fake.requests[1]?.body.messages as Array<{ role: string; content: string }>;
    expect(messages.at(-2)?.role).toBe("assistant");
    expect(messages.at(-1)?.content).toMatch(/could not be used: the JSON did not parse/);
  });

  it("fails with invalid_output when the repair is malformed too", async () => {
    const fake = await openai();
    fake.script.enqueue(
      { type: "text", text: "Sure! Here is the analysis." },
      { type: "text", text: '{"task_type": 42}' },
    );
    const engine = await registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }).resolve({
      provider: "openai",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "invalid_output" });
    expect(error.message).toMatch(/not valid JSON for the analyze stage, even after a repair attempt/);
  });

  it("strips <think> reasoning and code fences around the JSON", async () => {
    const fake = await openai({});
    fake.script.enqueue({
      type: "text",
      text: `<think>The user wants {"task_type": "math"}… let me think.</think>\n\`\`\`json\n${JSON.stringify(analysisValue())}\n\`\`\``,
    });
    const engine = await registryFor({ openaiCompatible: { baseUrl: fake.url } }).resolve({
      provider: "openai-compatible",
    });
    const analysis = await engine.analyze(SAMPLE_PROMPT, ctx());
    expect(analysis.task_type).toBe("writing");
    expect(fake.requests).toHaveLength(1);
  });

  it("never lets reasoning text into the optimized prompt", async () => {
    const fake = await openai({});
    const registry = registryFor({ openaiCompatible: { baseUrl: fake.url } });
    fake.script.fallback = (req) => {
      const stage = /PromptForge stage: (\w+)/.exec(req.system)?.[1];
      if (stage !== "optimize") return { type: "json", value: (analysisValue as () => unknown)() };
      const original = /<original_prompt>\n([\s\S]*?)\n<\/original_prompt>/.exec(req.user)?.[1] ?? "";
      const value = {
        optimized_prompt: `<think>draft</think>Act as an editor.\n\n${original}`,
        framework_applied: "x",
        changes_made: [],
        notes: "",
      };
      return { type: "text", text: `<think>planning the rewrite</think>${JSON.stringify(value)}` };
    };
    const engine = await registry.resolve({ provider: "openai-compatible" });
    const result = await runPipeline({
      prompt: SAMPLE_PROMPT,
      engine,
      options: { strategy: "role-task-format", stages: ["optimize"] },
    });
    expect(result.optimization?.optimized_prompt).toMatch(/^Act as an editor\./);
    expect(result.optimization?.optimized_prompt).not.toMatch(/think|draft|planning/);
  });
});

describe("credentials and connectivity", () => {
  it("reports a wrong OpenAI key as an authentication error without key material", async () => {
    const fake = await openai();
    const wrong = "sk-wrong-key-9876543210fedcba";
    const engine = await registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } }).resolve({
      provider: "openai",
      apiKey: wrong,
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("unauthorized");
    expect(error.status).toBe(502);
    expect(error.details).toMatchObject({ kind: "authentication", provider: "openai", status: 401 });
    expect(error.message).toMatch(/OpenAI rejected the API key.*OPENAI_API_KEY/);
    const serialised = JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause) });
    for (const fragment of [wrong, wrong.slice(-4), wrong.slice(0, 8), KEYS.openai])
      expect(serialised).not.toContain(fragment);
    expect(fake.requests).toHaveLength(1);
  });

  it("reports Gemini's 400 API_KEY_INVALID as an authentication error", async () => {
    const fake = await startFakeGemini({ apiKey: KEYS.gemini });
    cleanups.push(() => fake.close());
    const engine = await registryFor({ gemini: { apiKey: "AIzaWrongWrongWrongWrong", baseUrl: fake.url } }).resolve({
      provider: "gemini",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(/Gemini rejected the API key.*GEMINI_API_KEY/);
    expect(error.message).not.toContain("AIzaWrong");
  });

  it("maps an unknown model to model_not_found with the variable to set", async () => {
    const fake = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    cleanups.push(() => fake.close());
    fake.script.enqueue({ type: "error", status: 404, message: "model: claude-nope" });
    const engine = await registryFor({ anthropic: { apiKey: KEYS.anthropic, baseUrl: fake.url } }).resolve({
      provider: "anthropic",
      model: "claude-nope",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "model_not_found" });
    expect(error.message).toMatch(/does not know the model "claude-nope".*ANTHROPIC_MODEL/);
  });

  it("reports an unreachable server as a connection error naming the endpoint", async () => {
    const fake = await openai({});
    const url = new URL(fake.url);
    await fake.close();
    cleanups.pop();
    const engine = await registryFor({ openaiCompatible: { baseUrl: `http://${url.host}/v1` } }).resolve({
      provider: "openai-compatible",
    });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "connection" });
    expect(error.message).toMatch(
      /Cannot reach OpenAI-compatible server at http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused\)/,
    );
    expect(error.message).toMatch(/OPENAI_COMPATIBLE_BASE_URL/);
  });

  it("rejects a base URL carrying credentials without echoing them", async () => {
    const registry = registryFor({ openaiCompatible: { baseUrl: "http://user:secretpw@127.0.0.1:9/v1" } });
    const error = await registry.resolve({ provider: "openai-compatible" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("validation_error");
    expect((error as AppError).message).toMatch(/OPENAI_COMPATIBLE_BASE_URL is not a valid http\(s\) URL/);
    expect((error as AppError).message).not.toContain("secretpw");
  });
});
