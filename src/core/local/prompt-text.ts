// A prompt prepared once for the analyzer: code regions blanked out (same length, so offsets stay
// valid) and sentence spans, so every rule scans prose only and reports spans into the original.
import type { Span } from "../pipeline/schemas.js";

export interface PromptText {
  raw: string;
  /** `raw` with fenced code blocks replaced by spaces (newlines kept). */
  prose: string;
  /** `prose` with inline `code` spans blanked too. */
  plain: string;
  /** `prose` lower-cased with offsets preserved (same length), for cheap `includes` prefilters. */
  lower: string;
  fences: Span[];
  inlineCode: Span[];
}

const FENCE_LINE_RE = /^ {0,3}(?:`{3,}|~{3,})[^\n]*$/gm;
const INLINE_CODE_RE = /`[^`\n]{1,300}`/g;
const NOT_NEWLINE_RE = /[^\n]/g;

function blank(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let cursor = 0;
  for (const span of spans) {
    parts.push(text.slice(cursor, span.start), text.slice(span.start, span.end).replace(NOT_NEWLINE_RE, " "));
    cursor = span.end;
  }
  parts.push(text.slice(cursor));
  return parts.join("");
}

function findFences(raw: string): Span[] {
  const spans: Span[] = [];
  let open = -1;
  FENCE_LINE_RE.lastIndex = 0;
  for (let m = FENCE_LINE_RE.exec(raw); m !== null; m = FENCE_LINE_RE.exec(raw)) {
    if (open < 0) open = m.index;
    else {
      spans.push({ start: open, end: m.index + m[0].length });
      open = -1;
    }
  }
  // An unclosed fence runs to the end, as Markdown renders it.
  if (open >= 0) spans.push({ start: open, end: raw.length });
  return spans;
}

function findInlineCode(prose: string): Span[] {
  const spans: Span[] = [];
  INLINE_CODE_RE.lastIndex = 0;
  for (let m = INLINE_CODE_RE.exec(prose); m !== null; m = INLINE_CODE_RE.exec(prose)) {
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

export function preparePrompt(raw: string): PromptText {
  const fences = findFences(raw);
  const prose = blank(raw, fences);
  const inlineCode = findInlineCode(prose);
  const folded = prose.toLowerCase();
  // Lower-casing can change the length ("İ" → "i̇"); then fold ASCII only so offsets stay valid.
  const lower = folded.length === prose.length ? folded : prose.replace(/[A-Z]+/g, (c) => c.toLowerCase());
  return { raw, prose, plain: blank(prose, inlineCode), lower, fences, inlineCode };
}

/** Sentence spans over `text` (split at . ! ? followed by whitespace, and at line breaks), trimmed. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (e > s) spans.push({ start: s, end: e });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      push(i);
      start = i + 1;
    } else if ((c === 46 || c === 33 || c === 63) && (i + 1 === text.length || isSpace(text.charCodeAt(i + 1)))) {
      push(i + 1);
      start = i + 1;
    }
  }
  push(text.length);
  return spans;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 160;
}

/** Letters, digits and any non-ASCII character that is not a space or common punctuation. */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return c !== 160 && c !== 0x2019 && c !== 0x201c && c !== 0x201d && c !== 0x2014 && c !== 0x2013 && c !== 0x2026;
}

/** Word count by a single character scan (a run of word characters, joined by ' ’ or -, is one word). */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isWordChar(c)) {
      if (!inWord) n++;
      inWord = true;
    } else if (
      !(inWord && (c === 39 || c === 45 || c === 0x2019) && i + 1 < text.length && isWordChar(text.charCodeAt(i + 1)))
    ) {
      inWord = false;
    }
  }
  return n;
}

/** Quote a prompt excerpt for a diagnostic message: single line, at most `max` characters. */
export function quote(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

/** Index of the sentence containing `offset`, by binary search. */
export function sentenceAt(sentences: Span[], offset: number): Span | undefined {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid];
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}
