// Provider fault matrix (issue 12 item 5): for every HTTP provider kind, the real SDK against a fake
// server speaking that provider's wire protocol, which misbehaves on purpose — 429 with and without
// Retry-After, 500/502/503, a hung server, a connection reset mid-reply and mid-stream, a stream cut
// before its last chunk, an empty completion, malformed JSON twice, a reply in the wrong schema, a
// host that does not resolve. Each ends in the documented typed error or recovery, within a bounded
// time; through the app, the stored record ends in its final state.
import { afterEach, describe, expect, it } from "vitest";
import { runPipeline } from "../../src/core/pipeline/run.js";
import type { ProviderSettings } from "../../src/providers/registry.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { type FakeReply, FakeScript, type FakeServer, type RecordedRequest } from "../fakes/fake-llm-core.js";
import { startFakeGemini } from "../fakes/gemini-server.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { OPTIMIZED_MARKER, stageOf, stageReply } from "../fakes/stage-replies.js";
import { createTempApp } from "../helpers/temp-app.js";
import { collect, KEYS, recordingRetry, registryFor, SAMPLE_PROMPT, stageFailure } from "../providers/harness.js";

interface ProviderKind {
  name: "openai" | "anthropic" | "gemini";
  label: string;
  start(script: FakeScript): Promise<FakeServer>;
  settings(url: string): ProviderSettings;
  env(url: string): Record<string, string>;
}

const KINDS: ProviderKind[] = [
  {
    name: "openai",
    label: "OpenAI",
    start: (script) => startFakeOpenAI({ apiKey: KEYS.openai, script }),
    settings: (url) => ({ openai: { apiKey: KEYS.openai, baseUrl: `${url}/v1` } }),
    env: (url) => ({ LLM_PROVIDER: "openai", OPENAI_API_KEY: KEYS.openai, OPENAI_BASE_URL: `${url}/v1` }),
  },
  {
    name: "anthropic",
    label: "Anthropic",
    start: (script) => startFakeAnthropic({ apiKey: KEYS.anthropic, script }),
    settings: (url) => ({ anthropic: { apiKey: KEYS.anthropic, baseUrl: url } }),
    env: (url) => ({ LLM_PROVIDER: "anthropic", ANTHROPIC_API_KEY: KEYS.anthropic, ANTHROPIC_BASE_URL: url }),
  },
  {
    name: "gemini",
    label: "Gemini",
    start: (script) => startFakeGemini({ apiKey: KEYS.gemini, script }),
    settings: (url) => ({ gemini: { apiKey: KEYS.gemini, baseUrl: `${url}/v1beta` } }),
    env: (url) => ({ LLM_PROVIDER: "gemini", GEMINI_API_KEY: KEYS.gemini, GEMINI_BASE_URL: `${url}/v1beta` }),
  },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A fake of `kind` whose `stage` calls get `reply` the first `times` times; the rest answer well. */
async function faulty(kind: ProviderKind, stage: string, reply: FakeReply, times: number): Promise<FakeServer> {
  let left = times;
  const script = new FakeScript((req: RecordedRequest) =>
    stageOf(req.system) === stage && left-- > 0 ? reply : stageReply(req),
  );
  const fake = await kind.start(script);
  cleanups.push(() => fake.close());
  return fake;
}

const ctx = () => ({ signal: new AbortController().signal });

const CUT_JSON = '{"task_type": "writing", "complexity": "mod';
const CUT_STREAM = `${OPTIMIZED_MARKER} Write a blog post about remote work for {{company}}`;

describe.each(KINDS)("$name: provider faults", (kind) => {
  const engineOf = async (fake: FakeServer, extra: Partial<ProviderSettings> = {}) => {
    const retry = recordingRetry();
    const engine = await registryFor({ ...kind.settings(fake.url), ...extra }, { retry }).resolve({
      provider: kind.name,
    });
    return { engine, retry };
  };

  it("429 with Retry-After: waits what the provider asked, then succeeds", async () => {
    const fake = await faulty(kind, "analyze", { type: "error", status: 429, headers: { "retry-after": "2" } }, 1);
    const { engine, retry } = await engineOf(fake);
    expect((await engine.analyze(SAMPLE_PROMPT, ctx())).task_type).toBe("writing");
    expect(retry.waits).toEqual([2000]);
    expect(fake.requests).toHaveLength(2);
  });

  it("429 without Retry-After: backs off, then succeeds; three in a row end rate_limited", async () => {
    const fake = await faulty(kind, "analyze", { type: "error", status: 429 }, 4);
    const { engine, retry } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("rate_limited");
    expect(error.message).toContain(`${kind.label} rate limit reached (HTTP 429)`);
    expect(error.message).toContain("gave up after 3 attempts");
    expect(retry.waits).toHaveLength(2);
    // The fourth 429 is still queued: the next call meets it once, then recovers.
    expect((await engine.analyze(SAMPLE_PROMPT, ctx())).task_type).toBe("writing");
  });

  it.each([500, 502, 503])("HTTP %i once: retried, then succeeds", async (status) => {
    const fake = await faulty(kind, "analyze", { type: "error", status }, 1);
    const { engine, retry } = await engineOf(fake);
    expect((await engine.analyze(SAMPLE_PROMPT, ctx())).task_type).toBe("writing");
    expect(retry.waits).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it("HTTP 503 three times: provider_error unavailable after 3 attempts", async () => {
    const fake = await faulty(kind, "analyze", { type: "error", status: 503 }, 3);
    const { engine } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("provider_error");
    expect(error.details).toMatchObject({ kind: "unavailable", status: 503, provider: kind.name });
    expect(fake.requests).toHaveLength(3);
  });

  it("a hung server: timeout after the per-call limit, three attempts, connections closed", async () => {
    const fake = await faulty(kind, "analyze", { type: "hang" }, 3);
    const started = performance.now();
    const { engine } = await engineOf(fake, { timeoutMs: 300 });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("did not answer within 0.3 s (LLM_TIMEOUT_MS)");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(fake.requests).toHaveLength(3);
    await fake.waitForEarlyClose();
  });

  it("connection reset mid-reply: retried as a broken connection, then a typed error", async () => {
    const fake = await faulty(kind, "analyze", { type: "cut", text: CUT_JSON, how: "reset" }, 3);
    const { engine, retry } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("provider_error");
    expect(error.details).toMatchObject({ kind: "connection", provider: kind.name });
    expect(error.message).toMatch(new RegExp(`${kind.label}'s reply broke off mid-response`));
    expect(error.message).not.toMatch(/rejected the request/);
    expect(retry.waits).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
  });

  it("a reply body that ends early: retried, then succeeds", async () => {
    const fake = await faulty(kind, "analyze", { type: "cut", text: CUT_JSON, how: "end" }, 1);
    const { engine } = await engineOf(fake);
    expect((await engine.analyze(SAMPLE_PROMPT, ctx())).task_type).toBe("writing");
    expect(fake.requests).toHaveLength(2);
  });

  it.each(["reset", "end"] as const)(
    "the rewrite stream cut (%s) before its last chunk: the run recovers",
    async (how) => {
      const fake = await faulty(kind, "optimize", { type: "cut", text: CUT_STREAM, how }, 1);
      const retry = recordingRetry();
      const engine = await registryFor(kind.settings(fake.url), { retry }).resolve({ provider: kind.name });
      const c = collect();
      const result = await runPipeline({ prompt: SAMPLE_PROMPT, engine, emit: c.emit });
      expect(result.optimization?.optimized_prompt).toContain(OPTIMIZED_MARKER);
      expect(result.optimization?.optimized_prompt).toContain('end with "Stay curious."');
      expect(fake.requests.filter((r) => stageOf(r.system) === "optimize").length).toBeGreaterThanOrEqual(2);
    },
  );

  it("an empty completion: invalid output after one repair attempt", async () => {
    const fake = await faulty(kind, "analyze", { type: "text", text: "" }, 2);
    const { engine } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "invalid_output" });
    expect(error.message).toContain("not valid JSON for the analyze stage, even after a repair attempt");
    expect(fake.requests).toHaveLength(2);
  });

  it("malformed JSON twice: invalid output naming the parse problem", async () => {
    const fake = await faulty(kind, "analyze", { type: "text", text: '{"task_type": "writing", ' }, 2);
    const { engine } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "invalid_output" });
    expect(error.message).toContain("the JSON did not parse");
    expect(fake.requests).toHaveLength(2);
  });

  it("a reply in the wrong schema twice: invalid output naming the field", async () => {
    const fake = await faulty(kind, "analyze", { type: "json", value: { hello: "world" } }, 2);
    const { engine } = await engineOf(fake);
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "invalid_output" });
    expect(error.message).toContain("did not match the schema (task_type");
    expect(fake.requests).toHaveLength(2);
  });

  it("a host that does not resolve (ENOTFOUND): one attempt, a connection error naming it", async () => {
    const retry = recordingRetry();
    const settings = kind.settings("http://promptforge-fault-test.invalid");
    const engine = await registryFor(settings, { retry }).resolve({ provider: kind.name });
    const error = await stageFailure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "connection" });
    expect(error.message).toContain("host not found");
    expect(error.message).not.toContain("gave up after");
    expect(retry.waits).toEqual([]);
  });
});

describe("through the app: the record ends in its final state", () => {
  async function appOn(env: Record<string, string>) {
    const t = await createTempApp({ ...env, LLM_TIMEOUT_MS: "1000" });
    cleanups.push(t.dispose);
    return t.app;
  }
  const PROMPT = "Write a blog post about remote work for {{company}}. Use exactly 3 bullet points.";

  it.each(KINDS)(
    "$name: malformed JSON twice → the record is `error` with the reason, nothing left running",
    async (kind) => {
      const fake = await faulty(kind, "analyze", { type: "text", text: "{not json" }, 2);
      const app = await appOn(kind.env(fake.url));
      const record = await app.optimize({ prompt: PROMPT });
      expect(record.status).toBe("error");
      expect(record.error_message).toContain(
        `${kind.label} returned output that is not valid JSON for the analyze stage`,
      );
      const stored = await app.history.get(record.id);
      expect(stored.status).toBe("error");
      expect(stored.error_message).toBe(record.error_message);
      expect((await app.history.list({ status: "running" })).total).toBe(0);
    },
  );

  it("a host that does not resolve: the record is `error` at once (no retries)", async () => {
    const app = await appOn(KINDS[0]?.env("http://promptforge-fault-test.invalid") ?? {});
    const started = performance.now();
    const record = await app.optimize({ prompt: PROMPT });
    expect(record.status).toBe("error");
    expect(record.error_message).toContain("host not found");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("the rewrite stream reset on every attempt: `error` within the retry bound, never stuck running", async () => {
    const kind = KINDS[0] as ProviderKind;
    const fake = await faulty(kind, "optimize", { type: "cut", text: CUT_STREAM, how: "reset" }, 100);
    const app = await appOn(kind.env(fake.url));
    const started = performance.now();
    const record = await app.optimize({ prompt: PROMPT });
    // 3 attempts with the default backoff (about 1 s, then 2 s).
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(record.status).toBe("error");
    expect(record.error_message).toContain("OpenAI's reply broke off mid-response (the connection was reset)");
    expect((await app.history.get(record.id)).status).toBe("error");
  }, 20_000);
});
