// AI SDK language models for the HTTP providers, with configurable base URLs. Base URLs are normalised
// to the form each SDK expects (Anthropic's convention omits /v1; a bare host gets the default path).
// The SDK packages are imported on first use: a server on the local engine never pays their load time.
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { LlmProviderName } from "./catalogue.js";

export type HttpProviderName = Exclude<LlmProviderName, "claude-cli">;

export const DEFAULT_BASE_URLS: Record<HttpProviderName, string | undefined> = {
  anthropic: "https://api.anthropic.com/v1",
  openai: "https://api.openai.com/v1",
  gemini: "https://generativelanguage.googleapis.com/v1beta",
  "openai-compatible": undefined,
};

/** Returns the base URL the SDK expects, or null when `raw` is not a credential-free http(s) URL. */
export function normaliseBaseUrl(provider: HttpProviderName, raw: string | undefined): string | null | undefined {
  if (raw === undefined) return DEFAULT_BASE_URLS[provider];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  // fetch refuses URLs with credentials; keys belong in the *_API_KEY variables.
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) return null;
  let path = url.pathname.replace(/\/+$/, "");
  if (provider === "anthropic" && !/\/v1$/.test(path)) path += "/v1";
  else if ((provider === "openai" || provider === "openai-compatible") && path === "") path = "/v1";
  else if (provider === "gemini" && path === "") path = "/v1beta";
  url.pathname = path;
  return url.toString().replace(/\/$/, "");
}

export interface ModelSettings {
  provider: HttpProviderName;
  model: string;
  apiKey?: string;
  baseUrl: string;
  structuredOutputs?: boolean;
  fetch?: typeof fetch;
}

export async function createLanguageModel(s: ModelSettings): Promise<LanguageModelV3> {
  switch (s.provider) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      // OAuth tokens (Claude subscriptions) go in Authorization: Bearer; API keys in x-api-key.
      const auth = s.apiKey?.startsWith("sk-ant-oat") ? { authToken: s.apiKey } : { apiKey: s.apiKey };
      return createAnthropic({ ...auth, baseURL: s.baseUrl, fetch: s.fetch })(s.model);
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      return createOpenAI({ apiKey: s.apiKey, baseURL: s.baseUrl, fetch: s.fetch }).chat(s.model);
    }
    case "gemini": {
      const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
      return createGoogleGenerativeAI({ apiKey: s.apiKey, baseURL: s.baseUrl, fetch: s.fetch })(s.model);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: s.baseUrl,
        apiKey: s.apiKey,
        includeUsage: true,
        supportsStructuredOutputs: s.structuredOutputs ?? true,
        fetch: s.fetch,
      })(s.model);
    }
  }
}
