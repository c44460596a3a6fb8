// Builds the ModelClient and engine of one provider from settings plus per-request overrides.
// Throws actionable validation errors when a provider is chosen but not usable.
import { createHash } from "node:crypto";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { AppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import { createAiSdkClient } from "./ai-sdk-client.js";
import { isValidModelName, type LlmProviderName, PROVIDER_DESCRIPTORS } from "./catalogue.js";
import { createClaudeCliClient } from "./claude-cli-client.js";
import { createLlmEngine } from "./llm-engine.js";
import type { ModelClient } from "./model-client.js";
import type { ProviderCallContext } from "./provider-errors.js";
import type { RetryPolicy } from "./retry.js";
import { createLanguageModel, type HttpProviderName, type ModelSettings, normaliseBaseUrl } from "./sdk-models.js";

/** Provider settings; structurally the `providers` field of src/config.ts. */
export interface ProviderSettings {
  anthropic?: { apiKey?: string; baseUrl?: string; model?: string };
  openai?: { apiKey?: string; baseUrl?: string; model?: string };
  openaiCompatible?: { baseUrl?: string; apiKey?: string; model?: string; structuredOutputs?: boolean };
  gemini?: { apiKey?: string; baseUrl?: string; model?: string };
  claudeCli?: { path?: string; model?: string; searchPath?: string };
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_KEY_LENGTH = 1_000;

export function providerSection(settings: ProviderSettings, provider: LlmProviderName) {
  switch (provider) {
    case "anthropic":
      return settings.anthropic ?? {};
    case "openai":
      return settings.openai ?? {};
    case "gemini":
      return settings.gemini ?? {};
    case "openai-compatible":
      return settings.openaiCompatible ?? {};
    case "claude-cli":
      return { model: settings.claudeCli?.model };
  }
}

export function configuredModel(settings: ProviderSettings, provider: LlmProviderName): string {
  return providerSection(settings, provider).model ?? PROVIDER_DESCRIPTORS[provider].defaultModel;
}

export function checkModel(model: string): string {
  const trimmed = model.trim();
  if (!isValidModelName(trimmed)) {
    throw new AppError(
      "validation_error",
      "The model name is not valid: use letters, digits and . _ : / @ + - (at most 200 characters).",
    );
  }
  return trimmed;
}

export function checkApiKey(apiKey: string): string {
  const trimmed = apiKey.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_KEY_LENGTH || /[\s\u0000-\u001f]/.test(trimmed)) {
    throw new AppError(
      "validation_error",
      "The API key is empty, too long or contains whitespace or control characters.",
    );
  }
  return trimmed;
}

export interface ClientRequest {
  provider: LlmProviderName;
  model: string;
  apiKey?: string;
  /** Path of the claude executable (claude-cli only). */
  executable?: string | null;
}

export interface ClientFactoryOptions {
  settings: ProviderSettings;
  fetch?: typeof fetch;
  /** Reuses SDK models across requests (see `createModelCache`); default a new model per client. */
  models?: ModelCache;
}

/**
 * SDK language models by their settings. Building one (provider package, fetch wrapper, headers)
 * costs more than a whole request's routing, and every optimize request resolves an engine: the
 * registry keeps one cache so a model is built once per provider, model, base URL and key.
 */
export interface ModelCache {
  get(settings: ModelSettings): Promise<LanguageModelV3>;
  readonly size: number;
}

export function createModelCache(options: { maxEntries?: number } = {}): ModelCache {
  const maxEntries = options.maxEntries ?? 32;
  const models = new Map<string, Promise<LanguageModelV3>>();
  return {
    get(settings) {
      // Keys sent per request (X-LLM-API-Key) are many; only their digest is part of the cache key.
      const keyDigest = settings.apiKey ? createHash("sha256").update(settings.apiKey).digest("base64url") : "";
      const id = JSON.stringify([
        settings.provider,
        settings.model,
        settings.baseUrl,
        keyDigest,
        settings.structuredOutputs ?? null,
      ]);
      let model = models.get(id);
      if (model) {
        models.delete(id); // re-inserted below: Map order doubles as LRU order
      } else {
        model = createLanguageModel(settings);
        // A failed import is not cached: the next request tries again.
        model.catch(() => models.delete(id));
      }
      models.set(id, model);
      while (models.size > maxEntries) {
        const oldest = models.keys().next().value;
        if (oldest === undefined) break;
        models.delete(oldest);
      }
      return model;
    },
    get size() {
      return models.size;
    },
  };
}

export function createModelClient(req: ClientRequest, options: ClientFactoryOptions): ModelClient {
  const { provider, model } = req;
  const d = PROVIDER_DESCRIPTORS[provider];
  if (provider === "claude-cli") {
    if (!req.executable) {
      throw new AppError(
        "validation_error",
        'Provider "claude-cli" is not available: the claude command was not found on PATH. ' +
          "Install Claude Code or set CLAUDE_CLI_PATH.",
      );
    }
    return createClaudeCliClient({ executable: req.executable, context: { provider, model } });
  }
  const section = providerSection(options.settings, provider) as { baseUrl?: string; structuredOutputs?: boolean };
  const baseUrl = normaliseBaseUrl(provider as HttpProviderName, section.baseUrl);
  if (baseUrl === null || (baseUrl === undefined && provider === "openai-compatible")) {
    throw new AppError(
      "validation_error",
      baseUrl === null
        ? `${d.baseUrlVariable} is not a valid http(s) URL without user:password (put keys in ${d.keyVariable}).`
        : 'Provider "openai-compatible" is not configured: set OPENAI_COMPATIBLE_BASE_URL (e.g. http://localhost:11434/v1).',
    );
  }
  if (d.requiresKey && !req.apiKey) {
    throw new AppError(
      "validation_error",
      `Provider "${provider}" has no API key: set ${d.keyVariable}, store a key in Settings, or send X-LLM-API-Key.`,
    );
  }
  const context: ProviderCallContext = {
    provider,
    model,
    baseUrl,
    secrets: req.apiKey ? [req.apiKey] : [],
  };
  const modelSettings: ModelSettings = {
    provider: provider as HttpProviderName,
    model,
    apiKey: req.apiKey,
    baseUrl: baseUrl as string,
    structuredOutputs: section.structuredOutputs,
    fetch: options.fetch,
  };
  const languageModel = options.models ? options.models.get(modelSettings) : createLanguageModel(modelSettings);
  // Awaited by the first call; marked handled so an unused engine never reports a rejection.
  languageModel.catch(() => {});
  return createAiSdkClient({ model: languageModel, context });
}

export interface EngineFactoryOptions extends ClientFactoryOptions {
  local: PipelineEngine;
  retry: RetryPolicy;
  random?: () => number;
}

export function createProviderEngine(req: ClientRequest, options: EngineFactoryOptions): PipelineEngine {
  const client = createModelClient(req, options);
  return createLlmEngine({
    client,
    local: options.local,
    settings: { timeoutMs: options.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry: options.retry },
    random: options.random,
  });
}
