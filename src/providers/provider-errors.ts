// Provider failures as typed AppErrors with a cause the user can act on (PRODUCT.md section 2).
// Messages are written here, never copied from a provider response without redaction, and never
// contain key material: a 401 body can echo part of the key, so auth errors carry no provider text.
import { APICallError } from "@ai-sdk/provider";
import { AppError, type AppErrorCode } from "../core/errors.js";
import { type LlmProviderName, PROVIDER_DESCRIPTORS } from "./catalogue.js";

export type ProviderErrorKind =
  | "authentication"
  | "permission"
  | "rate_limit"
  | "usage_limit"
  | "model_not_found"
  | "unavailable"
  | "connection"
  | "timeout"
  | "invalid_output"
  | "bad_request"
  | "not_configured"
  | "cli_missing";

export interface ProviderCallContext {
  provider: LlmProviderName;
  model: string;
  baseUrl?: string;
  /** Values that must never appear in a message (the key in use). */
  secrets?: readonly string[];
}

const CODES: Record<ProviderErrorKind, AppErrorCode> = {
  authentication: "unauthorized",
  permission: "forbidden",
  rate_limit: "rate_limited",
  usage_limit: "rate_limited",
  model_not_found: "provider_error",
  unavailable: "provider_error",
  connection: "provider_error",
  timeout: "timeout",
  invalid_output: "provider_error",
  bad_request: "provider_error",
  not_configured: "validation_error",
  cli_missing: "provider_error",
};
const RETRYABLE = new Set<ProviderErrorKind>(["rate_limit", "unavailable", "connection", "timeout"]);

export interface ProviderErrorDetails {
  provider: LlmProviderName;
  model: string;
  kind: ProviderErrorKind;
  status?: number;
  retry_after_s?: number;
}

/**
 * Builds the AppError for a provider failure. Authentication and permission failures use status 502:
 * the upstream refused, not this API, so a client must not treat it as its own session expiring.
 */
export function providerError(
  kind: ProviderErrorKind,
  ctx: ProviderCallContext,
  message: string,
  extra: { status?: number; retryAfterMs?: number; retryable?: boolean } = {},
): AppError {
  const details: ProviderErrorDetails = { provider: ctx.provider, model: ctx.model, kind };
  if (extra.status !== undefined) details.status = extra.status;
  if (extra.retryAfterMs !== undefined) details.retry_after_s = Math.ceil(extra.retryAfterMs / 1000);
  const code = CODES[kind];
  const status = code === "unauthorized" || code === "forbidden" ? 502 : undefined;
  return new AppError(code, redactSecrets(message, ctx.secrets ?? []), {
    details,
    retryable: extra.retryable ?? RETRYABLE.has(kind),
    status,
  });
}

export function errorKind(error: unknown): ProviderErrorKind | undefined {
  if (!(error instanceof AppError)) return undefined;
  const details = error.details as Partial<ProviderErrorDetails> | undefined;
  return details?.kind;
}

export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof AppError)) return undefined;
  const seconds = (error.details as Partial<ProviderErrorDetails> | undefined)?.retry_after_s;
  return seconds === undefined ? undefined : seconds * 1000;
}

const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_*.-]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_*.-]{6,}/g,
  /\bAIza[A-Za-z0-9_-]{10,}/g,
  /\b(?:Bearer|x-api-key:?|x-goog-api-key:?)\s+\S+/gi,
  /([?&](?:key|api_key|apikey|token)=)[^&\s]+/gi,
];

/** Removes the known secrets and anything shaped like an API key. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  for (const re of KEY_PATTERNS) {
    out = out.replace(re, (match, prefix?: string) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  }
  return out;
}

/** Scheme, host and port of a base URL: never its user-info, path secrets or query. */
export function describeEndpoint(baseUrl: string | undefined): string {
  if (!baseUrl) return "its default endpoint";
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return "the configured base URL";
  }
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or HTTP date). */
export function parseRetryAfter(
  headers: Record<string, string> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const ms = Number(get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && get("retry-after-ms") !== undefined) return ms;
  const raw = get("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function providerMessageOf(body: string | undefined): string {
  if (!body) return "";
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const msg =
      typeof parsed.error === "string"
        ? parsed.error
        : typeof parsed.error?.message === "string"
          ? parsed.error.message
          : typeof parsed.message === "string"
            ? parsed.message
            : "";
    return msg.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

function connectionCode(error: APICallError): unknown {
  const cause = error.cause as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return cause?.code ?? cause?.cause?.code;
}

function connectionReason(error: APICallError): string {
  const code = connectionCode(error);
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset";
  if (typeof code === "string") return code;
  return "network error";
}

/** Maps an AI SDK error (APICallError and friends) to a typed AppError. */
export function mapSdkError(error: unknown, ctx: ProviderCallContext): AppError {
  if (error instanceof AppError) return error;
  const d = PROVIDER_DESCRIPTORS[ctx.provider];
  const L = d.label;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const body = error.responseBody ?? "";
    if (status === undefined) {
      const reason = connectionReason(error);
      return providerError(
        "connection",
        ctx,
        `Cannot reach ${L} at ${describeEndpoint(ctx.baseUrl)} (${reason}). ` +
          `Check that the server is running${d.baseUrlVariable ? ` and ${d.baseUrlVariable} is correct` : ""}.`,
        // A name that does not resolve stays unresolved: retrying it only delays the error.
        { retryable: reason !== "host not found" || connectionCode(error) === "EAI_AGAIN" },
      );
    }
    if (status >= 200 && status < 300) {
      // The provider answered, then the reply broke off (reset, or ended before its last part).
      const code = connectionCode(error);
      const how =
        code === "ECONNRESET" || code === "UND_ERR_SOCKET" || /terminated|socket|reset/i.test(error.message)
          ? "the connection was reset"
          : "it ended before it was complete";
      return providerError("connection", ctx, `${L}'s reply broke off mid-response (${how}).`, {
        status,
      });
    }
    const keyHint = d.keyVariable
      ? `Check ${d.keyVariable}, the key stored in Settings, or the X-LLM-API-Key header.`
      : "Check the provider's credentials.";
    if (status === 401 || (status === 400 && /API[_ ]KEY[_ ](INVALID|not valid)/i.test(body))) {
      return providerError("authentication", ctx, `${L} rejected the API key (HTTP ${status}). ${keyHint}`, {
        status,
      });
    }
    if (status === 403) {
      return providerError(
        "permission",
        ctx,
        `${L} refused the request (HTTP 403): the key may not use model "${ctx.model}" or this feature, ` +
          "or the account, project or region is not allowed.",
        { status },
      );
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(error.responseHeaders);
      if (/insufficient_quota|quota|billing|credit/i.test(body)) {
        return providerError(
          "usage_limit",
          ctx,
          `${L} says the account's quota or credit is exhausted (HTTP 429). Check billing for the key.`,
          { status, retryable: false },
        );
      }
      const wait = retryAfterMs === undefined ? "" : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
      return providerError("rate_limit", ctx, `${L} rate limit reached (HTTP 429)${wait}.`, { status, retryAfterMs });
    }
    if (status === 404) {
      return providerError(
        "model_not_found",
        ctx,
        `${L} does not know the model "${ctx.model}" (HTTP 404), or the base URL is wrong. ` +
          `Set ${d.modelVariable} or choose a model listed by GET /api/providers.`,
        { status },
      );
    }
    if (status === 408 || status >= 500) {
      return providerError("unavailable", ctx, `${L} is unavailable (HTTP ${status}); try again shortly.`, {
        status,
        retryAfterMs: parseRetryAfter(error.responseHeaders),
      });
    }
    const detail = providerMessageOf(body);
    return providerError(
      "bad_request",
      ctx,
      `${L} rejected the request (HTTP ${status})${detail ? `: ${detail}` : "."}`,
      { status },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return providerError("unavailable", ctx, `${L} call failed: ${message.slice(0, 200)}`, { retryable: false });
}
