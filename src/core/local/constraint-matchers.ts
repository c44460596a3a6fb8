// Match builders for the constraint rule table: relation look-behind ("at least 3"), modal
// look-behind ("must end with"), keyword lists cut where they end, and the language scan.
import type { ConstraintKind } from "../pipeline/schemas.js";
import { countParams, parseNameList, REL } from "./constraint-params.js";

export type ParamValue = string | number | boolean | string[];
export interface RuleMatch {
  params: Record<string, ParamValue>;
  /** Absolute start offset when the rule extends its match backwards (e.g. over "at least"). */
  start?: number;
  /** Absolute end offset when the rule trims its match (e.g. at the end of a keyword list). */
  end?: number;
}
interface RuleBase {
  kind: ConstraintKind;
  /** Lower-case substrings of which at least one must occur for the rule to run (a cheap prefilter). */
  cues: string[];
  /** A second prefilter group: one of these must occur too. */
  requires?: string[];
}
export interface RegexRule extends RuleBase {
  re: RegExp;
  build: (m: RegExpExecArray, text: string) => RuleMatch | null;
}
export interface ScanRule extends RuleBase {
  /** Hand-written scan for rules whose anchor is better found with indexOf than with a regex. */
  scan: (text: string, lower: string) => Array<RuleMatch & { start: number; end: number }>;
}
export type ConstraintRule = RegexRule | ScanRule;

export const rx = (source: string) => new RegExp(source, "gi");
export const unquote = (s: string) => s.slice(1, -1);
export const g = (m: RegExpExecArray, name: string) => m.groups?.[name];

const REL_BEFORE_RE = new RegExp(`${REL} $`, "i");
const WORD_CHAR_RE = /\w/;

/** A relation phrase ("at least ") just before `index`; matched backwards so rules stay anchored on the number. */
function relBefore(text: string, index: number): { rel: string; start: number } | undefined {
  const from = Math.max(0, index - 24);
  const m = REL_BEFORE_RE.exec(text.slice(from, index));
  if (m === null) return undefined;
  const start = from + m.index;
  if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) return undefined;
  return { rel: m.groups?.rel ?? "", start };
}

/** Count params; a relation inside the match wins, else one just before it extends the span. */
export function counted(m: RegExpExecArray, text?: string, extra: Record<string, ParamValue> = {}): RuleMatch | null {
  let rel = g(m, "rel");
  let start: number | undefined;
  if (rel === undefined && text !== undefined) {
    const before = relBefore(text, m.index);
    if (before) {
      rel = before.rel;
      start = before.start;
    }
  }
  const p = countParams(rel, g(m, "num"));
  if (!p) return null;
  return start === undefined ? { params: { ...p, ...extra } } : { params: { ...p, ...extra }, start };
}

const MODAL_BEFORE_RE = /(?:must|should|has to|needs to|always|please) $/i;

/** Extend a start/end-phrase match back over "must " / "should " so the whole clause is kept. */
export function withModal(m: RegExpExecArray, text: string, params: Record<string, ParamValue>): RuleMatch {
  const from = Math.max(0, m.index - 10);
  const modal = MODAL_BEFORE_RE.exec(text.slice(from, m.index));
  return modal === null ? { params } : { params, start: from + modal.index };
}

/** A keyword list captured in group `list`, trimmed to where the list ends. */
export function listed(m: RegExpExecArray, key: string, extra: Record<string, ParamValue> = {}): RuleMatch | null {
  const list = g(m, "list");
  if (list === undefined) return null;
  const parsed = parseNameList(list);
  if (parsed.names.length === 0) return null;
  const listStart = m.index + m[0].length - list.length;
  return { params: { [key]: parsed.names, ...extra }, end: listStart + parsed.end };
}

const LANGUAGES =
  "English|Spanish|French|German|Italian|Portuguese|Dutch|Russian|Chinese|Mandarin|Cantonese|Japanese|Korean|Arabic|Hindi|Bengali|Urdu|Turkish|Persian|Farsi|Polish|Ukrainian|Swedish|Norwegian|Danish|Finnish|Greek|Hebrew|Thai|Vietnamese|Indonesian|Malay|Swahili|Czech|Romanian|Hungarian|Tamil|Telugu|Marathi|Gujarati|Punjabi|Kannada|Malayalam|Nepali|Tagalog|Filipino|Catalan|Latin|Bulgarian|Serbian|Croatian|Slovak|Slovenian|Lithuanian|Latvian|Estonian|Icelandic|Irish|Welsh|Amharic|Yoruba|Zulu|Afrikaans|Esperanto";
const LANGUAGE_SET = new Set(LANGUAGES.toLowerCase().split("|"));
/** Every language trigger ends in "in" or "to": anchor on those, then check the word after. */
const LANGUAGE_ANCHOR_RE = /\b(?:in|to|into) ([a-z]{4,12})\b/g;
const CASE_PREFIX_RE = /(?:in|using|use|write|written|respond|entirely|only|all) (?:in )?(?:all )?$/i;

/** "all lowercase", "in all capital letters", "lowercase only", "no capital letters" — not a bare "uppercase". */
export function caseRule(m: RegExpExecArray, text: string): RuleMatch | null {
  if (/^no /i.test(m[0]) || g(m, "only") !== undefined) return { params: {} };
  const from = Math.max(0, m.index - 24);
  const prefix = CASE_PREFIX_RE.exec(text.slice(from, m.index));
  if (prefix === null) return null;
  const start = from + prefix.index;
  if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) return null;
  return { params: {}, start };
}
const OUTPUT_VERB_RE =
  /\b(?:give|list|write|generate|suggest|provide|create|come up with|brainstorm|name|include|add|use|produce|return|output|share|propose|recommend|make|draft|offer|prepare|design|compose|with|contain|containing|pick|choose|select|identify|outline)\b/i;
const CLAUSE_BREAK_RE = /[.!?;:\n]/;

/** Item counts count only when asked for ("give me 10 names"), not when describing input ("3 products"). */
export function requestedItems(m: RegExpExecArray, text: string): RuleMatch | null {
  if (relBefore(text, m.index) === undefined) {
    const from = Math.max(0, m.index - 60);
    let before = text.slice(from, m.index);
    for (let i = before.length - 1; i >= 0; i--) {
      if (CLAUSE_BREAK_RE.test(before[i])) {
        before = before.slice(i + 1);
        break;
      }
    }
    if (before.trim() !== "" && !OUTPUT_VERB_RE.test(before)) return null;
  }
  return counted(m, text, { item: (g(m, "item") ?? "").toLowerCase() });
}

export const VAGUE_OBJECTS = new Set([
  "anything",
  "everything",
  "something",
  "it",
  "that",
  "this",
  "them",
  "yourself",
  "sorry",
]);

/** "the word X", "keywords X", `words "X"`: a named list, not "use simple words" or "words like". */
export function namedList(m: RegExpExecArray): boolean {
  const list = g(m, "list") ?? "";
  if (/^["“'`]/.test(list)) return true;
  const head = m[0].slice(0, m[0].length - list.length);
  return /\b(?:key ?words?|keyphrases?|the|these|those|following)\b/i.test(head);
}

const LANGUAGE_TRIGGER_RE =
  /(?:(?:respond|reply|answer|write|written|speak|communicate)(?: only)?(?: it)? in|(?:response|answer|output|reply|text)(?: \w+)? (?:should|must|has to|will) be (?:written )?(?:entirely |only |all )?in|translated? (?:(?:it|this|that|them|the \w+) )?(?:in)?to|in) $/i;
const LANGUAGE_TAIL_RE = /^(?: only| language)?/i;
const CLAUSE_END_RE = /^(?:[.!?;,\n]|$)/;

/** "Respond in Spanish", "response should be in Hindi language", "translate it to French", "in German only". */
export function scanLanguages(text: string, lower: string): Array<RuleMatch & { start: number; end: number }> {
  const found: Array<RuleMatch & { start: number; end: number }> = [];
  LANGUAGE_ANCHOR_RE.lastIndex = 0;
  for (let a = LANGUAGE_ANCHOR_RE.exec(lower); a !== null && found.length < 20; a = LANGUAGE_ANCHOR_RE.exec(lower)) {
    const name = a[1];
    if (!LANGUAGE_SET.has(name)) continue;
    const i = a.index + a[0].length - name.length;
    const after = i + name.length;
    const from = Math.max(0, i - 60);
    const trigger = LANGUAGE_TRIGGER_RE.exec(text.slice(from, i));
    if (trigger === null) continue;
    const start = from + trigger.index;
    if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) continue;
    const tail = LANGUAGE_TAIL_RE.exec(text.slice(after, after + 10))?.[0] ?? "";
    // A bare "in French" counts only when it ends the clause ("… in French.") or says "only"/"language".
    if (/^in $/i.test(trigger[0]) && tail === "" && !CLAUSE_END_RE.test(text.slice(after, after + 1))) continue;
    const language = name[0].toUpperCase() + name.slice(1);
    found.push({ params: { language }, start, end: after + tail.length });
  }
  return found;
}
