// One stage call end to end: per-attempt time limit, retries of transient failures, usage
// reporting, streaming of a string field as deltas, JSON validation and one repair attempt.
import type { TokenUsage } from "../core/pipeline/engine.js";
import { PROVIDER_DESCRIPTORS } from "./catalogue.js";
import type { ChatTurn, ModelCallResult, ModelClient } from "./model-client.js";
import { parseModelJson, streamedStringField } from "./model-output.js";
import { providerError } from "./provider-errors.js";
import { type RetryPolicy, withRetry } from "./retry.js";
import type { StageSpec } from "./stage-schemas.js";

export interface CallSettings {
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface StructuredCallOptions<T> {
  client: ModelClient;
  spec: StageSpec<T>;
  system: string;
  /** The conversation so far; the last turn is the user's request. */
  messages: ChatTurn[];
  signal: AbortSignal;
  settings: CallSettings;
  maxOutputTokens: number;
  onUsage?: (usage: TokenUsage) => void;
  /** Streams this top-level string field of the reply as deltas. */
  stream?: { field: string; onDelta: (text: string) => void };
  onRetry?: (message: string) => void;
}

export interface StructuredCallResult<T> {
  value: T;
  /** The raw reply the value was read from (kept for follow-up turns). */
  text: string;
  repaired: boolean;
}

const MAX_ECHO = 20_000;

const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));

async function callOnce(
  opts: StructuredCallOptions<unknown>,
  messages: ChatTurn[],
  onText?: (text: string) => void,
): Promise<ModelCallResult> {
  const { client, signal, settings } = opts;
  const label = PROVIDER_DESCRIPTORS[client.context.provider].label;
  return withRetry(
    async () => {
      if (signal.aborted) throw signal.reason;
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const combined = AbortSignal.any([signal, timeout]);
      try {
        const result = await client.call({
          system: opts.system,
          messages,
          schema: opts.spec.schema,
          schemaName: opts.spec.name,
          signal: combined,
          maxOutputTokens: opts.maxOutputTokens,
          onText,
        });
        if (result.usage) opts.onUsage?.(result.usage);
        return result;
      } catch (error) {
        if (!signal.aborted && timeout.aborted) {
          throw providerError(
            "timeout",
            client.context,
            `${label} did not answer within ${seconds(settings.timeoutMs)} s (LLM_TIMEOUT_MS).`,
          );
        }
        throw error;
      }
    },
    {
      policy: settings.retry,
      signal,
      onRetry: ({ attempt, delayMs, error }) =>
        opts.onRetry?.(`${error.message} Retrying in ${Math.ceil(delayMs / 1000)} s (retry ${attempt}).`),
    },
  );
}

/** Calls the model for one stage and returns the validated reply, after one repair attempt at most. */
export async function callStructured<T>(opts: StructuredCallOptions<T>): Promise<StructuredCallResult<T>> {
  const generic = opts as StructuredCallOptions<unknown>;
  let emitted = "";
  // One decoder per call: each streamed chunk is decoded once, not the whole reply again.
  const field = opts.stream ? streamedStringField(opts.stream.field) : null;
  const onText = field
    ? (text: string) => {
        const value = field(text);
        if (value !== null && value.length > emitted.length && value.startsWith(emitted)) {
          opts.stream?.onDelta(value.slice(emitted.length));
          emitted = value;
        }
      }
    : undefined;
  const first = await callOnce(generic, opts.messages, onText);
  const parsed = parseModelJson(first.text, opts.spec.schema);
  if (parsed.ok) return { value: parsed.value, text: first.text, repaired: false };

  opts.onRetry?.(`The reply for the ${opts.spec.stage} stage was not valid (${parsed.problem}); asking for a repair.`);
  const repairTurns: ChatTurn[] = [
    ...opts.messages,
    { role: "assistant", content: first.text.slice(0, MAX_ECHO) || "(empty reply)" },
    {
      role: "user",
      content:
        `Your reply could not be used: ${parsed.problem}. Reply again with only the corrected JSON object ` +
        "that matches the required schema, and nothing else.",
    },
  ];
  const second = await callOnce(generic, repairTurns);
  const reparsed = parseModelJson(second.text, opts.spec.schema);
  if (reparsed.ok) return { value: reparsed.value, text: second.text, repaired: true };
  const label = PROVIDER_DESCRIPTORS[opts.client.context.provider].label;
  throw providerError(
    "invalid_output",
    opts.client.context,
    `${label} returned output that is not valid JSON for the ${opts.spec.stage} stage, even after a repair attempt ` +
      `(${reparsed.problem}). Try again or choose a more capable model.`,
    { retryable: false },
  );
}
