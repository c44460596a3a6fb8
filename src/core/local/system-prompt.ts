// Application system prompts: standing instructions an application sends on every turn ("You are
// an Xbox customer support agent… You only provide factual answers to queries"), with no
// placeholder and no completion cue. They set a role, rules and an output contract — or leave the
// output free on purpose — so the rewriter gives them the template treatment (role first, Goal,
// Rules, the author's Output only) and never adds an output format of its own.
import { preparePrompt } from "./prompt-text.js";

/** Only the head is read; a system prompt says what it is in its first lines. */
const HEAD_CHARS = 600;
/** The whole text is scanned up to this size for the standing-audience and request signals. */
const SCAN_CHARS = 4_000;

/** A role (second or third person, or an assistant speaking as itself) or response guidelines. */
const ROLE_HEAD_RE =
  /^[ \t]*(?:[-*•][ \t]*)?(?:you are|you're|you will be|you work as|assistant is|the assistant is|this assistant|(?:please )?act as an? |as an? [\w -]{2,40}, you\b|your (?:role|job|task|goal|purpose|mission) is|i am an? [\w -]{2,60}\b(?:who|that)\b|i am [A-Z][a-z]+,? an? |the (?:responses?|answers?|replies|reply) (?:should|must|will)\b)/i;

const LEADING_HEADINGS_RE = /^(?:\s*#{1,6} [^\n]*\n)*\s*/;

/** Standing behaviour toward other people: users, customers, queries, conversations. */
const STANDING_RE =
  /\b(?:users?|people|customers?|clients?|visitors?|callers?|employees|the quer(?:y|ies)|quer(?:y|ies)\b|user(?:'s|’s)? (?:question|request|message|instructions)s?|conversations?|chat ?bot|chatbot|each (?:response|reply|answer)|(?:your|all) (?:responses|replies|answers)|when(?:ever)? (?:users?|someone|people|asked|a user)|the (?:responses?|answers?) (?:should|must))\b/i;

/**
 * A one-off request from the person typing ("help me", "I want you to act as", "my essay"): an
 * everyday prompt, not a system prompt, even when it opens with a role.
 */
const REQUEST_RE =
  /\b(?:help me|for me|give me|tell me|show me|send me|teach me|i want|i need|i'd like|i would like|i will (?:type|give|provide|send|ask|tell|paste)|can you|could you|would you|my (?:first|next) |my (?!self\b)[a-z]+\b)/i;

/** A one-off creation order ("Write a tweet…", "Summarize this…"): a request, not standing rules. */
const ONE_OFF_RE =
  /(?:^|[.!?:]\s+|\n\s*)(?:now |please )?(?:write|draft|create|generate|compose|design|plan|make|produce|build|summari[sz]e|translate|rewrite|explain|outline|suggest|list|analy[sz]e|compare|describe) (?:a|an|one|two|three|four|five|\d+|this|these|that|those|the following|our)\b/i;

/** True when the prompt reads as an application's standing system prompt. */
export function isSystemPrompt(prompt: string): boolean {
  const text = prompt.trim();
  if (text.length === 0) return false;
  const { prose } = preparePrompt(text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text);
  // Section headings (ours on a second pass: "## Goal") are skipped to reach the first sentence.
  const head = prose.replace(LEADING_HEADINGS_RE, "").slice(0, HEAD_CHARS);
  if (!ROLE_HEAD_RE.test(head)) return false;
  const scan = prose.length > SCAN_CHARS ? prose.slice(0, SCAN_CHARS) : prose;
  return STANDING_RE.test(scan) && !REQUEST_RE.test(scan) && !ONE_OFF_RE.test(scan);
}
