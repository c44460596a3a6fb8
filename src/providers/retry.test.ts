import { describe, expect, it } from "vitest";
import type { AppError } from "../core/errors.js";
import { parseRetryAfter, providerError, redactSecrets } from "./provider-errors.js";
import { type RetryPolicy, withRetry } from "./retry.js";

const ctx = { provider: "openai" as const, model: "gpt-4.1" };

function policy(waits: number[]): RetryPolicy {
  return {
    maxRetries: 2,
    baseDelayMs: 100,
    maxDelayMs: 400,
    maxWaitMs: 90_000,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
  };
}

describe("parseRetryAfter", () => {
  it("reads retry-after-ms, seconds and HTTP dates", () => {
    expect(parseRetryAfter({ "retry-after-ms": "250" })).toBe(250);
    expect(parseRetryAfter({ "Retry-After": "3" })).toBe(3000);
    expect(
      parseRetryAfter({ "retry-after": "Wed, 01 Jan 2031 00:00:10 GMT" }, Date.parse("2031-01-01T00:00:00Z")),
    ).toBe(10_000);
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("withRetry", () => {
  it("retries transient errors with exponential backoff, at most twice", async () => {
    const waits: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw providerError("unavailable", ctx, "OpenAI is unavailable (HTTP 502).", { status: 502 });
      },
      { policy: policy(waits), signal: new AbortController().signal },
    ).catch((e: AppError) => e);
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(error.message).toBe("OpenAI is unavailable (HTTP 502) (gave up after 3 attempts).");
  });

  it("honours Retry-After and fails fast above the limit", async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw providerError("rate_limit", ctx, "limited.", { retryAfterMs: 2_000 });
        return "ok";
      },
      { policy: policy(waits), signal: new AbortController().signal },
    );
    expect(waits).toEqual([2_000]);
    const tooLong = await withRetry(
      async () => {
        throw providerError("rate_limit", ctx, "limited.", { retryAfterMs: 91_000 });
      },
      { policy: policy(waits), signal: new AbortController().signal },
    ).catch((e: AppError) => e);
    expect(tooLong.retryable).toBe(false);
    expect(tooLong.details).toMatchObject({ retry_after_s: 91 });
  });

  it("does not retry non-retryable errors", async () => {
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        throw providerError("authentication", ctx, "bad key");
      },
      { policy: policy([]), signal: new AbortController().signal },
    ).catch(() => {});
    expect(calls).toBe(1);
  });
});

describe("redactSecrets", () => {
  it("removes the known key and anything shaped like a key", () => {
    const out = redactSecrets("key my-secret-value sk-proj-abcdef123 AIzaSyA1234567890abcd Bearer xyz ?key=zzz&a=1", [
      "my-secret-value",
    ]);
    expect(out).not.toMatch(/my-secret-value|sk-proj|AIzaSy|xyz|zzz/);
    expect(out).toContain("?key=[redacted]&a=1");
  });
});
