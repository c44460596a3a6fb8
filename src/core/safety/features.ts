/**
 * Features of the trained injection classifier, shared by inference (./model.ts) and training
 * (scripts/train-injection.ts), so both see exactly the same numbers.
 *
 * Three hashed groups over the *normalised* tokens of ./normalize.ts (NFKD folding, homoglyphs, invisible characters
 * removed, leetspeak folded, letter-spaced words re-joined, glued pairs split):
 *   - word unigrams (the leet-folded form),
 *   - word bigrams within a sentence,
 *   - character 3–5-grams of each word with boundary marks (`<ignore>` → `<ig`, `ign`, …, `re>`), which carry
 *     inflections and other languages (German "ignoriere", Spanish "ignora", CJK runs).
 * The text is scored in windows of whole sentences (see {@link windowsOf}) and the best window counts (an
 * injection is usually one passage inside benign text). Inside a window each group's value for a bucket is
 * `count / sqrt(occurrences of the group in the window)`, so a window's vector has a bounded norm.
 * Plus a few dense features: the pattern detector's per-code evidence, its combined score, the text length, the
 * share of de-obfuscated tokens and the words decoded from encoded runs. Hashing is FNV-1a (32-bit, `Math.imul`), identical on every platform.
 */
import type { Normalized, Token } from "./normalize.js";

/** Number of hashed buckets (shared by the three groups, which are salted apart). */
export const HASH_BITS = 18;
export const HASH_DIMS = 1 << HASH_BITS;
const MASK = HASH_DIMS - 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SALT_WORD = 0x9e3779b1;
const SALT_BIGRAM = 0x85ebca77;
const SALT_CHAR = 0xc2b2ae3d;

/** Longest word whose character n-grams are taken in full (longer runs: their first 64 code units). */
const MAX_CHAR_WORD = 64;

export const GROUPS = ["word", "bigram", "char"] as const;
export type GroupName = (typeof GROUPS)[number];

/** Dense feature names, in weight-file order. */
export const PATTERN_CODES = [
  "override-instructions",
  "prompt-leak",
  "role-hijack",
  "safety-bypass",
  "exfiltration",
  "destructive-action",
  "hidden-marker",
  "code-payload",
  "code-insertion",
  "output-manipulation",
  "deceptive-content",
  "output-obfuscation",
  "obfuscation",
] as const;
export const DENSE_FEATURES = [
  ...PATTERN_CODES.map((c) => `pattern:${c}`),
  "pattern:score",
  "pattern:flagged",
  "length:log",
  "tokens:obfuscated",
  "encoded:decoded",
] as const;

export function fnv(s: string, salt: number): number {
  let h = (FNV_OFFSET ^ salt) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function mix(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ salt, 0x2c1b3c6d) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x297a2d39);
  return (h ^ (h >>> 13)) >>> 0;
}

export function wordBucket(w: string): number {
  return fnv(w, SALT_WORD) & MASK;
}

export function bigramBucket(h1: number, h2: number): number {
  return mix(h1, h2, SALT_BIGRAM) & MASK;
}

/** Character 3–5-gram buckets of `<w>` (pushes onto `out`). */
export function charBuckets(w: string, out: number[]): void {
  const n = Math.min(w.length, MAX_CHAR_WORD) + 2;
  const code = (i: number) => (i === 0 ? 0x3c : i === n - 1 ? 0x3e : w.charCodeAt(i - 1));
  for (let i = 0; i + 3 <= n; i++) {
    let h = (FNV_OFFSET ^ SALT_CHAR) >>> 0;
    for (let k = 0; k < 5 && i + k < n; k++) {
      h = Math.imul(h ^ code(i + k), FNV_PRIME);
      if (k >= 2) out.push((h >>> 0) & MASK);
    }
  }
}

/** The word form the model sees. */
export function tokenForm(t: Token): string {
  return t.leet;
}

/** Longest scoring window in tokens, the step between the overlapping windows of a longer passage, and the size a
 * window of whole sentences grows to before it is closed. */
export const WINDOW = 24;
export const STRIDE = 12;
export const MIN_WINDOW = 6;

/**
 * Scoring windows `[start, end)` over the tokens: consecutive whole sentences (a line break also ends a sentence)
 * gathered until at least {@link MIN_WINDOW} tokens, so an instruction on its own line or in its own sentence is
 * scored on its own; passages longer than {@link WINDOW} tokens are cut into windows overlapping by half.
 */
export function windowsOf(tokens: readonly Token[]): Array<[number, number]> {
  const n = tokens.length;
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n) {
      const sent = tokens[j].sent;
      while (j < n && tokens[j].sent === sent) j++;
      if (j - i >= MIN_WINDOW) break;
    }
    if (j - i <= WINDOW) out.push([i, j]);
    else {
      for (let s = i; ; s += STRIDE) {
        if (s + WINDOW >= j) {
          out.push([j - WINDOW, j]);
          break;
        }
        out.push([s, s + WINDOW]);
      }
    }
    i = j;
  }
  return out;
}

/**
 * Hashed features of one text, per token: its word bucket, the bigram bucket ending at it (−1 at a sentence
 * start) and its character-gram buckets (`chars[charStart[i] .. charStart[i + 1])`). Training builds this; inference
 * computes the same sums without materialising it.
 */
export interface TokenFeatures {
  word: Int32Array;
  bigram: Int32Array;
  charStart: Int32Array;
  chars: Int32Array;
}

export function tokenFeatures(tokens: readonly Token[]): TokenFeatures {
  const n = tokens.length;
  const word = new Int32Array(n);
  const bigram = new Int32Array(n);
  const charStart = new Int32Array(n + 1);
  const memo = new Map<string, number[]>();
  const chars: number[] = [];
  let prevHash = 0;
  let prevSent = -1;
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    const f = tokenForm(t);
    const h = wordHash(f);
    word[i] = h & MASK;
    bigram[i] = t.sent === prevSent ? bigramBucket(prevHash, h) : -1;
    prevHash = h;
    prevSent = t.sent;
    let cb = memo.get(f);
    if (!cb) {
      cb = [];
      charBuckets(f, cb);
      memo.set(f, cb);
    }
    charStart[i] = chars.length;
    for (const b of cb) chars.push(b);
  }
  charStart[n] = chars.length;
  return { word, bigram, charStart, chars: Int32Array.from(chars) };
}

/** Per-occurrence scales of one window [s, e): 1 / sqrt(occurrences of the group inside the window). */
export function windowScales(tf: TokenFeatures, s: number, e: number): { word: number; bigram: number; char: number } {
  let bigrams = 0;
  for (let i = s + 1; i < e; i++) if (tf.bigram[i] >= 0) bigrams++;
  const chars = tf.charStart[e] - tf.charStart[s];
  const words = e - s;
  return {
    word: words > 0 ? 1 / Math.sqrt(words) : 0,
    bigram: bigrams > 0 ? 1 / Math.sqrt(bigrams) : 0,
    char: chars > 0 ? 1 / Math.sqrt(chars) : 0,
  };
}

const wordHashCache = new Map<string, number>();

/** Unmasked word hash (the bigram mix uses all 32 bits). */
export function wordHash(w: string): number {
  let h = wordHashCache.get(w);
  if (h === undefined) {
    h = fnv(w, SALT_WORD);
    if (wordHashCache.size < 50_000) wordHashCache.set(w, h);
  }
  return h;
}

/** Dense features from the pattern pass (per-code capped evidence, combined score) and the text itself. */
export function denseFeatures(
  perCode: ReadonlyMap<string, number>,
  patternScore: number,
  patternFlagged: boolean,
  textLength: number,
  norm: Normalized,
  decodedTokens = 0,
): Float64Array {
  const out = new Float64Array(DENSE_FEATURES.length);
  let k = 0;
  for (const c of PATTERN_CODES) out[k++] = perCode.get(c) ?? 0;
  out[k++] = patternScore;
  out[k++] = patternFlagged ? 1 : 0;
  out[k++] = Math.log1p(textLength) / 10;
  let obf = 0;
  for (const t of norm.tokens) if (t.obf) obf++;
  out[k++] = norm.tokens.length > 0 ? Math.min(1, (4 * obf) / norm.tokens.length) : 0;
  // Words that came out of decoding a base64/hex/base32/percent/ascii85 run: an encoded sentence.
  out[k++] = Math.min(1, Math.log1p(decodedTokens) / Math.log(64));
  return out;
}
