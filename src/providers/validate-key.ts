// validateKey: one real, minimal call with the candidate key. Authentication and permission failures
// mean "invalid"; a failure after authentication passed (unknown model, quota) means the key works.
import { AppError } from "../core/errors.js";
import { loadAiSdk } from "./ai-sdk-client.js";
import { type LlmProviderName, PROVIDER_DESCRIPTORS } from "./catalogue.js";
import { type ClientFactoryOptions, checkApiKey, checkModel, providerSection } from "./engine-factory.js";
import { errorKind, mapSdkError } from "./provider-errors.js";
import { createLanguageModel, type HttpProviderName, normaliseBaseUrl } from "./sdk-models.js";

export interface KeyValidation {
  provider: LlmProviderName;
  model: string;
  valid: boolean;
  /** Safe to show: never contains the key. */
  message: string;
  /** Stable reason when something went wrong (provider-errors kinds). */
  reason?: string;
}

export const VALIDATE_KEY_TIMEOUT_MS = 20_000;

export async function validateProviderKey(args: {
  provider: HttpProviderName;
  apiKey: string;
  model: string;
  factory: ClientFactoryOptions;
  signal?: AbortSignal;
}): Promise<KeyValidation> {
  const { provider } = args;
  const apiKey = checkApiKey(args.apiKey);
  const model = checkModel(args.model);
  const label = PROVIDER_DESCRIPTORS[provider].label;
  const section = providerSection(args.factory.settings, provider) as { baseUrl?: string; structuredOutputs?: boolean };
  const baseUrl = normaliseBaseUrl(provider, section.baseUrl);
  if (!baseUrl) {
    throw new AppError("validation_error", `Provider "${provider}" has no valid base URL configured.`);
  }
  const { generateText } = await loadAiSdk();
  const languageModel = await createLanguageModel({ provider, model, apiKey, baseUrl, fetch: args.factory.fetch });
  const timeout = AbortSignal.timeout(VALIDATE_KEY_TIMEOUT_MS);
  const signal = args.signal ? AbortSignal.any([args.signal, timeout]) : timeout;
  try {
    await generateText({
      model: languageModel,
      prompt: "Reply with the single word OK.",
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: signal,
    });
    return { provider, model, valid: true, message: `${label} accepted the key.` };
  } catch (error) {
    if (args.signal?.aborted) throw error;
    if (timeout.aborted) {
      throw new AppError(
        "timeout",
        `${label} did not answer the key check within ${VALIDATE_KEY_TIMEOUT_MS / 1000} s.`,
        {
          retryable: true,
        },
      );
    }
    const mapped = mapSdkError(error, { provider, model, baseUrl, secrets: [apiKey] });
    const kind = errorKind(mapped);
    if (kind === "authentication" || kind === "permission") {
      return { provider, model, valid: false, message: mapped.message, reason: kind };
    }
    if (kind === "model_not_found" || kind === "rate_limit" || kind === "usage_limit" || kind === "bad_request") {
      return {
        provider,
        model,
        valid: true,
        message: `${label} accepted the key, but the test call failed: ${mapped.message}`,
        reason: kind,
      };
    }
    throw mapped;
  }
}
