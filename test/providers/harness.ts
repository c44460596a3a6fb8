// Shared set-up of the provider tests: registries wired to fake servers, a retry policy that records
// its waits instead of sleeping, and an event collector for pipeline runs.
import { expect } from "vitest";
import { AppError } from "../../src/core/errors.js";
import type { PipelineEvent } from "../../src/core/pipeline/events.js";
import { StageError } from "../../src/core/pipeline/run.js";
import {
  createProviderRegistry,
  type ProviderRegistryOptions,
  type ProviderSettings,
} from "../../src/providers/registry.js";
import type { RetryPolicy } from "../../src/providers/retry.js";

export const KEYS = {
  openai: "sk-test-openai-0123456789abcdef",
  anthropic: "sk-ant-api03-test-0123456789abcdef",
  gemini: "AIzaTest0123456789abcdefghij",
} as const;

export function recordingRetry(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxRetries: 2,
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxWaitMs: 90_000,
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

export function registryFor(providers: ProviderSettings, extra: Partial<ProviderRegistryOptions> = {}) {
  return createProviderRegistry({
    providers: { timeoutMs: 10_000, claudeCli: { searchPath: "" }, ...providers },
    retry: recordingRetry(),
    random: () => 0.25,
    ...extra,
  });
}

export function collect() {
  const events: PipelineEvent[] = [];
  return {
    events,
    emit: (e: PipelineEvent) => events.push(e),
    deltas: () =>
      events
        .filter((e): e is Extract<PipelineEvent, { type: "optimization_delta" }> => e.type === "optimization_delta")
        .map((e) => e.data.text),
    of: <T extends PipelineEvent["type"]>(type: T) =>
      events.filter((e): e is Extract<PipelineEvent, { type: T }> => e.type === type),
  };
}

export const SAMPLE_PROMPT =
  'Write a blog post about remote work for {{company}}. Use exactly 3 bullet points and end with "Stay curious."';

/** The AppError a stage failed with (unwrapped from the StageError the pipeline throws). */
export async function stageFailure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  const cause = error instanceof StageError ? error.cause : error;
  expect(cause).toBeInstanceOf(AppError);
  return cause as AppError;
}
