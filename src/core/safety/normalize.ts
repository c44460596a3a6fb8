/**
 * Normalisation and tokenisation for injection detection.
 *
 * The text is folded character by character (NFKD compatibility decomposition, combining marks dropped, lowercased,
 * Cyrillic/Greek homoglyphs mapped to Latin, invisible characters removed) while keeping, for every folded character,
 * the offset of the original character it came from. Words are then built from the folded stream; each word keeps an
 * original `[s, e)` span, a leetspeak-folded form, and sentence/line information. Letter-spaced words
 * ("i g n o r e", "i.g.n.o.r.e") are re-joined and glued word pairs ("allprevious") can be split against a
 * vocabulary. Everything is a single linear pass (no regular expressions over the input), so hostile inputs cannot
 * trigger super-linear behaviour.
 */

import { isStrippedChar } from "./sanitize.js";

export interface Token {
  /** Folded (NFKD, lowercase, homoglyph-mapped) word. */
  w: string;
  /** Leetspeak-folded variant of `w` (equal to `w` when nothing was folded). */
  leet: string;
  /** Original span (UTF-16 offsets into the input text). */
  s: number;
  e: number;
  /** Sentence index: increments at . ! ? ; followed by space/end, and at line breaks. */
  sent: number;
  /** First token on its line. */
  lineStart: boolean;
  /** First non-space folded character after the token ("" at end of text). */
  next: string;
  /** The original word was written in capitals (length ≥ 2). */
  upper: boolean;
  /** The token was produced by de-obfuscation (spaced letters, leetspeak, homoglyphs, glued words). */
  obf: boolean;
}

export interface Normalized {
  /** Folded character stream. */
  chars: string;
  /** For each folded character, the original span it came from. */
  origStart: Int32Array;
  origEnd: Int32Array;
  tokens: Token[];
}

/** Tokens longer than this are kept but never de-obfuscated (bounds per-token work). */
const MAX_WORD = 40;
/** Longest word re-joined from letter-spaced single characters. */
const MAX_JOINED = 64;

const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ї: "i",
  ј: "j",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ɡ: "g",
  ɑ: "a",
  ı: "i",
  ȷ: "j",
  // Greek
  α: "a",
  β: "b",
  γ: "y",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  ς: "s",
};

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b" };

const foldCache = new Map<number, string>();

function isExtraInvisible(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x180e ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

const MARKS = /\p{M}/gu;

/** Folds one code point to zero or more characters. */
function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    if (cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 32);
    if (isStrippedChar(cp)) return "";
    return String.fromCharCode(cp);
  }
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  let out: string;
  if (isStrippedChar(cp) || isExtraInvisible(cp)) out = "";
  else if (!mayFoldToAscii(cp)) return String.fromCodePoint(cp);
  else {
    const decomposed = String.fromCodePoint(cp).normalize("NFKD").replace(MARKS, "").toLowerCase();
    out = "";
    for (const ch of decomposed) out += HOMOGLYPHS[ch] ?? ch;
    if (out.length === 0) out = "";
  }
  if (foldCache.size < 10_000) foldCache.set(cp, out);
  return out;
}

/**
 * Word characters: a–z, 0–9, and non-ASCII code units in letter-bearing blocks (Latin, Greek, Cyrillic, …, CJK,
 * Hangul, fullwidth forms). General punctuation, symbols, CJK punctuation and surrogates are separators. This is a
 * block-level approximation (no regular expression or table lookup per character).
 */
function isWordUnit(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c < 0x2000) return true;
  if (c < 0x2c00) return false;
  if (c < 0x2e00) return true;
  if (c < 0x3040) return false;
  if (c < 0xd800) return true;
  if (c < 0xf900) return false;
  if (c < 0xfe00) return true;
  if (c < 0xfe70) return false;
  if (c < 0xff00) return true;
  return (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xffdc);
}

/** Blocks whose characters can fold (NFKD / homoglyph table) onto ASCII letters, digits or spaces. */
function mayFoldToAscii(cp: number): boolean {
  return (
    cp <= 0x058f ||
    (cp >= 0x1d00 && cp <= 0x1eff) ||
    (cp >= 0x2000 && cp <= 0x24ff) ||
    (cp >= 0x2c60 && cp <= 0x2c7f) ||
    (cp >= 0x3000 && cp <= 0x303f) ||
    (cp >= 0xa720 && cp <= 0xa7ff) ||
    (cp >= 0xab30 && cp <= 0xab6f) ||
    (cp >= 0xfb00 && cp <= 0xfb4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x1d400 && cp <= 0x1d7ff) ||
    (cp >= 0x1f100 && cp <= 0x1f1ff)
  );
}

function leetFold(w: string): string {
  if (w.length > MAX_WORD) return w;
  let hasLetter = false;
  let hasLeet = false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) hasLetter = true;
    else if (LEET[w[i]] !== undefined) hasLeet = true;
  }
  if (!hasLetter || !hasLeet) return w;
  let out = "";
  for (let i = 0; i < w.length; i++) out += LEET[w[i]] ?? w[i];
  return out;
}

function isSpaceUnit(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000;
}

/** Folded character stream with its mapping back to original offsets. */
class FoldBuffer {
  codes: Uint16Array;
  os: Int32Array;
  oe: Int32Array;
  up: Uint8Array;
  m = 0;
  constructor(cap: number) {
    this.codes = new Uint16Array(cap);
    this.os = new Int32Array(cap);
    this.oe = new Int32Array(cap);
    this.up = new Uint8Array(cap);
  }
  ensure(extra: number): void {
    if (this.m + extra <= this.codes.length) return;
    const cap = Math.max(this.codes.length * 2, this.m + extra + 16);
    const codes = new Uint16Array(cap);
    codes.set(this.codes);
    const os = new Int32Array(cap);
    os.set(this.os);
    const oe = new Int32Array(cap);
    oe.set(this.oe);
    const up = new Uint8Array(cap);
    up.set(this.up);
    this.codes = codes;
    this.os = os;
    this.oe = oe;
    this.up = up;
  }
}

function fold(text: string): FoldBuffer {
  const n = text.length;
  const b = new FoldBuffer(n + 16);
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) {
        b.codes[b.m] = c + 32;
        b.up[b.m] = 1;
      } else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) {
        i++;
        continue;
      } else {
        b.codes[b.m] = c;
        b.up[b.m] = 0;
      }
      b.os[b.m] = i;
      b.oe[b.m] = i + 1;
      b.m++;
      if (b.m >= b.codes.length) b.ensure(1);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (!mayFoldToAscii(cp)) {
      // Fast path: characters that cannot become ASCII are copied unchanged (invisible ones dropped).
      if (isExtraInvisible(cp) || isStrippedChar(cp)) {
        i += width;
        continue;
      }
      b.ensure(2);
      for (let k = 0; k < width; k++) {
        b.codes[b.m] = text.charCodeAt(i + k);
        b.os[b.m] = i;
        b.oe[b.m] = i + width;
        b.up[b.m] = 0;
        b.m++;
      }
      i += width;
      continue;
    }
    const f = foldCodePoint(cp);
    const len = Math.min(f.length, 8);
    b.ensure(len + 1);
    for (let k = 0; k < len; k++) {
      b.codes[b.m] = f.charCodeAt(k);
      b.os[b.m] = i;
      b.oe[b.m] = i + width;
      b.up[b.m] = 0;
      b.m++;
    }
    i += width;
  }
  return b;
}

function codesToString(codes: Uint16Array, m: number): string {
  // Array#join yields a flat string (a `+=` rope would make every later index access walk the rope).
  const chunks: string[] = [];
  for (let k = 0; k < m; k += 8192)
    chunks.push(String.fromCharCode.apply(null, codes.subarray(k, Math.min(m, k + 8192)) as never));
  return chunks.join("");
}

const ASCII_CHARS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

function charOf(c: number): string {
  return c < 128 ? ASCII_CHARS[c] : String.fromCharCode(c);
}

/**
 * Folds and tokenises `text`. `splitVocab` is the set of words that glued pairs may be split into.
 */
export function normalizeText(text: string, splitVocab?: ReadonlySet<string>): Normalized {
  // 1. Fold characters, remembering the original span of each folded character.
  const b = fold(text);
  const { codes, os, oe, up } = b;
  const m = b.m;
  const chars = codesToString(codes, m);

  // 2. One pass: word runs → tokens, with sentence/line bookkeeping.
  const tokens: Token[] = [];
  const ns = new Int32Array(m + 1);
  const ne = new Int32Array(m + 1);
  let sent = 0;
  let lineStart = true;
  let singles = 0;
  for (let i = 0; i < m; ) {
    const c0 = codes[i];
    if (!isWordUnit(c0)) {
      if (c0 === 0x0a) {
        if (tokens.length > 0) sent++;
        lineStart = true;
      } else if (
        (c0 === 0x2e || c0 === 0x21 || c0 === 0x3f || c0 === 0x3b) &&
        (i + 1 >= m || isSpaceUnit(codes[i + 1]))
      ) {
        if (tokens.length > 0) sent++;
      }
      i++;
      continue;
    }
    let j = i;
    let allUpper = true;
    let nonAscii = false;
    while (j < m && isWordUnit(codes[j])) {
      const c = codes[j];
      if (c >= 0x61 && c <= 0x7a && up[j] === 0) allUpper = false;
      if (c < 0x80 && text.charCodeAt(os[j]) >= 0x80) nonAscii = true;
      j++;
    }
    const w = j - i === 1 ? charOf(codes[i]) : chars.slice(i, j);
    if (j - i === 1) singles++;
    let q = j;
    while (q < m && isSpaceUnit(codes[q]) && codes[q] !== 0x0a) q++;
    const leet = leetFold(w);
    tokens.push({
      w,
      leet,
      s: os[i],
      e: oe[j - 1],
      sent,
      lineStart,
      next: q < m ? charOf(codes[q]) : "",
      upper: allUpper && j - i >= 2,
      obf: nonAscii || leet !== w,
    });
    ns[tokens.length - 1] = i;
    ne[tokens.length - 1] = j;
    lineStart = false;
    i = j;
  }

  // 3. Re-join letter-spaced words: runs of >= 3 single characters separated by short same-line gaps.
  let joined = tokens;
  if (singles >= 3) {
    // The gap after each token, computed once (the run loops below read it several times per token).
    const gaps = new Int8Array(tokens.length).fill(-1);
    for (let t = 0; t + 1 < tokens.length; t++) {
      const gap = ns[t + 1] - ne[t];
      if (gap < 1 || gap > 3 || ne[t] - ns[t] !== 1 || ne[t + 1] - ns[t + 1] !== 1) continue;
      if (tokens[t].sent !== tokens[t + 1].sent && codesHasNewline(codes, ne[t], ns[t + 1])) continue;
      gaps[t] = gap;
    }
    const gapAt = (t: number): number => gaps[t];
    let hasRun = false;
    for (let t = 0; t + 2 < tokens.length && !hasRun; t++) hasRun = gapAt(t) > 0 && gapAt(t + 1) > 0;
    if (hasRun) joined = [];
    for (let i = 0; hasRun && i < tokens.length; ) {
      let j = i;
      while (j + 1 < tokens.length && gapAt(j) > 0) j++;
      if (j - i + 1 < 3) {
        joined.push(tokens[i]);
        i++;
        continue;
      }
      let minGap = 4;
      for (let k = i; k < j; k++) minGap = Math.min(minGap, gapAt(k));
      let start = i;
      for (let k = i; k <= j; k++) {
        // A re-joined word ends at a wider gap, or after MAX_JOINED letters (real letter-spaced words are short; a
        // 100 KB run of single letters must not become one 100 KB word).
        if (k !== j && gapAt(k) <= minGap && k - start + 1 < MAX_JOINED) continue;
        const parts: string[] = [];
        for (let q = start; q <= k; q++) parts.push(tokens[q].leet);
        const w = parts.join("");
        joined.push({
          ...tokens[start],
          w,
          leet: w,
          e: tokens[k].e,
          next: tokens[k].next,
          upper: false,
          obf: k > start,
        });
        start = k + 1;
      }
      i = j + 1;
    }
  }

  // 4. Glued-pair splitting ("allprevious" → "all" "previous").
  let out = joined;
  if (splitVocab) {
    const splitMemo = new Map<string, [string, string] | null>();
    let copied = false;
    for (let idx = 0; idx < joined.length; idx++) {
      const t = joined[idx];
      let split: [string, string] | null = null;
      if (t.w.length >= 6 && t.w.length <= 30) {
        const memo = splitMemo.get(t.leet);
        if (memo !== undefined) split = memo;
        else {
          split = splitGlued(t.leet, splitVocab);
          if (splitMemo.size < 5000) splitMemo.set(t.leet, split);
        }
      }
      if (split) {
        if (!copied) {
          out = joined.slice(0, idx);
          copied = true;
        }
        out.push({ ...t, w: split[0], leet: split[0], next: "", obf: true });
        out.push({ ...t, w: split[1], leet: split[1], lineStart: false });
      } else if (copied) out.push(t);
    }
  }
  return {
    chars,
    origStart: os.subarray(0, m),
    origEnd: oe.subarray(0, m),
    tokens: out,
  };
}

function codesHasNewline(codes: Uint16Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (codes[k] === 0x0a) return true;
  return false;
}

function splitGlued(w: string, vocab: ReadonlySet<string>): [string, string] | null {
  if (vocab.has(w)) return null;
  for (let i = 3; i <= w.length - 3; i++) {
    const a = w.slice(0, i);
    if (!vocab.has(a)) continue;
    const b = w.slice(i);
    if (vocab.has(b)) return [a, b];
  }
  return null;
}

/** ROT13 of an a–z word (other characters unchanged). */
export function rot13(w: string): string {
  let out = "";
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(((c - 0x61 + 13) % 26) + 0x61) : w[i];
  }
  return out;
}
