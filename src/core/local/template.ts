// Application prompt templates: text with `{var}` / `{{var}}` placeholders that an application fills
// in, often with a role sentence, rules, delimited inputs, an output contract and a completion cue
// on the last line (`Answer:`, `SQLQuery:`). Detection here is shared by the rewriter (which keeps
// templates callable) and the diagnostics.
import { preparePrompt } from "./prompt-text.js";

export interface TemplatePlaceholder {
  /** As written: "{tweet}", "{{ documents }}". */
  token: string;
  name: string;
  style: "single" | "double";
  start: number;
  end: number;
}

export type ContractKind = "json" | "single-label" | "single-number" | "yes-no" | "fixed-format" | "none";

export interface OutputContract {
  kind: ContractKind;
  /** Labels of a single-label contract, as written. */
  labels: string[];
  /** Field names the prompt names for a JSON contract. */
  fields: string[];
}

export interface TemplateInfo {
  placeholders: TemplatePlaceholder[];
  /** The very last line when it is a cue for the model to continue, byte for byte; else null. */
  cue: string | null;
  /** Offset where the cue line starts (in the original), or -1. */
  cueStart: number;
  contract: OutputContract;
}

const CURLY_RE =
  /\{\{\s*([A-Za-z_][\w.-]{0,47})\s*\}\}|(?<!\{)\{([A-Za-z_][\w.-]{0,47})(?:![rsa])?(?::[^{}\n]{0,12})?\}(?!\})/g;

/** `{var}` and `{{var}}` placeholders outside code fences, in order of occurrence. */
export function templatePlaceholders(prompt: string): TemplatePlaceholder[] {
  // Placeholders inside code fences count too: the application fills them wherever they are.
  const prose = prompt;
  const out: TemplatePlaceholder[] = [];
  CURLY_RE.lastIndex = 0;
  for (let m = CURLY_RE.exec(prose); m !== null && out.length < 200; m = CURLY_RE.exec(prose)) {
    const double = m[1] !== undefined;
    out.push({
      token: m[0],
      name: (double ? m[1] : m[2]) ?? "",
      style: double ? "double" : "single",
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}

/** The sequence of placeholder tokens, for order checks. */
export function placeholderSequence(text: string): string[] {
  return templatePlaceholders(text).map((p) => p.token);
}

/** "Answer:", "SQLQuery: ", "SUMMARY:\"\"\"", "Keywords:" — a short label ending in a colon. */
const CUE_RE = /^[ \t]*[A-Za-z][\w ()/'-]{0,40}:[ \t]*(?:"""|'''|```)?[ \t]*$/;

/** "<Standalone question>": a tag line the model continues after. */
const TAG_CUE_RE = /^[ \t]*<[A-Za-z][\w ]{0,40}>[ \t]*$/;
/** "… found in the context. Title: " — a cue at the end of the last sentence. */
const TRAILING_CUE_RE = /(?<=[.!?)] )[A-Z][\w ]{0,30}:[ \t]*$/;

/**
 * The completion cue (trailing newlines dropped): the last line when it is a short label ending in
 * a colon or a lone tag, or such a label ending the last sentence. Kept byte for byte.
 */
export function completionCue(prompt: string): { cue: string; start: number } | null {
  const text = prompt.replace(/[\r\n]+$/, "");
  const lineStart = text.lastIndexOf("\n") + 1;
  const line = text.slice(lineStart).replace(/\r$/, "");
  if ((CUE_RE.test(line) && line.trim().split(/\s+/).length <= 4) || TAG_CUE_RE.test(line)) {
    // A cue follows something: a one-line prompt that is only "Answer:" is not a template cue.
    return lineStart === 0 ? null : { cue: line, start: lineStart };
  }
  const trailing = TRAILING_CUE_RE.exec(line);
  if (trailing !== null && trailing[0].trim().split(/\s+/).length <= 3)
    return { cue: trailing[0], start: lineStart + trailing.index };
  return null;
}

const JSON_RE = /\b(?:json|JSON)\b/;
const LABELS_RE =
  /\b(?:classify|categori[sz]e|label|tag|rate|determine whether|decide whether|sort)\b[^.\n]{0,80}?\b(?:as|into|with)(?: (?:either|one of|exactly one of))?:? (?<labels>["'`]?[\w-]+["'`]?(?:(?:, | or |, or |\/)["'`]?[\w-]+["'`]?){1,9})\b/i;
const ONE_OF_RE =
  /\b(?:answer|respond|reply|output|return)(?: only)? with (?:only )?(?:one of|exactly one of|either)(?: the following)?(?: labels| options| words)?:? (?<labels>["'`]?[\w-]+["'`]?(?:(?:, | or |, or |\/)["'`]?[\w-]+["'`]?){1,9})\b/i;
const YES_NO_RE =
  /\b(?:answer|respond|reply|output|return)(?: only)?(?: with)? (?:"|')?yes(?:"|')? or (?:"|')?no(?:"|')?/i;
const NUMBER_RE = /\b(?:answer|respond|reply|output|return)(?: only)? with (?:only )?(?:the|a single|one) number\b/i;
const FIXED_FORMAT_RE = /\b(?:use|follow|in) the following format\b/i;
const EXTRACT_FIELDS_RE =
  /\bextract (?:all |every |each |the )?(?:of the )?(?<fields>[a-z][\w -]{1,30}?(?:(?:, | and |, and )(?:the )?[a-z][\w -]{1,30}?){0,7}) (?:from|in|of)\b/i;
const KEYS_RE =
  /\b(?:keys|fields|properties|attributes)(?::| named| called)? (?<fields>["'`]?\w+["'`]?(?:(?:, | and |, and )["'`]?\w+["'`]?){0,11})/i;

function splitList(list: string): string[] {
  return list
    .split(/, or |, and |, | or | and |\//)
    .map((s) => s.trim().replace(/^["'`]|["'`]$/g, ""))
    .filter((s) => s.length > 0);
}

/** The output form the author demands, read from the prompt's own words. */
export function outputContract(prompt: string): OutputContract {
  const { prose } = preparePrompt(prompt);
  const none: OutputContract = { kind: "none", labels: [], fields: [] };
  if (JSON_RE.test(prose)) {
    const keys = KEYS_RE.exec(prose)?.groups?.fields;
    const extracted = EXTRACT_FIELDS_RE.exec(prose)?.groups?.fields;
    const fields = splitList(keys ?? extracted ?? "");
    return { kind: "json", labels: [], fields: fields.filter((f) => f.split(" ").length <= 3).slice(0, 12) };
  }
  if (FIXED_FORMAT_RE.test(prose)) return { ...none, kind: "fixed-format" };
  if (YES_NO_RE.test(prose)) return { kind: "yes-no", labels: ["yes", "no"], fields: [] };
  if (NUMBER_RE.test(prose)) return { ...none, kind: "single-number" };
  const labels = (ONE_OF_RE.exec(prose) ?? LABELS_RE.exec(prose))?.groups?.labels;
  if (labels !== undefined) return { kind: "single-label", labels: splitList(labels), fields: [] };
  return none;
}

/** A template when the prompt has a `{var}` / `{{var}}` placeholder or ends on a completion cue. */
export function detectTemplate(prompt: string): TemplateInfo | null {
  const placeholders = templatePlaceholders(prompt);
  const cue = completionCue(prompt);
  // A template has placeholders, or ends on a completion cue for the model to continue.
  if (placeholders.length === 0 && cue === null) return null;
  return {
    placeholders,
    cue: cue?.cue ?? null,
    cueStart: cue?.start ?? -1,
    contract: outputContract(prompt),
  };
}
