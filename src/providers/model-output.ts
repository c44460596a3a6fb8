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

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "\\": "\\", "/": "/" };

interface Decoded {
  out: string;
  /** Index of the first character not decoded yet (an incomplete escape stays for later). */
  pos: number;
  /** The closing quote was reached. */
  closed: boolean;
}

/** Decodes JSON string content from `from` up to `end` (exclusive), continuing `out`. */
function decodeStringContent(text: string, from: number, end: number, out: string): Decoded {
  let i = from;
  for (; i < end; i++) {
    const ch = text[i];
    if (ch === '"') return { out, pos: i, closed: true };
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined || i + 1 >= end) return { out, pos: i, closed: false };
    if (next === "u") {
      const hex = text.slice(i + 2, Math.min(i + 6, end));
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { out, pos: i, closed: false };
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
      continue;
    }
    out += ESCAPES[next] ?? next;
    i += 1;
  }
  return { out, pos: i, closed: false };
}

const keyPatterns = new Map<string, RegExp>();
function keyPattern(field: string): RegExp {
  let re = keyPatterns.get(field);
  if (!re) {
    re = new RegExp(`"${field}"\\s*:\\s*"`);
    keyPatterns.set(field, re);
  }
  return re;
}

/**
 * The value of a top-level string field in a JSON object that is still being streamed, decoded as far
 * as it is complete. Used to stream `optimized_prompt` as deltas while the rest of the object arrives.
 */
export function partialStringField(text: string, field: string): string | null {
  const cleaned = stripReasoning(text);
  const key = keyPattern(field).exec(cleaned);
  if (!key) return null;
  return decodeStringContent(cleaned, key.index + key[0].length, cleaned.length, "").out;
}

/** Longest reasoning tag prefix (`</reflection`) a chunk boundary can split. */
const TAG_OVERLAP = 16;

/**
 * `partialStringField` for a text that only grows (a streamed reply): each call decodes only what
 * arrived since the last one, so streaming a reply of n characters costs O(n), not O(n²). Gives the
 * same value as `partialStringField(text, field)` for every prefix; once a reasoning tag shows up
 * (rare) it falls back to the full function.
 */
export function streamedStringField(field: string): (text: string) => string | null {
  let checked = 0;
  let reasoning = false;
  let start = -1;
  let state: Decoded = { out: "", pos: 0, closed: false };
  return (text) => {
    if (!reasoning) {
      reasoning = ANY_REASONING_TAG_RE.test(text.slice(Math.max(0, checked - TAG_OVERLAP)));
      checked = text.length;
    }
    if (reasoning) return partialStringField(text, field);
    // Without reasoning tags the cleaned text is text.trim(): trailing whitespace waits for more text.
    const end = text.trimEnd().length;
    if (start < 0) {
      const key = keyPattern(field).exec(text.slice(0, end));
      if (!key) return null;
      start = key.index + key[0].length;
      state = { out: "", pos: start, closed: false };
    }
    if (!state.closed && state.pos < end) state = decodeStringContent(text, state.pos, end, state.out);
    return state.out;
  };
}
