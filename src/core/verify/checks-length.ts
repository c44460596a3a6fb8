// Length checks: words, sentences, paragraphs (IFEval's `***` dividers or blank lines, with the
// n-th paragraph's first word), and list items.
import type { Constraint } from "../pipeline/schemas.js";
import { type Check, countOutcome, countParam, numParam, type Outcome, optStr, ParamProblem } from "./params.js";
import {
  blankLineParagraphs,
  bulletLines,
  countWords,
  dividerParagraphs,
  numberedLines,
  quote,
  splitSentences,
  words,
} from "./text.js";

export const checkWords: Check = (c, output) => countOutcome(countWords(output), "words", countParam(c));

export const checkSentences: Check = (c, output) =>
  countOutcome(splitSentences(output).length, "sentences", countParam(c));

/** Which separator the prompt asked for: `***` dividers when it says so, else blank lines. */
function separatorOf(c: Constraint): "***" | "blank" {
  const sep = optStr(c, "separator");
  if (sep !== undefined) {
    if (/^\s*(?:\*\s*){3}$/.test(sep) || /divider/i.test(sep)) return "***";
    if (/^\s*(?:\\n|\n){2}\s*$/.test(sep) || /blank|empty|new ?line/i.test(sep)) return "blank";
    throw new ParamProblem(`unknown paragraph separator ${JSON.stringify(sep)}`);
  }
  return /\*\s?\*\s?\*|markdown divider/i.test(c.text) ? "***" : "blank";
}

export const checkParagraphs: Check = (c, output): Outcome => {
  const want = countParam(c);
  const sep = separatorOf(c);
  const firstWord = optStr(c, "first_word");
  if (sep === "***") {
    const paragraphs = dividerParagraphs(output);
    if (paragraphs === undefined) return { follows: false, detail: "an empty paragraph between two *** dividers" };
    return countOutcome(paragraphs.length, "paragraphs separated by ***", want);
  }
  const paragraphs = blankLineParagraphs(output);
  const counted = countOutcome(paragraphs.length, "paragraphs separated by blank lines", want);
  if (firstWord === undefined || !counted.follows) return counted;
  const nth = numParam(c, "nth");
  const para = paragraphs[nth - 1];
  if (para === undefined) return { follows: false, detail: `no paragraph ${nth}` };
  // IFEval: the first whitespace-separated word, without surrounding punctuation, lower-cased.
  const first = (para.trim().split(/\s+/)[0] ?? "").replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "").toLowerCase();
  const follows = first === firstWord.trim().toLowerCase();
  return {
    follows,
    detail: `${counted.detail}; paragraph ${nth} starts with ${quote(first)}${follows ? "" : `, wanted ${quote(firstWord)}`}`,
  };
};

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
