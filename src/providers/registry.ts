// Engine resolution (PRODUCT.md section 2). Only the built-in local engine exists so far; LLM
// providers register here and the resolution order stays in this one place.
import { AppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import { createLocalEngine } from "../core/local/engine.js";

export interface ProviderInfo {
  name: string;
  available: boolean;
  default_model: string | null;
  models: string[];
  requires_key: boolean;
  description: string;
}

export interface EngineRequest {
  provider?: string;
  model?: string;
}

export interface ProviderRegistry {
  list(): ProviderInfo[];
  /** The engine for a request: explicit choice → LLM_PROVIDER → auto-detection → local. */
  resolve(request?: EngineRequest): PipelineEngine;
  /** Name of the engine used when a request names none. */
  defaultEngine(): string;
}

export function createProviderRegistry(options: { defaultProvider?: string } = {}): ProviderRegistry {
  const local = createLocalEngine();
  const providers: ProviderInfo[] = [
    {
      name: "local",
      available: true,
      default_model: null,
      models: [],
      requires_key: false,
      description: "Built-in deterministic analyser, rewriter and scorer. Offline, no key.",
    },
  ];
  const byName = (name: string) => providers.find((p) => p.name === name.toLowerCase());
  const pick = (name: string | undefined): PipelineEngine | null => {
    if (!name) return null;
    const info = byName(name);
    if (!info) {
      throw new AppError("validation_error", `Unknown provider "${name.slice(0, 50)}".`, {
        details: { known: providers.map((p) => p.name) },
      });
    }
    if (!info.available) throw new AppError("validation_error", `Provider "${info.name}" is not configured.`);
    return local;
  };
  return {
    list: () => providers.map((p) => ({ ...p })),
    resolve: (request = {}) => pick(request.provider) ?? pick(options.defaultProvider) ?? local,
    defaultEngine: () => (options.defaultProvider ? (byName(options.defaultProvider)?.name ?? "local") : "local"),
  };
}
