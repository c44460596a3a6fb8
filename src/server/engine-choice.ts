// Per-request engine choice by header (PRODUCT.md section 2): `X-LLM-Provider` and `X-LLM-Model`
// fill `provider`/`model` when the body names none. The body wins when both are given.
import type { Context } from "hono";

export function withEngineChoice<T>(c: Context, body: T): T {
  const provider = c.req.header("x-llm-provider")?.trim();
  const model = c.req.header("x-llm-model")?.trim();
  if ((!provider && !model) || typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  if (provider && out.provider === undefined) out.provider = provider;
  if (model && out.model === undefined) out.model = model;
  return out as T;
}

/** `X-LLM-API-Key`: a provider key for this request only (never stored, logged or echoed). */
export function apiKeyFrom(c: Context): string | undefined {
  const key = c.req.header("x-llm-api-key")?.trim();
  return key ? key : undefined;
}
