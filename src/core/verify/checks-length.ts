// Length checks: words, sentences, paragraphs (IFEval's `***` dividers or blank lines, with the
// n-th paragraph's first word), and list items.
import type { Constraint } from "../pipeline/schemas.js";
import { type Check, countOutcome, countParam, numParam, type Outcome, optStr, ParamProblem } from "./params.js";
import { bulletLines, countWords, dividerParagraphs, numberedLines, quote, splitSentences, words } from "./text.js";

export const checkWords: Check = (c, output) => countOutcome(countWords(output), "words", countParam(c));

export const checkSentences: Check = (c, output) =>
  countOutcome(splitSentences(output).length, "sentences", countParam(c));

/** "Separate the paragraphs with the markdown divider: ***", "use *** between paragraphs". */
const DIVIDER_CLAUSE_RE =
  /paragraphs?\b[^.\n]{0,80}(?:\*\s?\*\s?\*|markdown divider)|(?:\*\s?\*\s?\*|markdown divider)[^.\n]{0,80}\bparagraphs?/i;

/**
 * Which separator the prompt asked for: `params.separator` when extraction found one, else `***`
 * when the constraint or a clause of the prompt says paragraphs are divided by it, else blank lines.
 */
function separatorOf(c: Constraint, prompt: string | undefined): "***" | "blank" {
  const sep = optStr(c, "separator");
  if (sep !== undefined) {
    if (/^\s*(?:\*\s*){3}$/.test(sep) || /divider/i.test(sep)) return "***";
    if (/^\s*(?:\\n|\n){2}\s*$/.test(sep) || /blank|empty|new ?line/i.test(sep)) return "blank";
    throw new ParamProblem(`unknown paragraph separator ${JSON.stringify(sep)}`);
  }
  if (optStr(c, "first_word") !== undefined) return "blank";
  return DIVIDER_CLAUSE_RE.test(c.text) || (prompt !== undefined && DIVIDER_CLAUSE_RE.test(prompt)) ? "***" : "blank";
}

export const checkParagraphs: Check = (c, output, ctx): Outcome => {
  const want = countParam(c);
  const sep = separatorOf(c, ctx.prompt);
  const firstWord = optStr(c, "first_word");
  if (sep === "***") {
    const paragraphs = dividerParagraphs(output);
    if (paragraphs === undefined) return { follows: false, detail: "an empty paragraph between two *** dividers" };
    return countOutcome(paragraphs.length, "paragraphs separated by ***", want);
  }
  // IFEval's nth_paragraph_first_word: count the non-empty pieces between "\n\n", but index the
  // n-th piece of the unfiltered split (an empty piece there fails).
  const pieces = output.split("\n\n");
  const count = pieces.filter((p) => p.trim() !== "").length;
  const counted = countOutcome(count, "paragraphs separated by blank lines", want);
  if (firstWord === undefined) return counted;
  const nth = numParam(c, "nth");
  const para = nth >= 1 && nth <= count ? pieces[nth - 1].trim() : "";
  if (para === "") return { follows: false, detail: `${counted.detail}; no paragraph ${nth}` };
  const first = firstWordOf(para);
  const ok = first === firstWord.trim().toLowerCase();
  return {
    follows: ok && counted.follows === true,
    detail: `${counted.detail}; paragraph ${nth} starts with ${quote(first)}${ok ? "" : `, wanted ${quote(firstWord)}`}`,
  };
};

/** The first whitespace-separated word, without leading quotes, cut at the first . , ? ! ' or ". */
function firstWordOf(paragraph: string): string {
  const word = (paragraph.split(/\s+/)[0] ?? "").replace(/^['"]+/, "");
  return (/^[^.,?!'"]*/.exec(word)?.[0] ?? "").toLowerCase();
}

/**
 * Items of a requested list ("give me 10 names"): bullet or numbered lines when the output has any,
 * else its non-empty lines.
 */
export const checkItems: Check = (c, output) => {
  const want = countParam(c);
  const listed = [...bulletLines(output).filter((l) => !/^\s*-{3,}\s*$/.test(l)), ...numberedLines(output)];
  const item = optStr(c, "item") ?? "items";
  if (listed.length > 0) return countOutcome(listed.length, `${item} (list lines)`, want);
  const lines = output.split("\n").filter((l) => words(l).length > 0);
  return countOutcome(lines.length, `${item} (non-empty lines; no list found)`, want);
};
