// Intent preservation (PRODUCT.md 3.2): the spans of an original prompt that every rewrite must keep
// verbatim — constraints, placeholders, code, URLs and quotations — and the check that they survived.
// LLM engines reuse `checkPreservation` to repair or reject a rewrite.
import type { Analysis, Preserved } from "../pipeline/schemas.js";

export interface ProtectedSpans {
  codeBlocks: string[];
  inlineCode: string[];
  urls: string[];
  /** Quotations with their quote marks, e.g. `"fall"`; matched on their inner text. */
  quotes: string[];
}

const FENCE_RE = /```[^\n`]*\n?([\s\S]*?)```/g;
const INLINE_CODE_RE = /`([^`\n]{1,200})`/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"'`)\]}]+/gi;
const DOUBLE_QUOTE_RE = /"(?=\S)([^"\n]{1,300}?)(?<=\S)"/g;
const CURLY_QUOTE_RE = /“([^”\n]{1,300}?)”/g;
// A single-quoted span counts as a quotation only when the quotes are not apostrophes inside words.
const SINGLE_QUOTE_RE = /(?<![\p{L}\p{N}])'(?=[^\s'])([^'\n]{1,120}?)(?<=[^\s'])'(?![\p{L}\p{N}])/gu;
const TRAILING_PUNCT_RE = /[.,;:!?]+$/;

/** Per-text cap on collected items: keeps 100k-character prompts linear and bounded. */
const MAX_ITEMS = 400;

function collect(re: RegExp, text: string, into: Set<string>, trimPunctuation = false): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && into.size < MAX_ITEMS; m = re.exec(text)) {
    const value = trimPunctuation ? m[0].replace(TRAILING_PUNCT_RE, "") : m[0];
    if (value.trim().length > 0) into.add(value);
  }
}

export function extractProtectedSpans(text: string): ProtectedSpans {
  const codeBlocks = new Set<string>();
  FENCE_RE.lastIndex = 0;
  for (let m = FENCE_RE.exec(text); m !== null && codeBlocks.size < MAX_ITEMS; m = FENCE_RE.exec(text)) {
    if (m[1].trim().length > 0) codeBlocks.add(m[1].replace(/\s+$/, ""));
  }
  // Inline code and quotes are looked for outside fenced blocks only.
  const prose = codeBlocks.size > 0 ? text.replace(FENCE_RE, " ") : text;
  const inline = new Set<string>();
  collect(INLINE_CODE_RE, prose, inline);
  const urls = new Set<string>();
  collect(URL_RE, text, urls, true);
  const quotes = new Set<string>();
  collect(DOUBLE_QUOTE_RE, prose, quotes);
  collect(CURLY_QUOTE_RE, prose, quotes);
  collect(SINGLE_QUOTE_RE, prose, quotes);
  return { codeBlocks: [...codeBlocks], inlineCode: [...inline], urls: [...urls], quotes: [...quotes] };
}

/** Inner text of a quotation or inline code span: quote style may change, the words may not. */
function inner(item: string): string {
  return item.length >= 2 ? item.slice(1, -1) : item;
}

export interface PreservationReport {
  preserved: Preserved;
  /** Verbatim items of the original that the rewrite lost. */
  missing: string[];
}

export function checkPreservation(args: {
  original: string;
  optimized: string;
  analysis: Analysis;
}): PreservationReport {
  const { original, optimized, analysis } = args;
  const missing: string[] = [];
  const seen = new Set<string>();
  const require = (item: string, probe: string): boolean => {
    if (optimized.includes(probe)) return true;
    if (!seen.has(item)) {
      seen.add(item);
      missing.push(item);
    }
    return false;
  };

  let keptConstraints = 0;
  for (const c of analysis.constraints) if (require(c.text, c.text)) keptConstraints++;
  let keptPlaceholders = 0;
  for (const p of analysis.placeholders) if (require(p, p)) keptPlaceholders++;

  // A span inside a constraint that is already reported lost is not counted a second time.
  const lostConstraints = missing.slice();
  const requireSpan = (item: string, probe: string) => {
    if (!lostConstraints.some((c) => c.includes(probe))) require(item, probe);
  };
  const spans = extractProtectedSpans(original);
  for (const block of spans.codeBlocks) requireSpan(block, block);
  for (const code of spans.inlineCode) requireSpan(code, inner(code));
  for (const url of spans.urls) requireSpan(url, url);
  for (const quote of spans.quotes) requireSpan(quote, inner(quote));

  return {
    preserved: {
      constraints: { kept: keptConstraints, total: analysis.constraints.length },
      placeholders: { kept: keptPlaceholders, total: analysis.placeholders.length },
    },
    missing,
  };
}

// Words that carry no content of their own; losing them is not losing meaning.
const STOPWORDS = new Set(
  (
    "a an the and or but if then else of to in on at by for with from into onto about as is are was were be been " +
    "being it its this that these those there here i me my we our us you your he she they them their his her " +
    "what which who whom whose when where why how all any each every some no not nor so than too very can could " +
    "would should will shall may might must do does did done have has had having just also only own same such " +
    "more most other out over under up down off again once please make give get let want need like"
  ).split(" "),
);
const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** Distinct lower-cased content words (≥ 3 letters, not stopwords), bounded for huge inputs. */
export function contentWords(text: string, limit = 2_000): Set<string> {
  const out = new Set<string>();
  WORD_RE.lastIndex = 0;
  for (let m = WORD_RE.exec(text); m !== null && out.size < limit; m = WORD_RE.exec(text)) {
    const w = m[0].toLowerCase();
    if (w.length >= 3 && !STOPWORDS.has(w)) out.add(w);
  }
  return out;
}
