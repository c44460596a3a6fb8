// Text measures the verifier counts with. Where IFEval defines a measure (words as `\w+` runs,
// bullets as lines starting with `*` or `-`, paragraphs split on `***`) it is reproduced here.

/**
 * Words: runs of letters, digits, marks and `_` — Python's Unicode `\w+`, which IFEval's
 * `count_words` tokenises with (plus combining marks, so Devanagari or Thai words are not cut at
 * every vowel sign). A run of CJK ideographs is one token, as in IFEval.
 */
const WORD_RE = /[\p{L}\p{N}\p{M}_]+/gu;

export function countWords(text: string): number {
  let n = 0;
  WORD_RE.lastIndex = 0;
  while (WORD_RE.exec(text) !== null) n++;
  return n;
}

export function words(text: string): string[] {
  return text.match(WORD_RE) ?? [];
}

/** Abbreviations whose period does not end a sentence (IFEval's splitter knows the same sort). */
const ABBREVIATIONS = new Set(
  "mr mrs ms dr st jr sr prof inc ltd co corp vs etc e.g i.e eg ie no fig al approx dept est min max mt ft jan feb mar apr jun jul aug sep sept oct nov dec".split(
    " ",
  ),
);
const TERMINATOR_RE = /[.!?。！？]+["'”’)\]]*/gu;

/**
 * Sentences: cut after `.`, `!`, `?` (and the CJK full stops) that are followed by whitespace or the
 * end, except after a known abbreviation, a single letter ("U.S.", "J. Smith") or inside a number
 * ("3.5"); a blank line ends a sentence too. Empty pieces are not sentences.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const push = (end: number) => {
    const s = text.slice(start, end).trim();
    if (/[\p{L}\p{N}]/u.test(s)) out.push(s);
    start = end;
  };
  TERMINATOR_RE.lastIndex = 0;
  for (let m = TERMINATOR_RE.exec(text); m !== null; m = TERMINATOR_RE.exec(text)) {
    const end = m.index + m[0].length;
    const next = text[end];
    const cjk = /[。！？]/u.test(m[0]);
    if (!cjk && next !== undefined && !/\s/.test(next)) continue;
    if (m[0] === ".") {
      const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(start, m.index - 12), m.index))?.[1] ?? "";
      const word = before.toLowerCase().replace(/^\.+/, "");
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word)) continue;
    }
    push(end);
  }
  push(text.length);
  // A blank line ends a sentence even without punctuation (headings, list items).
  return out.flatMap((s) => s.split(/\n\s*\n/).map((p) => p.trim())).filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/**
 * IFEval's `number_paragraphs`: split on a `***` divider (with one optional space around it); empty
 * pieces are allowed only at the very start or end. Returns undefined when an empty paragraph sits
 * between two dividers (IFEval fails the instruction outright then).
 */
export function dividerParagraphs(text: string): string[] | undefined {
  const parts = text.split(/\s?\*\*\*\s?/);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].trim() === "") {
      if (i === 0 || i === parts.length - 1) continue;
      return undefined;
    }
    out.push(parts[i]);
  }
  return out;
}

/** IFEval's bullets: lines starting with `* ` (not `**`) or `-`. */
export function bulletLines(text: string): string[] {
  return [...(text.match(/^\s*\*[^*].*$/gm) ?? []), ...(text.match(/^\s*-.*$/gm) ?? [])];
}

/** Numbered list items: `1.` or `1)` at the start of a line. */
export function numberedLines(text: string): string[] {
  return text.match(/^[ \t]*\d{1,4}[.)][ \t]+\S.*$/gm) ?? [];
}

/** Python's `str.isupper()`: at least one cased character and no lower-case one. */
export function isUpper(text: string): boolean {
  return text === text.toUpperCase() && text !== text.toLowerCase();
}

/** Python's `str.islower()`. */
export function isLower(text: string): boolean {
  return text === text.toLowerCase() && text !== text.toUpperCase();
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Non-overlapping, case-insensitive occurrences of `needle` (IFEval's `re.findall(keyword, …, I)`). */
export function countOccurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  return (haystack.match(new RegExp(escapeRegExp(needle), "giu")) ?? []).length;
}

/** `needle` as a whole word (Unicode-aware `\b…\b`), case-insensitive. */
export function containsWord(haystack: string, needle: string): boolean {
  if (needle.trim() === "") return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(needle)}(?![\\p{L}\\p{N}_])`, "iu").test(haystack);
}

/** Quote a piece of output for a verdict's detail, cut to a readable length. */
export function quote(s: string, max = 60): string {
  const one = s.replace(/\s+/g, " ").trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max - 1)}…` : one);
}
