// ModelClient over the Vercel AI SDK: generateText for single replies, streamText for the streamed
// rewrite. The SDK's own retries are off (retry.ts owns them); the abort signal reaches fetch.
import type { LanguageModel, LanguageModelUsage, OutputInterface } from "ai";
import type { z } from "zod";
import type { TokenUsage } from "../core/pipeline/engine.js";
import type { ModelCallRequest, ModelCallResult, ModelClient } from "./model-client.js";
import { mapSdkError, type ProviderCallContext } from "./provider-errors.js";

let aiSdk: Promise<typeof import("ai")> | undefined;
/** The AI SDK, imported once on first use (a server on the local engine never loads it). */
export function loadAiSdk(): Promise<typeof import("ai")> {
  aiSdk ??= import("ai");
  return aiSdk;
}

/**
 * Structured-output format from a zod schema, but hands back the raw text: parsing, reasoning
 * stripping and the repair attempt belong to structured-call.ts, not to the SDK.
 */
function jsonReply(schema: z.ZodType, name: string): OutputInterface<string, string, never> {
  return {
    name: "object",
    responseFormat: Promise.resolve({ type: "json", schema: toJsonSchema(schema), name }),
    async parseCompleteOutput({ text }) {
      return text;
    },
    async parsePartialOutput({ text }) {
      return { partial: text };
    },
    createElementStreamTransform() {
      return undefined;
    },
  };
}

const schemaCache = new WeakMap<z.ZodType, Record<string, unknown>>();
function toJsonSchema(schema: z.ZodType) {
  let cached = schemaCache.get(schema);
  if (!cached) {
    const { $schema: _ignored, ...rest } = schema.toJSONSchema() as Record<string, unknown>;
    cached = rest;
    schemaCache.set(schema, cached);
  }
  // biome-ignore lint/suspicious/noExplicitAny: JSONSchema7 is structurally what toJSONSchema returns.
  return cached as any;
}

export function toTokenUsage(usage: LanguageModelUsage | undefined): TokenUsage | null {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return null;
  return { input_tokens: usage.inputTokens ?? 0, output_tokens: usage.outputTokens ?? 0 };
}

export function createAiSdkClient(options: {
  /** The model, or a promise of it while its SDK package loads (imported on first use). */
  model: LanguageModel | Promise<LanguageModel>;
  context: ProviderCallContext;
  providerOptions?: Record<string, Record<string, never>>;
}): ModelClient {
  const { model, context } = options;
  return {
    context,
    async call(request: ModelCallRequest): Promise<ModelCallResult> {
      const { generateText, streamText } = await loadAiSdk();
      const common = {
        model: await model,
        system: request.system,
        messages: request.messages,
        output: jsonReply(request.schema, request.schemaName),
        maxRetries: 0,
        maxOutputTokens: request.maxOutputTokens,
        abortSignal: request.signal,
      };
      try {
        if (!request.onText) {
          const result = await generateText(common);
          return { text: result.text, usage: toTokenUsage(result.usage) };
        }
        const result = streamText({ ...common, onError: () => {} });
        let text = "";
        let usage: TokenUsage | null = null;
        let failure: unknown;
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") {
            text += part.text;
            request.onText(text);
          } else if (part.type === "error") {
            failure ??= part.error;
          } else if (part.type === "finish") {
            usage = toTokenUsage(part.totalUsage);
          }
        }
        if (request.signal.aborted) throw request.signal.reason;
        if (failure !== undefined) throw failure;
        return { text, usage };
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason ?? error;
        throw mapSdkError(error, context);
      }
    },
  };
}
