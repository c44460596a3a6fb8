// What a prompt already provides (persona, numbered steps, examples, an output format, a request to
// reason). The selector skips strategies a prompt already satisfies; the rewriter adds nothing twice.
import type { Analysis } from "../pipeline/schemas.js";

export interface PromptFeatures {
  hasPersona: boolean;
  hasNumberedSteps: boolean;
  hasExamples: boolean;
  hasFormat: boolean;
  asksReasoning: boolean;
}

const PERSONA_RE =
  /\b(?:you are (?:an?|the|my|now)\b|you're (?:an?|the)\b|act as\b|acting as\b|pretend (?:to be|you are)\b|imagine you are\b|as an? (?:expert|experienced|senior|professional)\b|your role is\b|take on the role\b)/i;
// Two or more lines that start a numbered or "Step N" list.
const NUMBERED_LINE_RE = /^[ \t]*(?:\d{1,2}[.)]|step \d{1,2}\b)/gim;
const EXAMPLE_RE =
  /\b(?:for example:|examples?:|e\.g\.:|example input|example output|sample input|sample output)|^[ \t]*(?:input|output|q|a)\s*:/im;
// An output format the prompt asks for; "reads a CSV" is input, "return JSON" is output.
const FORMAT_RE =
  /\b(?:(?:return|output|respond|reply|answer|format(?:ted)?|give|present|produce|print|list)\b[^.\n]{0,40}?\b(?:json|yaml|xml|markdown|table|bullet(?:ed)?|numbered list|headings?)\b|(?:in|as) (?:a |an )?(?:json|yaml|csv|xml|markdown|table|bulleted list|numbered list)\b|output format|response format|in the format|code block|one (?:per|on each) line|json schema|only reply|reply only|respond only|only respond|nothing else|(?:no|do not write|without) explanations?)/i;
const REASONING_RE =
  /\b(?:step[- ]by[- ]step|show (?:your|the) (?:work|reasoning|steps)|explain your reasoning|think (?:it )?through|reason (?:about|through)|chain of thought)\b/i;

const FORMAT_KINDS = new Set([
  "format.json",
  "format.bullets",
  "format.sections",
  "format.table",
  "format.code",
  "format.title",
]);

export function detectFeatures(prompt: string, analysis?: Analysis): PromptFeatures {
  // Bounded scan: long prompts are judged on their first 20k characters, which is where
  // personas and formats are stated; this keeps the stage linear and fast.
  const head = prompt.length > 20_000 ? prompt.slice(0, 20_000) : prompt;
  NUMBERED_LINE_RE.lastIndex = 0;
  let numbered = 0;
  while (numbered < 2 && NUMBERED_LINE_RE.exec(head)) numbered++;
  const formatFromConstraints = analysis?.constraints.some((c) => FORMAT_KINDS.has(c.kind)) ?? false;
  // The analyzer's own findings win over these cheap text checks.
  const flagged = new Set(analysis?.weaknesses.map((w) => w.code) ?? []);
  return {
    hasPersona: !flagged.has("PF-ROLE") && PERSONA_RE.test(head),
    hasNumberedSteps: numbered >= 2,
    hasExamples: !flagged.has("PF-EXAMPLES") && EXAMPLE_RE.test(head),
    hasFormat: !flagged.has("PF-FORMAT") && (formatFromConstraints || FORMAT_RE.test(head)),
    asksReasoning: REASONING_RE.test(head),
  };
}
