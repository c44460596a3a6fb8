// Retries of transient provider failures (429, 5xx, connection, timeout): at most 2 retries, backoff
// that honours Retry-After, and a fast failure when the provider asks for a wait longer than 90 s.
import { AppError } from "../core/errors.js";
import { retryAfterOf } from "./provider-errors.js";

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff delay; doubles per attempt, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After above this fails immediately instead of waiting. */
  maxWaitMs: number;
  /** Injected in tests to observe waits without sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  maxWaitMs: 90_000,
};

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function backoff(attempt: number, policy: RetryPolicy): number {
  const random = policy.random ?? Math.random;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp * (0.75 + 0.5 * random()));
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: AppError }) => void;
}

/** Runs `fn` and retries it while it fails with a retryable AppError. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, signal } = options;
  const sleep = policy.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal.aborted || !(error instanceof AppError) || !error.retryable) throw error;
      const asked = retryAfterOf(error);
      if (asked !== undefined && asked > policy.maxWaitMs) {
        throw new AppError(
          error.code,
          `${error.message.replace(/\.$/, "")}; that wait is longer than the ${Math.round(policy.maxWaitMs / 1000)} s ` +
            "PromptForge waits, so try again later.",
          { details: error.details, retryable: false, status: error.status },
        );
      }
      if (attempt >= policy.maxRetries) {
        const tries = attempt + 1;
        throw new AppError(error.code, `${error.message.replace(/\.$/, "")} (gave up after ${tries} attempts).`, {
          details: error.details,
          retryable: error.retryable,
          status: error.status,
        });
      }
      const delayMs = asked ?? backoff(attempt, policy);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
