// Prompt-test runs through the real App (SQLite, use cases) against fake OpenAI and Anthropic servers.
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { judgeOrders } from "../../src/core/prompt-tests/judge.js";
import { renderPrompt } from "../../src/core/prompt-tests/render.js";
import type { TestRunEvent } from "../../src/usecases/prompt-tests.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { FakeScript, type FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { createTempApp, tempDir } from "../helpers/temp-app.js";
import { cases, isJudge, OPTIMIZED, ORIGINAL, type ResponderOptions, responder, section } from "./fixture.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openAiSetup(options: ResponderOptions = {}, env: Record<string, string> = {}) {
  const fake = await startFakeOpenAI({ apiKey: "sk-test-key-123456", script: new FakeScript(responder(options)) });
  cleanups.push(() => fake.close());
  const { app, dispose } = await createTempApp({
    OPENAI_API_KEY: "sk-test-key-123456",
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ...env,
  });
  cleanups.push(dispose);
  return { fake, app };
}

function collect() {
  const events: TestRunEvent[] = [];
  return { events, emit: (e: TestRunEvent) => events.push(e) };
}

const promptRequests = (fake: FakeServer) => fake.requests.filter((r) => !isJudge(r));
const judgeRequests = (fake: FakeServer) => fake.requests.filter(isJudge);

describe("prompt-test runs", () => {
  it("runs original against optimized on OpenAI, verifies every output, judges both orders, and says who wins", async () => {
    const { fake, app } = await openAiSetup();
    const { events, emit } = collect();
    const run = await app.promptTests.run(
      { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(), provider: "openai", judge: true, seed: 7 },
      { emit },
    );
    expect(run.status).toBe("completed");
    expect(run.estimated_calls).toBe(40);
    expect(run.calls_made).toBe(40);
    expect(promptRequests(fake)).toHaveLength(20);
    expect(judgeRequests(fake)).toHaveLength(20);

    // Progress: start, one event per output and judgment with increasing `done`, then complete.
    expect(events[0]).toMatchObject({ type: "start", data: { outputs_total: 20, judgments_total: 20 } });
    const outputEvents = events.filter((e) => e.type === "output");
    expect(outputEvents).toHaveLength(20);
    expect(outputEvents.map((e) => (e.type === "output" ? e.data.done : 0))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(events.filter((e) => e.type === "judgment")).toHaveLength(20);
    expect(events.at(-1)?.type).toBe("complete");

    // Each output: text, tokens and latency from the provider, verdicts of its own prompt's constraints.
    const b0 = run.outputs.find((o) => o.case_index === 0 && o.version === "b");
    const a0 = run.outputs.find((o) => o.case_index === 0 && o.version === "a");
    expect(b0?.text).toBe("the capital of france is its capital city.");
    expect(b0?.input_tokens).toBeGreaterThan(0);
    expect(b0?.latency_ms).toBeGreaterThan(0);
    expect(b0?.verdicts?.some((v) => v.kind === "case.lower" && v.follows === true)).toBe(true);
    expect(a0?.verdicts).toEqual([]);
    expect(a0?.assertions?.[0]).toMatchObject({ type: "icontains", pass: true });

    // The judge's `pass` flag contradicted its score; the stored pass follows the score.
    for (const j of run.judgments) {
      expect(j.pass).toBe((j.score ?? 0) > 0.5);
      expect(j.candidate_score).toBeCloseTo(0.9);
    }
    expect(run.summary.b.constraints.rate).toBe(1);
    expect(run.summary.b.constraints.by_kind["case.lower"]).toEqual({ passed: 10, total: 10, rate: 1 });
    expect(run.summary.a.assertions.rate).toBe(1);
    expect(run.summary.comparison).toMatchObject({ source: "judge", wins: 10, losses: 0, verdict: "optimized wins" });
    expect(run.summary.comparison.interval?.low).toBeGreaterThan(0.5);

    const stored = await app.promptTests.get(run.id);
    expect(stored.summary.comparison.verdict).toBe("optimized wins");
    expect(stored.outputs).toHaveLength(20);
  });

  it("runs on the Anthropic protocol too", async () => {
    const fake = await startFakeAnthropic({ apiKey: "sk-ant-test-123456", script: new FakeScript(responder()) });
    cleanups.push(() => fake.close());
    const { app, dispose } = await createTempApp({
      ANTHROPIC_API_KEY: "sk-ant-test-123456",
      ANTHROPIC_BASE_URL: fake.url,
    });
    cleanups.push(dispose);
    const run = await app.promptTests.run({
      original: ORIGINAL,
      optimized: OPTIMIZED,
      cases: cases(3),
      provider: "anthropic",
      judge: true,
    });
    expect(run.status).toBe("completed");
    expect(run.provider).toBe("anthropic");
    expect(run.outputs.every((o) => o.status === "completed" && (o.output_tokens ?? 0) > 0)).toBe(true);
    expect(run.judgments.every((j) => j.status === "completed")).toBe(true);
    expect(fake.requests.length).toBe(12);
    // Three wins of three: the interval still includes 50 %, so no verdict.
    expect(run.summary.comparison).toMatchObject({ wins: 3, verdict: "cannot tell" });
  });

  it("finishes when the provider fails some calls, with those outputs marked failed and their pairs unjudged", async () => {
    const { fake, app } = await openAiSetup({ failOn: (q) => q.endsWith("Peru") || q.endsWith("Japan") });
    const run = await app.promptTests.run({
      original: ORIGINAL,
      optimized: OPTIMIZED,
      cases: cases(6),
      provider: "openai",
      judge: true,
    });
    expect(run.status).toBe("completed");
    const failed = run.outputs.filter((o) => o.status === "failed");
    expect(failed).toHaveLength(4);
    expect(new Set(failed.map((o) => o.case_index))).toEqual(new Set([3, 4]));
    expect(failed[0].error_code).toBe("provider_error");
    expect(failed[0].error_message).toMatch(/OpenAI/);
    expect(failed[0].error_message).not.toContain("sk-test-key-123456");
    const unjudged = run.judgments.filter((j) => j.status === "failed");
    expect(unjudged).toHaveLength(4);
    expect(unjudged[0].error_message).toMatch(/output of this pair failed/);
    // Failed pairs cost no judge calls.
    expect(judgeRequests(fake)).toHaveLength(8);
    expect(run.summary.a.failed).toBe(2);
    expect(run.summary.comparison.wins).toBe(4);
  });

  it("refuses a run over the call cap before any call, naming the estimate", async () => {
    const { fake, app } = await openAiSetup({}, { TEST_MAX_CALLS: "10" });
    const input = { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(3), provider: "openai", judge: true };
    expect(await app.promptTests.estimate(input)).toMatchObject({ calls: 12, max_calls: 10, within_cap: false });
    await expect(app.promptTests.run(input)).rejects.toMatchObject({
      code: "validation_error",
      details: { estimated_calls: 12, max_calls: 10 },
    });
    await expect(app.promptTests.run({ ...input, judge: false, max_calls: 5 })).rejects.toThrow(
      /6 provider calls.*cap of 5/,
    );
    expect(fake.requests).toHaveLength(0);
    const ok = await app.promptTests.run({ ...input, judge: false });
    expect(ok.calls_made).toBe(6);
  });

  it("refuses the local engine, a missing var and an unsafe regex with clear errors", async () => {
    const { fake, app } = await openAiSetup();
    const base = { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(1) };
    await expect(app.promptTests.run({ ...base, provider: "local" })).rejects.toThrow(/cannot answer them/);
    await expect(
      app.promptTests.run({ ...base, provider: "openai", cases: [{ vars: { question: "x" } }] }),
    ).rejects.toThrow(/case 1, the original prompt: the prompt uses the placeholder "q"/);
    await expect(
      app.promptTests.run({
        ...base,
        provider: "openai",
        cases: [{ vars: { q: "x" }, assert: [{ type: "regex", value: "(a+)+$" }] }],
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(fake.requests).toHaveLength(0);
  });

  it("shows both outputs to the judge in a seeded random order and then swapped, which cancels a position bias", async () => {
    const { fake, app } = await openAiSetup({ judge: "prefers-first" });
    const run = await app.promptTests.run({
      original: ORIGINAL,
      optimized: OPTIMIZED,
      cases: cases(10, false),
      provider: "openai",
      judge: true,
      seed: 12345,
      concurrency: 1,
    });
    const expected = judgeOrders(12345, 10);
    expect(expected).toContain("ab");
    expect(expected).toContain("ba");
    for (let c = 0; c < 10; c++) {
      const [first, second] = run.judgments.filter((j) => j.case_index === c);
      expect(first.shown).toBe(expected[c]);
      expect(second.shown).toBe(expected[c] === "ab" ? "ba" : "ab");
    }
    // What the judge really saw: Response A is the optimized (lowercase) output exactly when shown is "ba".
    const seen = judgeRequests(fake).map((r) => {
      const a = section(r.user, "response_a");
      return a === a.toLowerCase() ? "ba" : "ab";
    });
    expect(seen.filter((s) => s === "ab")).toHaveLength(10);
    expect(seen.filter((s) => s === "ba")).toHaveLength(10);
    // A judge that always prefers the first response: every pair ties, so no verdict.
    expect(run.summary.comparison).toMatchObject({ wins: 0, losses: 0, ties: 10, verdict: "cannot tell" });
  });

  it("cancels mid-run, then resumes by id without redoing finished outputs", async () => {
    const { fake, app } = await openAiSetup({ delayMs: 60 });
    const { events, emit } = collect();
    let runId = "";
    const running = app.promptTests.run(
      { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(10), provider: "openai", concurrency: 2 },
      {
        emit: (e) => {
          emit(e);
          if (e.type === "output" && e.data.done === 4) void app.promptTests.cancel(runId);
        },
        onCreated: (r) => {
          runId = r.id;
        },
      },
    );
    const cancelled = await running;
    expect(cancelled.status).toBe("cancelled");
    const done = cancelled.outputs.filter((o) => o.status === "completed").length;
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThan(20);
    expect(cancelled.outputs.some((o) => o.status === "pending")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "error", data: { code: "cancelled" } });
    await expect(app.promptTests.cancel(runId)).rejects.toMatchObject({ code: "not_running" });

    const finishedPrompts = new Set(
      cancelled.outputs
        .filter((o) => o.status === "completed")
        .map((o) => renderPrompt(o.version === "a" ? ORIGINAL : OPTIMIZED, cancelled.cases[o.case_index].vars)),
    );
    const answeredBefore = promptRequests(fake).length;
    const resumed = await app.promptTests.run({ resume: runId });
    expect(resumed.status).toBe("completed");
    expect(resumed.outputs.every((o) => o.status === "completed")).toBe(true);
    // Only the unfinished outputs were asked again (an aborted request may reach the server late, so
    // distinct prompts are counted).
    const askedAgain = promptRequests(fake).slice(answeredBefore);
    expect(new Set(askedAgain.map((r) => r.user)).size).toBe(20 - done);
    expect(askedAgain.filter((r) => finishedPrompts.has(r.user))).toEqual([]);
    await expect(app.promptTests.run({ resume: runId })).rejects.toThrow(/nothing left to run/);
  });

  it("resumes a run after a restart of the process", async () => {
    const fake = await startFakeOpenAI({
      apiKey: "sk-test-key-123456",
      script: new FakeScript(responder({ delayMs: 50 })),
    });
    cleanups.push(() => fake.close());
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const env = {
      DATA_DIR: dir,
      LOG_LEVEL: "silent",
      LLM_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test-key-123456",
      OPENAI_BASE_URL: `${fake.url}/v1`,
    };
    const first: App = await createApp(loadConfig(env));
    let runId = "";
    let closing: Promise<void> | undefined;
    const running = first.promptTests.run(
      { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(8), judge: true, concurrency: 2 },
      {
        onCreated: (r) => {
          runId = r.id;
        },
        emit: (e) => {
          if (e.type === "output" && e.data.done === 3) closing ??= first.close();
        },
      },
    );
    const stopped = await running.catch(() => null);
    await closing;
    expect(stopped === null || stopped.status === "interrupted").toBe(true);

    const second: App = await createApp(loadConfig(env));
    cleanups.push(() => second.close());
    const before = await second.promptTests.get(runId);
    expect(before.status).toBe("interrupted");
    const finished = before.outputs.filter((o) => o.status === "completed").length;
    expect(finished).toBeGreaterThanOrEqual(3);
    const requestsBefore = promptRequests(fake).length;
    const resumed = await second.promptTests.run({ resume: runId });
    expect(resumed.status).toBe("completed");
    expect(resumed.provider).toBe("openai");
    expect(resumed.outputs.every((o) => o.status === "completed")).toBe(true);
    expect(resumed.judgments.every((j) => j.status === "completed")).toBe(true);
    // Distinct prompts: a request aborted by the shutdown may still reach the server late.
    expect(
      new Set(
        promptRequests(fake)
          .slice(requestsBefore)
          .map((r) => r.user),
      ).size,
    ).toBe(16 - finished);
    expect(resumed.summary.comparison.wins).toBe(8);
  });
});
