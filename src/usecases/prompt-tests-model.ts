// The model a prompt test calls: free text in, free text out (a prompt under test is answered as
// written, not forced into a JSON schema). One adapter per carrier: the AI SDK over HTTP, the claude
// CLI, and MCP sampling. Every call has a per-attempt time limit and the provider retry policy.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import type { TokenUsage } from "../core/pipeline/engine.js";
import { loadAiSdk, toTokenUsage } from "../providers/ai-sdk-client.js";
import { isLlmProviderName, type LlmProviderName, PROVIDER_DESCRIPTORS } from "../providers/catalogue.js";
import {
  checkApiKey,
  checkModel,
  configuredModel,
  createModelClient,
  DEFAULT_TIMEOUT_MS,
  type ProviderSettings,
  providerSection,
} from "../providers/engine-factory.js";
import { findExecutable } from "../providers/executable.js";
import { mapSdkError, type ProviderCallContext, providerError } from "../providers/provider-errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from "../providers/retry.js";
import { createLanguageModel, type HttpProviderName, normaliseBaseUrl } from "../providers/sdk-models.js";

export interface TextCall {
  system?: string;
  prompt: string;
  signal: AbortSignal;
  maxOutputTokens: number;
}

export interface TextReply {
  text: string;
  usage: TokenUsage | null;
  /** USD, only when the provider reports it (e.g. OpenRouter's usage accounting). */
  costUsd: number | null;
}

export interface TestModel {
  provider: string;
  model: string | null;
  complete(call: TextCall): Promise<TextReply>;
}

export interface ModelResolverOptions {
  settings: ProviderSettings;
  /** The engine a request naming none gets (LLM_PROVIDER → auto-detection → local). */
  defaultProvider: () => Promise<string>;
  getStoredKey?: (provider: LlmProviderName) => Promise<string | undefined>;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
}

export interface ModelChoice {
  provider?: string;
  model?: string;
  /** X-LLM-API-Key: this run only, never stored. */
  apiKey?: string;
}

const LOCAL_REFUSAL =
  'The "local" engine rewrites and scores prompts but cannot answer them, so it cannot run a prompt test. ' +
  "Choose a provider (anthropic, openai, openai-compatible, gemini, claude-cli) or, from an MCP client, mcp-sampling.";

/** A provider's reported cost, when its metadata carries one (OpenRouter: `usage.cost`). */
function reportedCost(metadata: unknown): number | null {
  if (typeof metadata !== "object" || metadata === null) return null;
  for (const value of Object.values(metadata as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) continue;
    const v = value as { cost?: unknown; usage?: { cost?: unknown } };
    const cost = typeof v.cost === "number" ? v.cost : typeof v.usage?.cost === "number" ? v.usage.cost : null;
    if (cost !== null && Number.isFinite(cost) && cost >= 0) return cost;
  }
  return null;
}

const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));

/** Time limit and retries around one call of any carrier. */
function guarded(
  context: ProviderCallContext,
  settings: { timeoutMs: number; retry: RetryPolicy },
  once: (call: TextCall, signal: AbortSignal) => Promise<TextReply>,
): (call: TextCall) => Promise<TextReply> {
  const label = PROVIDER_DESCRIPTORS[context.provider].label;
  return (call) =>
    withRetry(
      async () => {
        if (call.signal.aborted) throw call.signal.reason;
        const timeout = AbortSignal.timeout(settings.timeoutMs);
        try {
          return await once(call, AbortSignal.any([call.signal, timeout]));
        } catch (error) {
          if (call.signal.aborted) throw call.signal.reason ?? error;
          if (timeout.aborted) {
            throw providerError(
              "timeout",
              context,
              `${label} did not answer within ${seconds(settings.timeoutMs)} s (LLM_TIMEOUT_MS).`,
            );
          }
          throw error;
        }
      },
      { policy: settings.retry, signal: call.signal },
    );
}

const TextSchema = z.string();

/** The model for a run: explicit choice → LLM_PROVIDER → auto-detection; `local` is refused. */
export async function resolveTestModel(options: ModelResolverOptions, choice: ModelChoice): Promise<TestModel> {
  const requested = choice.provider?.trim().toLowerCase();
  const name = requested && requested !== "auto" ? requested : (await options.defaultProvider()).toLowerCase();
  if (name === "local") throw new AppError("validation_error", LOCAL_REFUSAL);
  if (name === "mcp-sampling") {
    throw new AppError(
      "validation_error",
      'Provider "mcp-sampling" is only available inside an MCP session whose client can sample: use the test_prompt tool.',
    );
  }
  if (!isLlmProviderName(name)) {
    throw new AppError("validation_error", `Unknown provider "${name.slice(0, 50)}".`, {
      details: { known: ["anthropic", "openai", "openai-compatible", "gemini", "claude-cli", "mcp-sampling"] },
    });
  }
  const { settings } = options;
  const model = choice.model ? checkModel(choice.model) : configuredModel(settings, name);
  const section = providerSection(settings, name) as { apiKey?: string };
  const stored = name === "claude-cli" ? undefined : await options.getStoredKey?.(name);
  const apiKey =
    choice.apiKey !== undefined && name !== "claude-cli"
      ? checkApiKey(choice.apiKey)
      : stored?.trim()
        ? stored.trim()
        : section.apiKey;
  const callSettings = {
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
  };

  if (name === "claude-cli") {
    const executable = findExecutable(settings.claudeCli?.path ?? "claude", settings.claudeCli?.searchPath);
    const client = createModelClient({ provider: name, model, executable }, { settings });
    return {
      provider: name,
      model,
      complete: guarded(client.context, callSettings, async (call, signal) => {
        const result = await client.call({
          system: call.system ?? "Answer the user's request exactly as it asks.",
          messages: [{ role: "user", content: call.prompt }],
          schema: TextSchema,
          schemaName: "text",
          signal,
          maxOutputTokens: call.maxOutputTokens,
        });
        return { text: result.text, usage: result.usage, costUsd: null };
      }),
    };
  }

  // Validates the base URL and key exactly as the optimize engines do (same messages).
  createModelClient({ provider: name, model, apiKey }, { settings, fetch: options.fetch });
  const http = providerSection(settings, name) as { baseUrl?: string; structuredOutputs?: boolean };
  const baseUrl = normaliseBaseUrl(name as HttpProviderName, http.baseUrl) as string;
  const context: ProviderCallContext = { provider: name, model, baseUrl, secrets: apiKey ? [apiKey] : [] };
  const languageModel = createLanguageModel({
    provider: name as HttpProviderName,
    model,
    apiKey,
    baseUrl,
    structuredOutputs: http.structuredOutputs,
    fetch: options.fetch,
  });
  languageModel.catch(() => {});
  return {
    provider: name,
    model,
    complete: guarded(context, callSettings, async (call, signal) => {
      const { generateText } = await loadAiSdk();
      const resolved = await languageModel;
      try {
        const result = await generateText({
          model: resolved,
          ...(call.system ? { system: call.system } : {}),
          prompt: call.prompt,
          maxRetries: 0,
          maxOutputTokens: call.maxOutputTokens,
          abortSignal: signal,
        });
        return {
          text: result.text,
          usage: toTokenUsage(result.usage),
          costUsd: reportedCost(result.providerMetadata),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        throw mapSdkError(error, context);
      }
    }),
  };
}

/** One sampling round trip (see src/mcp/sampling-engine.ts `SampleFn`). */
export type TestSampleFn = (request: {
  systemPrompt: string;
  messages: Array<{ role: "user" | "assistant"; content: string }>;
  maxTokens: number;
  signal: AbortSignal;
}) => Promise<{ text: string; model?: string }>;

/** The calling MCP client's own model: the prompt goes as the user message, unchanged. */
export function samplingTestModel(sample: TestSampleFn): TestModel {
  return {
    provider: "mcp-sampling",
    model: null,
    async complete(call) {
      const reply = await sample({
        systemPrompt: call.system ?? "Answer the user's request exactly as it asks.",
        messages: [{ role: "user", content: call.prompt }],
        maxTokens: call.maxOutputTokens,
        signal: call.signal,
      });
      return { text: reply.text, usage: null, costUsd: null };
    },
  };
}
