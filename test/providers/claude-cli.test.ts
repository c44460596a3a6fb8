// The claude-cli provider's failure modes: a missing binary, the subscription's usage limit and an
// expired login become typed errors; the child never sees PromptForge's secrets.
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { startFakeClaude } from "../fakes/claude-cli.js";
import { recordingRetry, registryFor, SAMPLE_PROMPT } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(timeoutMs = 10_000, maxRetries = 2) {
  const claude = await startFakeClaude();
  cleanups.push(() => claude.close());
  const retry = { ...recordingRetry(), maxRetries };
  const engine = await registryFor({ timeoutMs, claudeCli: { path: claude.executable } }, { retry }).resolve({
    provider: "claude-cli",
  });
  return { claude, engine };
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const ctx = () => ({ signal: new AbortController().signal });

describe("claude-cli provider", () => {
  it("reports a missing binary as a typed error with the fix", async () => {
    const { claude, engine } = await setup();
    await rm(claude.executable);
    const error = await failure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.details).toMatchObject({ kind: "cli_missing", provider: "claude-cli" });
    expect(error.message).toMatch(/claude command was not found.*CLAUDE_CLI_PATH/);
  });

  it("reports the subscription's usage limit as rate_limited, without retrying", async () => {
    const { claude, engine } = await setup();
    claude.script.enqueue({ type: "error", status: 429 });
    const error = await failure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("rate_limited");
    expect(error.details).toMatchObject({ kind: "usage_limit" });
    expect(error.message).toMatch(/usage limit is reached.*resets at 2030-/);
    expect(claude.invocations).toHaveLength(1);
  });

  it("reports an expired login as an authentication error", async () => {
    const { claude, engine } = await setup();
    claude.script.enqueue({ type: "error", status: 401 });
    const error = await failure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(/not logged in.*run `claude`/);
  });

  it("retries a transient CLI failure", async () => {
    const { claude, engine } = await setup();
    claude.script.enqueue({ type: "error", status: 500, message: "API Error: 529 overloaded" });
    const analysis = await engine.analyze(SAMPLE_PROMPT, ctx());
    expect(analysis.task_type).toBe("writing");
    expect(claude.invocations).toHaveLength(2);
  });

  it("kills a hung CLI at the time limit and reports a timeout", async () => {
    // Long enough for the child to start and reach the fake, which then sees it die.
    const { claude, engine } = await setup(3_000, 0);
    claude.script.enqueue({ type: "hang" });
    const error = await failure(engine.analyze(SAMPLE_PROMPT, ctx()));
    expect(error.code).toBe("timeout");
    await claude.waitForEarlyClose();
  });

  it("does not pass PromptForge's keys to the child", async () => {
    const { claude, engine } = await setup();
    const previous = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = "sk-ant-should-not-leak";
    try {
      await engine.analyze(SAMPLE_PROMPT, ctx());
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previous;
    }
    expect(claude.invocations[0]?.sawAnthropicKey).toBe(false);
  });
});
