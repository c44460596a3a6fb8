// Engine resolution (PRODUCT.md section 2): explicit request → LLM_PROVIDER → auto-detection
// (claude-cli, anthropic, openai, gemini, openai-compatible) → local. Detection is cached briefly and
// invalidated when keys change; a per-request key is used for that request only and kept nowhere.

import { AppError } from "../core/errors.js";
import { createLocalEngine } from "../core/local/engine.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import {
  DETECTION_ORDER,
  type EngineName,
  isLlmProviderName,
  KEYED_PROVIDERS,
  LLM_PROVIDER_NAMES,
  type LlmProviderName,
  PROVIDER_DESCRIPTORS,
} from "./catalogue.js";
import {
  checkApiKey,
  checkModel,
  configuredModel,
  createModelCache,
  createProviderEngine,
  type ProviderSettings,
  providerSection,
} from "./engine-factory.js";
import { findExecutable } from "./executable.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import type { HttpProviderName } from "./sdk-models.js";
import { type KeyValidation, validateProviderKey } from "./validate-key.js";

export type { ProviderSettings } from "./engine-factory.js";
export type { KeyValidation } from "./validate-key.js";

export type KeySource = "env" | "stored" | "path" | "config" | null;

export interface ProviderInfo {
  name: string;
  available: boolean;
  default_model: string | null;
  models: string[];
  requires_key: boolean;
  description: string;
  /** Where its credential or configuration comes from; never the value. */
  key_source: KeySource;
  /** True for the engine a request that names none would get. */
  is_default: boolean;
}

export interface EngineRequest {
  provider?: string;
  model?: string;
  /** Per-request key (X-LLM-API-Key): used for this engine only, never stored or logged. */
  apiKey?: string;
}

export interface ProviderRegistry {
  list(): Promise<ProviderInfo[]>;
  /** The engine for a request: explicit choice → LLM_PROVIDER → auto-detection → local. */
  resolve(request?: EngineRequest): Promise<PipelineEngine>;
  /** Name of the engine used when a request names none. */
  defaultEngine(): Promise<string>;
  /** Forgets cached detection; call after a key is stored or deleted. */
  invalidate(): void;
  /** Makes a real minimal call with `apiKey`; never stores it. */
  validateKey(
    provider: string,
    apiKey: string,
    options?: { model?: string; signal?: AbortSignal },
  ): Promise<KeyValidation>;
}

export interface ProviderRegistryOptions {
  /** LLM_PROVIDER: a provider name, "local", or "auto"/unset for auto-detection. */
  defaultProvider?: string;
  /** `config.providers`. */
  providers?: ProviderSettings;
  /** Keys stored through the UI (decrypted); wired by the composition root. */
  getStoredKey?: (provider: LlmProviderName) => Promise<string | undefined>;
  detectionTtlMs?: number;
  clock?: () => number;
  localEngine?: PipelineEngine;
  retry?: RetryPolicy;
  /** A/B order of validation; injectable for tests. */
  random?: () => number;
  fetch?: typeof fetch;
}

interface Detection {
  at: number;
  claudePath: string | null;
  sources: Record<LlmProviderName, KeySource>;
}

export const DEFAULT_DETECTION_TTL_MS = 30_000;

export function createProviderRegistry(options: ProviderRegistryOptions = {}): ProviderRegistry {
  const settings = options.providers ?? {};
  const local = options.localEngine ?? createLocalEngine();
  const ttl = options.detectionTtlMs ?? DEFAULT_DETECTION_TTL_MS;
  const clock = options.clock ?? Date.now;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const factory = { settings, fetch: options.fetch, local, retry, random: options.random, models: createModelCache() };
  let cached: Detection | null = null;
  let pending: Promise<Detection> | null = null;
  // Bumped by invalidate(): a detection started before a key change must not be cached after it.
  let generation = 0;

  const storedKey = async (provider: LlmProviderName): Promise<string | undefined> => {
    if (!options.getStoredKey || !KEYED_PROVIDERS.includes(provider)) return undefined;
    const key = await options.getStoredKey(provider);
    return key?.trim() ? key.trim() : undefined;
  };

  async function runDetection(): Promise<Detection> {
    const claudePath = findExecutable(settings.claudeCli?.path ?? "claude", settings.claudeCli?.searchPath);
    const sources = {} as Record<LlmProviderName, KeySource>;
    for (const name of LLM_PROVIDER_NAMES) {
      if (name === "claude-cli") {
        sources[name] = claudePath ? "path" : null;
        continue;
      }
      const section = providerSection(settings, name) as { apiKey?: string; baseUrl?: string };
      const stored = (await storedKey(name)) !== undefined;
      if (name === "openai-compatible") {
        sources[name] = section.baseUrl ? (stored ? "stored" : "config") : null;
      } else {
        sources[name] = stored ? "stored" : section.apiKey ? "env" : null;
      }
    }
    return { at: clock(), claudePath, sources };
  }

  async function detect(): Promise<Detection> {
    if (cached && clock() - cached.at < ttl) return cached;
    const startedIn = generation;
    pending ??= runDetection().finally(() => {
      pending = null;
    });
    const result = await pending;
    if (startedIn === generation) cached = result;
    return result;
  }

  const normalise = (name: string | undefined): string | undefined => {
    const v = name?.trim().toLowerCase();
    return v && v !== "auto" ? v : undefined;
  };

  function known(name: string): EngineName {
    if (name === "local" || isLlmProviderName(name)) return name;
    throw new AppError("validation_error", `Unknown provider "${name.slice(0, 50)}".`, {
      details: { known: ["local", ...LLM_PROVIDER_NAMES] },
    });
  }

  async function chooseDefault(detection: Detection): Promise<EngineName> {
    const configured = normalise(options.defaultProvider);
    if (configured) return known(configured);
    return DETECTION_ORDER.find((name) => detection.sources[name] !== null) ?? "local";
  }

  return {
    async list() {
      const detection = await detect();
      const chosen = await chooseDefault(detection).catch(() => "local" as const);
      const infos: ProviderInfo[] = [
        {
          name: "local",
          available: true,
          default_model: null,
          models: [],
          requires_key: false,
          description: "Built-in deterministic analyser, rewriter and scorer. Offline, no key.",
          key_source: null,
          is_default: chosen === "local",
        },
      ];
      for (const name of LLM_PROVIDER_NAMES) {
        const d = PROVIDER_DESCRIPTORS[name];
        const model = configuredModel(settings, name);
        infos.push({
          name,
          available: detection.sources[name] !== null,
          default_model: model,
          models: d.models.includes(model) ? [...d.models] : [model, ...d.models],
          requires_key: d.requiresKey,
          description: d.description,
          key_source: detection.sources[name],
          is_default: chosen === name,
        });
      }
      return infos;
    },

    async resolve(request = {}) {
      const explicit = normalise(request.provider);
      const detection = await detect();
      const name = explicit ? known(explicit) : await chooseDefault(detection);
      if (name === "local") return local;
      const model = request.model ? checkModel(request.model) : configuredModel(settings, name);
      const section = providerSection(settings, name) as { apiKey?: string };
      const apiKey =
        request.apiKey !== undefined && name !== "claude-cli"
          ? checkApiKey(request.apiKey)
          : ((await storedKey(name)) ?? section.apiKey);
      const executable =
        name === "claude-cli"
          ? (detection.claudePath ??
            findExecutable(settings.claudeCli?.path ?? "claude", settings.claudeCli?.searchPath))
          : null;
      return createProviderEngine({ provider: name, model, apiKey, executable }, factory);
    },

    async defaultEngine() {
      return chooseDefault(await detect());
    },

    invalidate() {
      cached = null;
      pending = null;
      generation++;
    },

    async validateKey(provider, apiKey, validateOptions = {}) {
      const name = known(provider.trim().toLowerCase());
      if (name === "local" || !KEYED_PROVIDERS.includes(name)) {
        throw new AppError("validation_error", `Provider "${name}" does not use an API key.`);
      }
      const model = validateOptions.model ?? configuredModel(settings, name);
      return validateProviderKey({
        provider: name as HttpProviderName,
        apiKey,
        model,
        factory,
        signal: validateOptions.signal,
      });
    },
  };
}
