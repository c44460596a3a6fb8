// The LLM providers PromptForge knows (PRODUCT.md section 2): names, default models, model catalogues,
// the variables that configure them and the order in which auto-detection tries them.

export const LLM_PROVIDER_NAMES = ["claude-cli", "anthropic", "openai", "gemini", "openai-compatible"] as const;
export type LlmProviderName = (typeof LLM_PROVIDER_NAMES)[number];
export type EngineName = LlmProviderName | "local";

/** Auto-detection order (section 2): the first available provider wins, then `local`. */
export const DETECTION_ORDER: readonly LlmProviderName[] = LLM_PROVIDER_NAMES;

/** Providers whose key can be validated and stored (claude-cli uses the CLI's own login). */
export const KEYED_PROVIDERS: readonly LlmProviderName[] = ["anthropic", "openai", "gemini", "openai-compatible"];

export interface ProviderDescriptor {
  name: LlmProviderName;
  /** Human name used in error messages. */
  label: string;
  description: string;
  requiresKey: boolean;
  defaultModel: string;
  models: readonly string[];
  /** Variables a user sets to configure it, named in actionable error messages. */
  keyVariable?: string;
  modelVariable: string;
  baseUrlVariable?: string;
}

export const PROVIDER_DESCRIPTORS: Readonly<Record<LlmProviderName, ProviderDescriptor>> = {
  "claude-cli": {
    name: "claude-cli",
    label: "Claude CLI",
    description: "The `claude` command in print mode, using your Claude subscription. No tools, isolated directory.",
    requiresKey: false,
    defaultModel: "sonnet",
    models: ["sonnet", "opus", "haiku"],
    modelVariable: "CLAUDE_MODEL",
  },
  anthropic: {
    name: "anthropic",
    label: "Anthropic",
    description: "Anthropic Messages API (Claude models).",
    requiresKey: true,
    defaultModel: "claude-sonnet-4-5",
    models: ["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6"],
    keyVariable: "ANTHROPIC_API_KEY",
    modelVariable: "ANTHROPIC_MODEL",
    baseUrlVariable: "ANTHROPIC_BASE_URL",
  },
  openai: {
    name: "openai",
    label: "OpenAI",
    description: "OpenAI API (chat completions with structured outputs).",
    requiresKey: true,
    defaultModel: "gpt-4.1",
    models: ["gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini", "gpt-5", "gpt-5-mini"],
    keyVariable: "OPENAI_API_KEY",
    modelVariable: "OPENAI_MODEL",
    baseUrlVariable: "OPENAI_BASE_URL",
  },
  gemini: {
    name: "gemini",
    label: "Gemini",
    description: "Google Gemini API.",
    requiresKey: true,
    defaultModel: "gemini-2.5-flash",
    models: ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash"],
    keyVariable: "GEMINI_API_KEY",
    modelVariable: "GEMINI_MODEL",
    baseUrlVariable: "GEMINI_BASE_URL",
  },
  "openai-compatible": {
    name: "openai-compatible",
    label: "OpenAI-compatible server",
    description: "Any /v1/chat/completions server: Ollama, vLLM, LM Studio, OpenRouter, Groq… Key optional.",
    requiresKey: false,
    defaultModel: "llama3.1",
    models: [],
    keyVariable: "OPENAI_COMPATIBLE_API_KEY",
    modelVariable: "OPENAI_COMPATIBLE_MODEL",
    baseUrlVariable: "OPENAI_COMPATIBLE_BASE_URL",
  },
};

export function isLlmProviderName(value: string): value is LlmProviderName {
  return (LLM_PROVIDER_NAMES as readonly string[]).includes(value);
}

const MODEL_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;

/** Model names travel into URLs (Gemini) and argv (claude-cli): accept only plain identifiers. */
export function isValidModelName(value: string): boolean {
  return MODEL_RE.test(value);
}
