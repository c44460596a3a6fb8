// Checks on the words and characters of an output: case, commas, keywords, letters, start and end
// phrases, quotation, placeholders, postscripts, language and the combination kinds.

import type { Constraint } from "../pipeline/schemas.js";
import { detectLanguage, languageCode, languageName } from "./language.js";
import {
  type Check,
  countOutcome,
  countParam,
  listParam,
  type Outcome,
  optCount,
  optStr,
  ParamProblem,
  strParam,
  unchecked,
} from "./params.js";
import { containsWord, countOccurrences, escapeRegExp, isAscii, isLower, isUpper, quote } from "./text.js";

/** Fails with the language clause when the case check passed but `params.language` disagrees. */
function withLanguage(base: Outcome, language: string | undefined, output: string): Outcome {
  if (!base.follows || language === undefined) return base;
  const lang = checkLanguageCode(language, output);
  return lang.follows === false ? { follows: false, detail: `${base.detail}, but ${lang.detail}` } : base;
}

export const checkLower: Check = (c, output) => {
  if (output.trim() === "") return { follows: false, detail: "empty output" };
  const upper = output.match(/\p{Lu}/gu) ?? [];
  const base: Outcome = isLower(output)
    ? { follows: true, detail: "all lower case" }
    : { follows: false, detail: `${upper.length} upper-case letters, first ${quote(upper.slice(0, 5).join(""))}` };
  return withLanguage(base, optStr(c, "language"), output);
};

export const checkUpper: Check = (c, output) => {
  if (output.trim() === "") return { follows: false, detail: "empty output" };
  const lower = output.match(/\p{Ll}/gu) ?? [];
  const base: Outcome = isUpper(output)
    ? { follows: true, detail: "all capital letters" }
    : { follows: false, detail: `${lower.length} lower-case letters, first ${quote(lower.slice(0, 5).join(""))}` };
  return withLanguage(base, optStr(c, "language"), output);
};

/**
 * IFEval's `capital_word_frequency` counts NLTK word tokens that are all upper case. Tokens here:
 * letter/digit runs joined by inner periods or hyphens ("U.S.", "WELL-KNOWN" count once, as in
 * NLTK), split at apostrophes ("DON'T" → "DON", "T"; NLTK's "DO", "N'T" are two capital words too).
 */
const TOKEN_RE = /[\p{L}\p{N}]+(?:[.-][\p{L}\p{N}]+)*/gu;
const ASCII_TOKEN_RE = /[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*/g;

export const checkCapitalWords: Check = (c, output) => {
  const tokens = output.match(isAscii(output) ? ASCII_TOKEN_RE : TOKEN_RE) ?? [];
  const caps = tokens.filter((t) => isUpper(t));
  return countOutcome(caps.length, "words in all capital letters", countParam(c));
};

const PUNCTUATION_RE = /\p{P}/gu;

export const checkNoCommas: Check = (c, output) => {
  const scope = optStr(c, "scope") ?? "commas";
  if (scope === "all") {
    const marks = output.match(PUNCTUATION_RE) ?? [];
    return marks.length === 0
      ? { follows: true, detail: "no punctuation" }
      : { follows: false, detail: `${marks.length} punctuation marks, first ${quote(marks.slice(0, 5).join(""))}` };
  }
  if (scope !== "commas") throw new ParamProblem(`unknown scope ${JSON.stringify(scope)}`);
  // The ASCII comma (IFEval) and the full-width and ideographic commas of CJK text.
  const n = (output.match(/[,，、]/g) ?? []).length;
  return n === 0 ? { follows: true, detail: "no commas" } : { follows: false, detail: `${n} commas` };
};

/** IFEval's `existence`: each keyword occurs, case-insensitively, anywhere (no word boundary). */
export const checkInclude: Check = (c, output) => {
  const keywords = listParam(c, "keywords");
  const missing = keywords.filter((k) => countOccurrences(output, k) === 0);
  return missing.length === 0
    ? { follows: true, detail: `contains ${keywords.map((k) => quote(k)).join(", ")}` }
    : { follows: false, detail: `missing ${missing.map((k) => quote(k)).join(", ")}` };
};

/** IFEval's `forbidden_words`: none occurs as a whole word, case-insensitively. */
export const checkExclude: Check = (c, output) => {
  const keywords = listParam(c, "keywords");
  const found = keywords.filter((k) => containsWord(output, k));
  return found.length === 0
    ? { follows: true, detail: `none of ${keywords.map((k) => quote(k)).join(", ")}` }
    : { follows: false, detail: `contains ${found.map((k) => quote(k)).join(", ")}` };
};

export const checkFrequency: Check = (c, output) => {
  const keyword = optStr(c, "keyword") ?? listParam(c, "keywords")[0];
  return countOutcome(countOccurrences(output, keyword), `times ${quote(keyword)}`, countParam(c));
};

export const checkLetterFrequency: Check = (c, output) => {
  const letter = strParam(c, "letter").toLowerCase();
  if ([...letter].length !== 1) throw new ParamProblem(`param "letter" is not one character: ${quote(letter)}`);
  let n = 0;
  const lower = letter.charCodeAt(0);
  if (letter.length === 1 && lower >= 97 && lower <= 122) {
    // ASCII letters: compare char codes, no lower-cased copy of the output.
    for (let i = 0; i < output.length; i++) {
      const c = output.charCodeAt(i);
      if (c === lower || c === lower - 32) n++;
    }
  } else for (const ch of output.toLowerCase()) if (ch === letter) n++;
  return countOutcome(n, `times the letter ${quote(letter)}`, countParam(c));
};

/** Leading/trailing whitespace and straight double quotes do not count (IFEval's `end_checker`). */
function bare(output: string): string {
  return output
    .trim()
    .replace(/^"+|"+$/g, "")
    .trim()
    .toLowerCase();
}

/** The last words of the output, about `length` characters, cut at a word start. */
function tail(output: string, length: number): string {
  const s = output.trim();
  if (s.length <= length) return s;
  const cut = s.slice(-length);
  const space = cut.indexOf(" ");
  return `…${space >= 0 && space < cut.length - 1 ? cut.slice(space + 1) : cut}`;
}

export const checkEndPhrase: Check = (c, output) => {
  const given = strParam(c, "phrase").trim();
  const phrase = given.toLowerCase();
  const text = bare(output);
  return text.endsWith(phrase)
    ? { follows: true, detail: `ends with ${quote(given)}` }
    : {
        follows: false,
        detail: `ends with ${quote(tail(output, Math.max(phrase.length + 10, 24)))}, wanted ${quote(given)}`,
      };
};

export const checkStartPhrase: Check = (c, output) => {
  const phrase = strParam(c, "phrase").trim().toLowerCase();
  const text = bare(output).replace(/^[#*_>\s]+/, "");
  // "Start with the word Yes" is not met by "Yesterday": a word phrase must end at a word boundary.
  const boundary = /[\p{L}\p{N}]$/u.test(phrase) ? "(?![\\p{L}\\p{N}])" : "";
  const follows = new RegExp(`^${escapeRegExp(phrase)}${boundary}`, "u").test(text);
  return follows
    ? { follows: true, detail: `starts with ${quote(phrase)}` }
    : {
        follows: false,
        detail: `starts with ${quote(text.slice(0, Math.max(phrase.length, 20)))}, wanted ${quote(phrase)}`,
      };
};

const QUOTE_PAIRS: Record<string, string> = { '"': '"', "“": "”", "«": "»", "„": "“", "「": "」" };

export const checkQuotation: Check = (c, output) => {
  const mark = optStr(c, "mark") ?? '"';
  const close = QUOTE_PAIRS[mark];
  if (close === undefined) throw new ParamProblem(`unknown quotation mark ${quote(mark)}`);
  const s = output.trim();
  const curly = mark === '"' && s.startsWith("“") && s.endsWith("”");
  const follows = s.length > 1 && ((s.startsWith(mark) && s.endsWith(close)) || curly);
  return follows
    ? { follows: true, detail: "wrapped in quotation marks" }
    : { follows: false, detail: `starts with ${quote(s.slice(0, 1))} and ends with ${quote(s.slice(-1))}` };
};

/** IFEval: placeholders are `[…]` spans (shortest match, may be empty). */
export const checkPlaceholders: Check = (c, output) => {
  const style = optStr(c, "style") ?? "square brackets";
  if (style !== "square brackets") throw new ParamProblem(`unknown placeholder style ${quote(style)}`);
  const n = (output.match(/\[.*?\]/g) ?? []).length;
  const want = optCount(c, "at least");
  if (want !== undefined) return countOutcome(n, "placeholders in [square brackets]", want);
  return n > 0
    ? { follows: true, detail: `${n} placeholders in [square brackets]` }
    : { follows: false, detail: "no placeholder in [square brackets]" };
};

export const checkPostscript: Check = (c, output) => {
  const marker = optStr(c, "marker") ?? "P.S.";
  let re: RegExp;
  if (marker === "P.P.S") re = /\s*p\.\s?p\.\s?s.*$/m;
  else if (marker === "P.S.") re = /\s*p\.\s?s\..*$/m;
  else re = new RegExp(`\\s*${escapeRegExp(marker.toLowerCase())}.*$`, "m");
  const m = re.exec(output.toLowerCase());
  return m !== null
    ? { follows: true, detail: `postscript ${quote(m[0])}` }
    : { follows: false, detail: `no postscript starting with ${marker}` };
};

function checkLanguageCode(language: string, output: string): Outcome {
  const want = languageCode(language);
  if (want === undefined) return unchecked(`language ${quote(language)} is not one the detector (tinyld) knows`);
  const got = detectLanguage(output);
  if (got === undefined) return unchecked("too little text to detect its language");
  return got.code === want
    ? { follows: true, detail: `detected ${languageName(got.code)}` }
    : { follows: false, detail: `detected ${languageName(got.code)}, wanted ${languageName(want)}` };
}

export const checkLanguage: Check = (c, output) =>
  checkLanguageCode(optStr(c, "code") ?? strParam(c, "language"), output);

/**
 * The request a repeat instruction points at: the prompt before the instruction's sentence, or the
 * text after its paragraph ("repeat the request below"). Empty candidates are dropped.
 */
function requestsToRepeat(prompt: string, c: Constraint): string[] | undefined {
  const at = c.span?.start ?? prompt.indexOf(c.text);
  if (at < 0) return undefined;
  const end = at + c.text.length;
  const before = prompt.slice(0, at);
  const sentenceStart = Math.max(before.search(/(?:[.!?]\s+|\n)[^.!?\n]*$/), -1);
  const head = sentenceStart < 0 ? "" : prompt.slice(0, sentenceStart + 1);
  const paragraphEnd = prompt.indexOf("\n\n", end);
  const tail = paragraphEnd < 0 ? "" : prompt.slice(paragraphEnd);
  const below = /\b(?:below|following)\b/i.test(prompt.slice(Math.max(0, at - 40), end + 60));
  const ordered = below ? [tail, head] : [head, tail];
  return ordered.map((r) => r.trim()).filter((r) => r !== "");
}

/**
 * IFEval's `repeat_prompt`: the output starts with the request, compared case-insensitively after
 * trimming. The request is `params.prompt_to_repeat`, else read from the prompt around the
 * instruction (see `requestsToRepeat`).
 */
export const checkRepeatPrompt: Check = (c, output, ctx) => {
  const given = optStr(c, "prompt_to_repeat");
  let candidates: string[];
  if (given !== undefined) candidates = [given.trim()];
  else {
    if (ctx.prompt === undefined) return unchecked("needs the prompt to know what to repeat");
    const found = requestsToRepeat(ctx.prompt, c);
    if (found === undefined) return unchecked("cannot find the repeat instruction in the prompt");
    if (found.length === 0) return unchecked("the prompt has no request besides the repeat instruction");
    candidates = found;
  }
  const text = output.trim().toLowerCase();
  const hit = candidates.find((r) => text.startsWith(r.toLowerCase()));
  return hit !== undefined
    ? { follows: true, detail: "starts by repeating the request" }
    : { follows: false, detail: `does not start with the request ${quote(candidates[0], 40)}` };
};

/** IFEval's `two_responses`: split on `******`; exactly two non-empty, different responses. */
export const checkTwoResponses: Check = (c, output) => {
  const count = c.params.count === undefined ? 2 : Number(c.params.count);
  if (!Number.isInteger(count) || count < 2) throw new ParamProblem(`param "count" is not a number of responses`);
  const separator = optStr(c, "separator") ?? "******";
  const parts = output.split(separator);
  const valid: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].trim() === "") {
      if (i !== 0 && i !== parts.length - 1)
        return { follows: false, detail: "an empty response between ****** separators" };
      continue;
    }
    valid.push(parts[i].trim());
  }
  if (valid.length !== count)
    return { follows: false, detail: `${valid.length} responses separated by ******, wanted ${count}` };
  if (new Set(valid).size !== valid.length) return { follows: false, detail: "the responses are identical" };
  return { follows: true, detail: `${count} different responses separated by ******` };
};
