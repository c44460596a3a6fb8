// ModelClient over the Vercel AI SDK's provider packages: the language model's doGenerate for single
// replies, doStream for the streamed rewrite. No SDK retries (retry.ts owns them); the abort signal
// reaches fetch.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import type { LanguageModelUsage } from "ai";
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

/** The token counts of a provider's usage report (the language-model specification's shape). */
export function fromModelUsage(usage: LanguageModelV3Usage | undefined): TokenUsage | null {
  const input = usage?.inputTokens?.total;
  const output = usage?.outputTokens?.total;
  if (input === undefined && output === undefined) return null;
  return { input_tokens: input ?? 0, output_tokens: output ?? 0 };
}

/** The conversation in the language-model specification's prompt form (text parts only). */
function toModelPrompt(system: string, messages: ModelCallRequest["messages"]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [{ role: "system", content: system }];
  for (const turn of messages) prompt.push({ role: turn.role, content: [{ type: "text", text: turn.content }] });
  return prompt;
}

/**
 * A ModelClient on the provider package's language model itself (`doGenerate` / `doStream` of the
 * AI SDK's language-model specification), not through `generateText` / `streamText`: those add, per
 * call, zod validation of the prompt, telemetry spans, step and tool bookkeeping and (streamed) half
 * a dozen web-stream stages per chunk, none of which a single structured reply without tools needs.
 * The request on the wire is the provider package's own, as before.
 */
export function createAiSdkClient(options: {
  /** The model, or a promise of it while its SDK package loads (imported on first use). */
  model: LanguageModelV3 | Promise<LanguageModelV3>;
  context: ProviderCallContext;
}): ModelClient {
  const { model, context } = options;
  return {
    context,
    async call(request: ModelCallRequest): Promise<ModelCallResult> {
      const callOptions: LanguageModelV3CallOptions = {
        prompt: toModelPrompt(request.system, request.messages),
        responseFormat: { type: "json", schema: toJsonSchema(request.schema), name: request.schemaName },
        maxOutputTokens: request.maxOutputTokens,
        abortSignal: request.signal,
      };
      const languageModel = await model;
      try {
        if (!request.onText) {
          const result = await languageModel.doGenerate(callOptions);
          let text = "";
          for (const part of result.content) if (part.type === "text") text += part.text;
          return { text, usage: fromModelUsage(result.usage) };
        }
        const { stream } = await languageModel.doStream(callOptions);
        let text = "";
        let usage: TokenUsage | null = null;
        let failure: unknown;
        const reader = stream.getReader();
        try {
          for (;;) {
            const { done, value: part } = await reader.read();
            if (done) break;
            if (part.type === "text-delta") {
              if (part.delta.length === 0) continue;
              text += part.delta;
              request.onText(text);
            } else if (part.type === "error") {
              failure ??= part.error;
            } else if (part.type === "finish") {
              usage = fromModelUsage(part.usage);
            }
          }
        } finally {
          reader.releaseLock();
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
