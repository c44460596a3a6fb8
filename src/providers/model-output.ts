// Reading what a model returned: reasoning text (<think>…</think> and similar) is dropped, the JSON
// object is found even inside a code fence or prose, then validated by the stage's zod schema.
import type { z } from "zod";

const REASONING_BLOCK_RE = /<(think|thinking|reasoning|reflection)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const UNCLOSED_REASONING_RE = /<(think|thinking|reasoning|reflection)\b[^>]*>[\s\S]*$/i;
const STRAY_TAG_RE = /<\/?(think|thinking|reasoning|reflection)\b[^>]*>/gi;

/**
 * Removes reasoning blocks. An opening tag that is never closed hides everything after it (the model
 * is still thinking, or stopped mid-thought); a stray closing tag drops everything before it.
 */
const ANY_REASONING_TAG_RE = /<\/?(think|thinking|reasoning|reflection)\b/i;

export function stripReasoning(text: string): string {
  if (!ANY_REASONING_TAG_RE.test(text)) return text.trim();
  let out = text.replace(REASONING_BLOCK_RE, "");
  const close = /<\/(think|thinking|reasoning|reflection)\s*>/i.exec(out);
  if (close) out = out.slice(close.index + close[0].length);
  out = out.replace(UNCLOSED_REASONING_RE, "");
  return out.replace(STRAY_TAG_RE, "").trim();
}

/** The outermost JSON object of a reply: fenced or bare, with prose around it tolerated. */
export function extractJsonObject(text: string): string | null {
  const cleaned = stripReasoning(text);
  const fence = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(cleaned);
  const candidate = fence?.[1]?.includes("{") ? fence[1] : cleaned;
  const start = candidate.indexOf("{");
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < candidate.length; i++) {
    const ch = candidate[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return candidate.slice(start, i + 1);
    }
  }
  // Unbalanced (typically a truncated reply): hand it on so the parse error says what went wrong.
  return candidate.slice(start);
}

export type ParsedOutput<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parses and validates a model reply; `problem` says what was wrong, for the repair request. */
export function parseModelJson<T>(text: string, schema: z.ZodType<T>): ParsedOutput<T> {
  const json = extractJsonObject(text);
  if (json === null) return { ok: false, problem: "the reply contained no JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, problem: `the JSON did not parse (${(error as Error).message.slice(0, 120)})` };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues
    .slice(0, 6)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
  return { ok: false, problem: `the JSON did not match the schema (${issues})` };
}

/**
 * The value of a top-level string field in a JSON object that is still being streamed, decoded as far
 * as it is complete. Used to stream `optimized_prompt` as deltas while the rest of the object arrives.
 */
export function partialStringField(text: string, field: string): string | null {
  const cleaned = stripReasoning(text);
  const key = new RegExp(`"${field}"\\s*:\\s*"`).exec(cleaned);
  if (!key) return null;
  let out = "";
  for (let i = key.index + key[0].length; i < cleaned.length; i++) {
    const ch = cleaned[i];
    if (ch === '"') return out;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = cleaned[i + 1];
    if (next === undefined) return out;
    if (next === "u") {
      const hex = cleaned.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return out;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
      continue;
    }
    const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "\\": "\\", "/": "/" };
    out += map[next] ?? next;
    i += 1;
  }
  return out;
}
