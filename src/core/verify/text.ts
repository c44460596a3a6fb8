// Text measures the verifier counts with. Where IFEval defines a measure (words as `\w+` runs,
// bullets as lines starting with `*` or `-`, paragraphs split on `***`) it is reproduced here.

/**
 * Words: runs of letters, digits, marks and `_` — Python's Unicode `\w+`, which IFEval's
 * `count_words` tokenises with (plus combining marks, so Devanagari or Thai words are not cut at
 * every vowel sign). A run of CJK ideographs is one token, as in IFEval.
 */
const WORD_RE = /[\p{L}\p{N}\p{M}_]+/gu;
const WORD_CHAR_RE = /^[\p{L}\p{N}\p{M}_]$/u;
const ASCII_WORD_CHAR = new Uint8Array(128).map((_, c) => (/\w/.test(String.fromCharCode(c)) ? 1 : 0));
/** Non-ASCII code points seen so far → word character or not (a text uses few distinct ones). */
const wordCharCache = new Map<number, boolean>();

function isWordCodePoint(cp: number): boolean {
  let w = wordCharCache.get(cp);
  if (w === undefined) {
    w = WORD_CHAR_RE.test(String.fromCodePoint(cp));
    if (wordCharCache.size < 65_536) wordCharCache.set(cp, w);
  }
  return w;
}

/** One pass over the char codes: several times faster than a Unicode-class regex on long text. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let w: boolean;
    if (c < 128) w = ASCII_WORD_CHAR[c] === 1;
    else {
      const cp = text.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      w = isWordCodePoint(cp);
    }
    if (w && !inWord) n++;
    inWord = w;
  }
  return n;
}

export function words(text: string): string[] {
  return text.match(WORD_RE) ?? [];
}

export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** Abbreviations whose period does not end a sentence (IFEval's splitter knows the same sort). */
const ABBREVIATIONS = new Set(
  "mr mrs ms dr st jr sr prof inc ltd co corp vs etc e.g i.e eg ie no fig al approx dept est min max mt ft jan feb mar apr jun jul aug sep sept oct nov dec".split(
    " ",
  ),
);

const LETTER_RE = /^\p{L}$/u;

/** The letters-and-periods run ending at `end` (lower-case, leading periods dropped), scanned backwards. */
function wordBefore(text: string, end: number, floor: number): string {
  let i = end;
  while (i > floor) {
    const ch = text[i - 1];
    const c = ch.charCodeAt(0);
    const ok = c < 128 ? (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 : LETTER_RE.test(ch);
    if (!ok) break;
    i--;
  }
  return text.slice(i, end).toLowerCase().replace(/^\.+/, "");
}

/**
 * Sentences: cut after `.`, `!`, `?` (and the CJK full stops) that are followed by whitespace or the
 * end, except after a known abbreviation, a single letter ("U.S.", "J. Smith") or inside a number
 * ("3.5"); a blank line ends a sentence too. Empty pieces are not sentences.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const push = (end: number) => {
    if (hasAlnum(text, start, end)) out.push(text.slice(start, end).trim());
    start = end;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      // A blank line ends a sentence even without punctuation (headings, list items).
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13)) j++;
      if (j < n && text.charCodeAt(j) === 10) {
        push(i);
        i = j;
      }
      continue;
    }
    if (!isTerminator(c)) continue;
    const at = i;
    let cjk = c > 127;
    while (i + 1 < n && isTerminator(text.charCodeAt(i + 1))) cjk ||= text.charCodeAt(++i) > 127;
    const single = i === at && c === 46;
    while (i + 1 < n && isCloser(text.charCodeAt(i + 1))) i++;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (!cjk && next !== -1 && !isSpace(next)) continue;
    if (single) {
      const word = wordBefore(text, at, Math.max(start, at - 12));
      if (ABBREVIATIONS.has(word) || SINGLE_LETTER_RE.test(word) || INITIALS_RE.test(word)) continue;
    }
    push(i + 1);
  }
  push(n);
  return out;
}

const SINGLE_LETTER_RE = /^\p{L}$/u;
const INITIALS_RE = /^(?:\p{L}\.)+\p{L}$/u;
const ALNUM_RE = /[\p{L}\p{N}]/u;

/** . ! ? and the ideographic/full-width full stop, exclamation and question marks. */
function isTerminator(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 0x3002 || c === 0xff01 || c === 0xff1f;
}

/** Closing quotes and brackets that stay with the sentence they end. */
function isCloser(c: number): boolean {
  return c === 34 || c === 39 || c === 41 || c === 93 || c === 0x201d || c === 0x2019;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

/** Whether text[start, end) holds a letter or digit (ASCII checked without a regex). */
function hasAlnum(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
    } else if (ALNUM_RE.test(text[i]) || (c >= 0xd800 && c <= 0xdbff && ALNUM_RE.test(text.slice(i, i + 2))))
      return true;
  }
  return false;
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
