// Task type from verbs, nouns and domain vocabulary, and complexity from length, requirements and
// reasoning cues. Weighted keyword votes: each cue adds its weight per match (capped per cue), the
// best-scoring type wins, ties go to the more specific domain; weak evidence falls back to general.
import type { Complexity, Constraint, TaskType } from "../pipeline/schemas.js";
import { countWords, type PromptText, preparePrompt, splitSentences } from "./prompt-text.js";

interface Vote {
  type: TaskType;
  weight: number;
}

/** Vocabulary of words and short phrases (up to three words, lower case), looked up per token. */
const VOCAB = new Map<string, Vote[]>();
/** First words of multi-word phrases, and first two words of three-word ones: skip joins otherwise. */
const STARTERS = new Set<string>();
const PREFIXES = new Set<string>();
function vocab(type: TaskType, weight: number, phrases: string): void {
  for (const phrase of phrases.split("|")) {
    const words = phrase.split(" ");
    if (words.length > 1) STARTERS.add(words[0]);
    if (words.length > 2) PREFIXES.add(`${words[0]} ${words[1]}`);
    const votes = VOCAB.get(phrase) ?? [];
    votes.push({ type, weight });
    VOCAB.set(phrase, votes);
  }
}
const cross = (a: string, b: string, c = "") =>
  a
    .split("|")
    .flatMap((x) => b.split("|").flatMap((y) => (c === "" ? [`${x} ${y}`] : c.split("|").map((z) => `${x} ${y} ${z}`))))
    .join("|");

vocab(
  "coding",
  1,
  "code|coding|codebase|function|script|program|bug|debug|refactor|compile|compiler|api|endpoint|sql|query|regex|regexp|class|method|algorithm|unit test|unit tests|test|repository|repo|pull request|pr|commit|stack trace|stacktrace|exception|typescript|javascript|python|java|rust|golang|kotlin|swift|c++|c#|php|ruby|html|css|react|vue|angular|express|django|flask|node|postgres|postgresql|mysql|sqlite|mongodb|database|crud|jsdoc|debounce|debounces|implement|deploy|docker|kubernetes|linux|terminal|bash|shell|git|npm|solidity|smart contract|frontend|backend|developer|programming|software|rest api|graphql",
);
vocab(
  "coding",
  1,
  cross("fix|debug|refactor|optimize|optimise", "this|the|my", "function|code|script|query|bug|class|method|component"),
);
vocab(
  "writing",
  2,
  "blog|article|essay|email|e-mail|cover letter|newsletter|press release|product description|linkedin|copywriting|biography|speech|memo|announcement|op-ed|rewrite|proofread|paraphrase",
);
vocab(
  "writing",
  1,
  "letter|post|description|tweet|copy|bio|paragraph|edit|draft|summary|summarize|summarise|tone|professional|headline|report|announcing|apologizing|apologising|wording|grammar|writer",
);
vocab(
  "creative",
  2,
  "story|stories|poem|poetry|haiku|limerick|sonnet|song|lyrics|rap|fiction|novel|screenplay|fairy tale|rhyme|verse|name for|names for|brand name|brand names|slogan|tagline|joke|storyteller|poet|comedian",
);
vocab("creative", 1, "character|plot|fantasy|creative|imaginative|whimsical|fictional");
vocab("education", 3, "teach me|lesson plan|quiz|graders|eli5");
vocab(
  "education",
  1,
  "teach|lesson|student|curriculum|syllabus|tutor|beginner|basics|learn|learning|homework|course|classroom|exam|study guide|teacher|i know nothing|i'm new to|explain",
);
vocab(
  "math",
  2,
  "prove|proof|theorem|equation|integral|derivative|calculus|algebra|geometry|probability|square root|irrational|prime number|prime numbers|divisible|factorial|matrix|lemma|mph|average speed|arithmetic|polynomial",
);
vocab("math", 1, "solve|calculate|compute|sum of|percent|percentage|how many|how much|how long|how far|math|formula");
vocab(
  "reasoning",
  3,
  "puzzle|riddle|brain teaser|brainteaser|logic problem|mislabeled|mislabelled|labeled wrong|labelled wrong|labeled incorrectly|labelled incorrectly|wrongly labeled|wrongly labelled|dilemma|paradox",
);
vocab(
  "reasoning",
  1,
  "decide|decision|trade-off|tradeoff|think through|reason about|deduce|logic|logical|which is better|which would be|is it better|is it worth|how do you|how would you|how can you|how could you",
);
vocab(
  "analysis",
  2,
  "analyze|analyse|analysis|compare|comparison|evaluate|assess|assessment|root cause|pros and cons|swot|benchmark|audit",
);
vocab(
  "analysis",
  1,
  "trend|insight|recommendation|review|investigate|diagnose|what's going on|what’s going on|metrics|kpi|data|numbers|logs|statistics|breakdown|findings",
);
vocab(
  "classification",
  3,
  "classify|classification|categorize|categorise|label each|label every|label these|label the following|label them as|tag each|sort these into|sort them into|sort each into|spam or not|urgent or not",
);
vocab("classification", 2, "sentiment|categories|category");
vocab("extraction", 3, "extract|extraction|pull out|named entities|find all the|list all the");
vocab(
  "extraction",
  2,
  cross("from", "the|this|each", "invoice|receipt|resume|order|document|email|transcript|contract"),
);
vocab("formatting", 3, "convert|reformat|restructure|tabulate");
vocab("formatting", 2, `${cross("to|into", "json|yaml|csv|xml|markdown|html")}|into a table|key order`);
vocab(
  "medical",
  3,
  "side effect|side effects|symptom|diagnosis|diagnoses|medication|medicine|dosage|ibuprofen|acetaminophen|paracetamol|aspirin|antibiotic|patient|clinical|disease|physician|prescription|blood pressure|diabetes|cancer|vaccine|surgery|medical|doctor",
);
vocab("medical", 1, "drug|dose|health|therapy|treatment|nurse|infection|allergy|pain|pregnant|pregnancy");
vocab(
  "legal",
  3,
  "contract|clause|legal|lawyer|attorney|lawsuit|liability|indemnify|indemnification|indemnity|gdpr|nda|terms of service|jurisdiction|statute|litigation|copyright|trademark|lease agreement",
);
vocab("legal", 1, "law|court|vendor|agreement|regulation|compliance|tenant|landlord");
vocab("general", 2, "plan a trip|trip|travel|vacation|cook|recipe|dinner|tonight|gift|weekend");
vocab("other", 4, "do anything now|jailbreak|developer mode|no restrictions|without any restrictions");

/** Cues that need more than a word lookup: code shapes, "explain … to a beginner", "turn … into". */
const PATTERN_CUES: Array<Vote & { re: RegExp }> = [
  {
    type: "coding",
    weight: 2,
    re: /(?:\bdef \w+\(|\bfunction\s*\w*\(|\bconst \w+ =|=>|#include|\bimport \w+|console\.log|\b\w+\(\w*\)\s*[:{]|\^\(|\)[+*]\$?)/g,
  },
  {
    type: "education",
    weight: 3,
    re: /\bexplain\b[^.?!\n]{0,60}\bto (?:a|an|my) (?:complete )?(?:beginner|child|kid|student|novice|layperson|newbie|\d+[- ]year[- ]old|five[- ]year[- ]old)\b/gi,
  },
  // "write a function that …", "implement a method to …": a request for code even without a language.
  {
    type: "coding",
    weight: 2,
    re: /\b(?:write|implement|create|build|code)\s+(?:a|an|the|me a|me an)\s+(?:[\w-]+\s+){0,2}?(?:function|method|class|script|program|regex|unit tests?|cli|module|endpoint|sql query)\b/gi,
  },
  // Arithmetic written out: "17 * 23", "120 ÷ 8", "3 - 1" (a spaced minus or slash, not a date or a range).
  { type: "math", weight: 2, re: /\d\s*[*×÷+^]\s*\d|\d\s+[-−/]\s+\d/g },
  { type: "reasoning", weight: 3, re: /^\s*should (?:we|i)\b/gi },
  {
    type: "formatting",
    weight: 3,
    re: /\b(?:format (?:this|it|these|the following) (?:as|into)|turn (?:these|this|the|it|my)\b[^.?!\n]{0,40}\binto|transform (?:this|these|it) into)\b/gi,
  },
  { type: "other", weight: 4, re: /\bDAN\b/g },
];

/** Tie-break order: specific domains before generic ones. */
const PRIORITY: TaskType[] = [
  "medical",
  "legal",
  "other",
  "math",
  "classification",
  "extraction",
  "formatting",
  "coding",
  "reasoning",
  "education",
  "analysis",
  "creative",
  "writing",
  "general",
];
const MAX_HITS_PER_PHRASE = 3;
/** Below this score the prompt does not say enough to call it anything but general. */
const MIN_SCORE = 2;
const NUMBER_RE = /\b\d+(?:\.\d+)?/g;
const TOKEN_RE = /[a-z0-9][a-z0-9+#'’-]*/g;

function addVotes(scores: Map<TaskType, number>, votes: Vote[] | undefined, times = 1): void {
  if (votes === undefined) return;
  for (const v of votes) scores.set(v.type, (scores.get(v.type) ?? 0) + v.weight * times);
}

function scoreTypes(text: string, lower: string): Map<TaskType, number> {
  const scores = new Map<TaskType, number>();
  const tokens = lower.match(TOKEN_RE) ?? [];
  const hits = new Map<string, number>();
  const vote = (key: string): boolean => {
    let votes = VOCAB.get(key);
    // Plurals: "tests", "symptoms", "customers" fall back to the singular entry.
    if (votes === undefined && key.length > 3 && key.endsWith("s") && !key.includes(" ")) {
      key = key.slice(0, -1);
      votes = VOCAB.get(key);
    }
    if (votes === undefined) return false;
    const n = hits.get(key) ?? 0;
    if (n >= MAX_HITS_PER_PHRASE) return true;
    hits.set(key, n + 1);
    addVotes(scores, votes);
    return true;
  };
  for (let i = 0; i < tokens.length; i++) {
    vote(tokens[i]);
    if (i + 1 < tokens.length && STARTERS.has(tokens[i])) {
      const two = `${tokens[i]} ${tokens[i + 1]}`;
      vote(two);
      if (i + 2 < tokens.length && PREFIXES.has(two)) vote(`${two} ${tokens[i + 2]}`);
    }
  }
  for (const cue of PATTERN_CUES) {
    cue.re.lastIndex = 0;
    let n = 0;
    for (let m = cue.re.exec(text); m !== null && n < MAX_HITS_PER_PHRASE; m = cue.re.exec(text)) {
      if (m[0].length === 0) cue.re.lastIndex++;
      n++;
    }
    if (n > 0) addVotes(scores, [cue], n);
  }
  // A word problem: several quantities and a question.
  NUMBER_RE.lastIndex = 0;
  let numbers = 0;
  while (numbers < 2 && NUMBER_RE.exec(text) !== null) numbers++;
  if (numbers >= 2 && text.includes("?")) scores.set("math", (scores.get("math") ?? 0) + 1);
  return scores;
}

export function taskTypeOf(pt: PromptText): TaskType {
  const scores = scoreTypes(pt.prose, pt.lower);
  let best: TaskType = "general";
  let bestScore = 0;
  for (const type of PRIORITY) {
    const s = scores.get(type) ?? 0;
    if (s > bestScore) {
      best = type;
      bestScore = s;
    }
  }
  return bestScore >= MIN_SCORE ? best : "general";
}

/** The task type of a prompt (one of TASK_TYPES); "general" when nothing points elsewhere. */
export function detectTaskType(prompt: string): TaskType {
  return taskTypeOf(preparePrompt(prompt));
}

const REASONING_CUE_RE =
  /\b(?:why|prove|step[- ]by[- ]step|trade-?offs?|compare|pros and cons|root cause|optimi[sz]e|architecture|design|strategy|evaluate|edge cases?|scalab\w*|migrat\w*|should we|justify|derive|plan)\b/gi;
const REQUIREMENT_RE =
  /\b(?:must|should|need to|needs to|make sure|ensure|include|handle|avoid|do not|don't|never|always|only)\b/gi;
const LIST_LINE_RE = /^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+/gm;

function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text) !== null) n++;
  return n;
}

export interface ComplexityInput {
  taskType?: TaskType;
  constraints?: Constraint[];
  /** Precomputed by the analyzer; derived from the text when absent. */
  words?: number;
  sentenceCount?: number;
}

/** low / medium / high from length, number of stated requirements and reasoning cues. */
export function complexityOf(pt: PromptText, input: ComplexityInput = {}): Complexity {
  const words = input.words ?? countWords(pt.prose);
  const requirements =
    (input.constraints?.length ?? 0) +
    countMatches(REQUIREMENT_RE, pt.prose, 20) +
    countMatches(LIST_LINE_RE, pt.prose, 20) +
    Math.max(0, Math.min(20, input.sentenceCount ?? splitSentences(pt.prose).length) - 1);
  const cues = countMatches(REASONING_CUE_RE, pt.prose, 10);
  const quantities = countMatches(NUMBER_RE, pt.prose, 10);
  let score = 0;
  if (words > 60) score++;
  if (words > 150) score++;
  if (words > 400) score++;
  score += Math.min(3, Math.floor(requirements / 3));
  score += Math.min(2, cues);
  if (input.taskType === "reasoning" || input.taskType === "math" || input.taskType === "analysis") score++;
  if (quantities >= 3) score++;
  if (score <= 1) return "low";
  return score <= 4 ? "medium" : "high";
}

export function estimateComplexity(prompt: string, input: ComplexityInput = {}): Complexity {
  return complexityOf(preparePrompt(prompt), input);
}
