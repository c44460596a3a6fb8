// The output verifier: checks a model's output against the verifiable constraints extracted from
// its prompt, one verdict per constraint. Pure and offline; IFEval's strict semantics for the kinds
// it shares (see README "Does the optimized prompt work better?").
import { extractConstraints } from "../local/constraints.js";
import type { Constraint, ConstraintKind, Span } from "../pipeline/schemas.js";
import {
  checkBullets,
  checkCode,
  checkHighlights,
  checkJson,
  checkSections,
  checkTable,
  checkTitle,
} from "./checks-format.js";
import { checkItems, checkParagraphs, checkSentences, checkWords } from "./checks-length.js";
import {
  checkCapitalWords,
  checkEndPhrase,
  checkExclude,
  checkFrequency,
  checkInclude,
  checkLanguage,
  checkLetterFrequency,
  checkLower,
  checkNoCommas,
  checkPlaceholders,
  checkPostscript,
  checkQuotation,
  checkRepeatPrompt,
  checkStartPhrase,
  checkTwoResponses,
  checkUpper,
} from "./checks-text.js";
import { checkCustom } from "./custom.js";
import { type Check, type CheckContext, ParamProblem } from "./params.js";

export { DETECTABLE_LANGUAGES, detectLanguage, languageCode } from "./language.js";

export interface Verdict {
  kind: ConstraintKind;
  /** The constraint's verbatim span of the prompt. */
  text: string;
  /** true = followed, false = not followed, null = not mechanically checkable (see `detail`). */
  follows: boolean | null;
  /** What was measured ("212 words, wanted less than 200") or why it could not be checked. */
  detail: string;
  /** Where `text` sits in the prompt, when known. */
  span?: Span;
  params: Constraint["params"];
}

export interface VerifySummary {
  total: number;
  followed: number;
  failed: number;
  unchecked: number;
}

export interface VerifyOptions {
  /** The prompt the constraints came from; `combination.repeat_prompt` needs it. */
  prompt?: string;
}

const CHECKS: Record<string, Check> = {
  "length.words": checkWords,
  "length.sentences": checkSentences,
  "length.paragraphs": checkParagraphs,
  "length.items": checkItems,
  "format.json": checkJson,
  "format.bullets": checkBullets,
  "format.sections": checkSections,
  "format.title": checkTitle,
  "format.highlights": checkHighlights,
  "format.table": checkTable,
  "format.code": checkCode,
  "case.lower": checkLower,
  "case.upper": checkUpper,
  "case.capital_words": checkCapitalWords,
  "punctuation.no_commas": checkNoCommas,
  "keywords.include": checkInclude,
  "keywords.exclude": checkExclude,
  "keywords.frequency": checkFrequency,
  "keywords.letter_frequency": checkLetterFrequency,
  "startend.end_phrase": checkEndPhrase,
  "startend.start_phrase": checkStartPhrase,
  "startend.quotation": checkQuotation,
  "language.response": checkLanguage,
  "content.placeholders": checkPlaceholders,
  "content.postscript": checkPostscript,
  "combination.repeat_prompt": checkRepeatPrompt,
  "combination.two_responses": checkTwoResponses,
  custom: checkCustom,
};

/** The kinds this verifier can check (every extracted kind, plus `custom` where recognisable). */
export const VERIFIABLE_KINDS: readonly string[] = Object.keys(CHECKS);

const PLURAL_AFTER_ONE =
  /\b1 ((?:[a-z-]+ )?)(words|sentences|paragraphs|points|items|sections|headings|times|placeholders|letters|marks|commas|characters|responses|digits|names|lines)\b/g;

/** "1 words" → "1 word" in a detail (the checks count with one plural noun). */
function singularAfterOne(detail: string): string {
  return detail.replace(PLURAL_AFTER_ONE, (_, adjective: string, noun: string) => `1 ${adjective}${noun.slice(0, -1)}`);
}

function verifyOne(c: Constraint, output: string, ctx: CheckContext): Verdict {
  const base = { kind: c.kind, text: c.text, ...(c.span ? { span: c.span } : {}), params: c.params };
  const check = CHECKS[c.kind];
  if (check === undefined) return { ...base, follows: null, detail: `no check for kind "${c.kind}"` };
  try {
    const outcome = check(c, output, ctx);
    return { ...base, follows: outcome.follows, detail: singularAfterOne(outcome.detail) };
  } catch (e) {
    if (e instanceof ParamProblem) return { ...base, follows: null, detail: `cannot check: ${e.message}` };
    throw e;
  }
}

/** One verdict per constraint, in the constraints' order. */
export function verifyOutput(constraints: Constraint[], output: string, options: VerifyOptions = {}): Verdict[] {
  return constraints.map((c) => verifyOne(c, output, options));
}

export function summarize(verdicts: Verdict[]): VerifySummary {
  let followed = 0;
  let failed = 0;
  for (const v of verdicts) {
    if (v.follows === true) followed++;
    else if (v.follows === false) failed++;
  }
  return { total: verdicts.length, followed, failed, unchecked: verdicts.length - followed - failed };
}

/** Extract the prompt's constraints, then verify the output against them. */
export function verifyPromptOutput(
  prompt: string,
  output: string,
): { constraints: Constraint[]; verdicts: Verdict[]; summary: VerifySummary } {
  const constraints = extractConstraints(prompt);
  const verdicts = verifyOutput(constraints, output, { prompt });
  return { constraints, verdicts, summary: summarize(verdicts) };
}
