// Parameter parsing shared by the constraint rules: numbers written as digits or words, relation
// phrases ("under", "at least"…) and keyword/column lists cut at the end of the list.

export type Relation = "less than" | "at least" | "exactly" | "at most";

/** Regex source for a count: digits (1,000 style too) or a number word. Named group `num`. */
export const NUM =
  "(?<num>\\d{1,3}(?:,\\d{3})+|\\d{1,7}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundred|a single|single|a dozen|a couple of)";

/** Regex source for a relation phrase before a count. Named group `rel`. */
export const REL =
  "(?<rel>less than|fewer than|under|below|no more than|not more than|not exceeding|not exceed|at most|up to|a maximum of|maximum of|max(?:imum)?|no fewer than|no less than|at least|a minimum of|minimum of|min(?:imum)?|more than|over|exactly|precisely|around|about|approximately|roughly)";

/** Regex source for quoted text (straight or curly double quotes, or single quotes). */
export const QUOTED = "(?:\"[^\"\\n]{1,200}\"|“[^”\\n]{1,200}”|'[^'\\n]{1,200}')";

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  "a hundred": 100,
  single: 1,
  "a single": 1,
  "a dozen": 12,
  "a couple of": 2,
  once: 1,
  twice: 2,
  thrice: 3,
};

export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t in NUMBER_WORDS) return NUMBER_WORDS[t];
  const n = Number(t.replace(/,/g, ""));
  return Number.isFinite(n) ? n : undefined;
}

export interface CountParams {
  [key: string]: number | string | boolean;
  count: number;
  relation: Relation;
}

/** Count and relation of a match; "more than N" becomes "at least N+1", "about N" is approximate. */
export function countParams(rel: string | undefined, num: string | undefined): CountParams | undefined {
  const n = parseCount(num);
  if (n === undefined) return undefined;
  const r = (rel ?? "").toLowerCase();
  if (r === "") return { count: n, relation: "exactly" };
  if (/^(?:less than|fewer than|under|below)$/.test(r)) return { count: n, relation: "less than" };
  if (/^(?:more than|over)$/.test(r)) return { count: n + 1, relation: "at least" };
  if (/least|minimum|^min|no fewer|no less/.test(r)) return { count: n, relation: "at least" };
  if (/^(?:exactly|precisely)$/.test(r)) return { count: n, relation: "exactly" };
  if (/^(?:around|about|approximately|roughly)$/.test(r)) return { count: n, relation: "exactly", approximate: true };
  return { count: n, relation: "at most" };
}

const LIST_SEPARATOR_RE = /^(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*\/\s*)/i;
const LIST_STOPWORDS = new Set(
  "in on at for to of from with without that which who where when while because since unless if but so as per each by into than like such should must will would can could is are be every".split(
    " ",
  ),
);
const ARTICLES = new Set(["the", "a", "an", "any", "our", "your", "their", "its", "my", "his", "her", "this", "these"]);
const QUOTE_CLOSERS: Record<string, string> = { '"': '"', "“": "”", "'": "'", "`": "`" };

export interface NameList {
  names: string[];
  /** Offset (relative to the parsed text) just after the last accepted name. */
  end: number;
}

/**
 * Parse "sku and qty", `"fall", "leaves"`, "Tweet and Sentiment for each row" into names, stopping
 * where the list ends (a stopword or a part longer than four words) so the span can be trimmed.
 */
export function parseNameList(text: string, maxNames = 12): NameList {
  const names: string[] = [];
  let pos = 0;
  let end = 0;
  while (names.length < maxNames && pos < text.length) {
    const opener = text[pos];
    const closer = QUOTE_CLOSERS[opener];
    if (closer !== undefined) {
      const close = text.indexOf(closer, pos + 1);
      if (close <= pos + 1) break;
      names.push(text.slice(pos + 1, close));
      pos = close + 1;
      end = pos;
    } else {
      const wordRe = /[\p{L}\p{N}_][\p{L}\p{N}_'’.#+-]*/uy;
      const words: string[] = [];
      let wordEnd = pos;
      let stopped = false;
      while (words.length < 4) {
        wordRe.lastIndex = wordEnd;
        const m = wordRe.exec(text);
        if (m === null) break;
        const w = m[0].replace(/[.]+$/, "");
        if (LIST_STOPWORDS.has(w.toLowerCase()) || w.toLowerCase() === "and" || w.toLowerCase() === "or") {
          stopped = LIST_STOPWORDS.has(w.toLowerCase());
          break;
        }
        if (words.length === 0 && ARTICLES.has(w.toLowerCase())) {
          wordEnd = m.index + m[0].length;
          if (text[wordEnd] === " ") wordEnd++;
          pos = wordEnd;
          continue;
        }
        words.push(w);
        wordEnd = m.index + w.length;
        if (text[wordEnd] !== " " || !/[\p{L}\p{N}_]/u.test(text[wordEnd + 1] ?? "")) break;
        wordEnd++;
      }
      if (words.length === 0) break;
      names.push(words.join(" "));
      end = pos + words.join(" ").length;
      pos = end;
      if (stopped) break;
    }
    const sep = LIST_SEPARATOR_RE.exec(text.slice(pos, pos + 12));
    if (sep === null) break;
    pos += sep[0].length;
  }
  return { names: names.filter((n) => n.trim().length > 0), end };
}
