// Heuristic scorer of the local engine (PRODUCT.md 3.4): clarity, specificity, structure and
// conciseness from observable text features; faithfulness from what a rewrite kept of the original.
// LLM engines blend their scores with these (hybrid scoring).
import type { ValidateRequest } from "../pipeline/engine.js";
import {
  type Analysis,
  computeOverall,
  decideImprovement,
  roundScore,
  SCORE_DIMENSIONS,
  type ScoreSet,
  type TaskType,
  type Validation,
} from "../pipeline/schemas.js";
import { checkPreservation, contentWords } from "./preservation.js";

export { checkPreservation, type PreservationReport } from "./preservation.js";

export type DimensionScores = Omit<ScoreSet, "faithfulness">;

const MARKER_LINE_RE = /^.*\[\[[^\]\n]*\]\].*$/gm;
const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const SENTENCE_END_RE = /[.!?]+(?=\s|$)|\n/g;
const HEADING_RE = /^#{1,6} \S/gm;
const LIST_ITEM_RE = /^[ \t]*(?:[-*+]|\d{1,2}[.)]) \S/gm;
const NUMBER_RE = /\b\d+(?:[.,]\d+)?\b/g;
const VAGUE_RE =
  /\b(?:some|stuff|things?|good|nice|better|great|various|a few|maybe|kind of|sort of|somehow|etc|interesting|engaging|properly|thorough)\b/gi;
const FILLER_RE =
  /\b(?:be creative|be engaging|feel free to|make sure to|it is important to note|as an ai|high[- ]quality|amazing|awesome|best possible|do your best|world[- ]class)\b/gi;
const IMPERATIVE_RE =
  /^\s*(?:#+ .*\n+)?(?:please\s+)?(?:write|create|draft|explain|summari[sz]e|analy[sz]e|compare|list|give|generate|classify|label|extract|pull|convert|turn|translate|fix|refactor|review|rewrite|prove|solve|calculate|find|design|build|plan|teach|describe|identify|suggest|help|make|you are|act as|i want you)\b/im;
const DANGLING_RE =
  /^\s*(?:fix|make|improve|review|summari[sz]e|refactor|explain|rewrite)?\s*(?:it|this|that|the above|these)\b/i;

const FEATURE_RES = {
  role: /\b(?:you are|act as|your role|as an? (?:expert|experienced|senior))\b/i,
  format:
    /\b(?:json|yaml|csv|table|markdown|bullet|numbered|headings?|output format|response format|fenced|code block|one per line|one name per line|final answer:)/i,
  audience:
    /\b(?:audience|readers?|for (?:beginners|experts|students|developers|engineers|children|kids|customers|managers|\d+(?:th|st|nd|rd) graders)|to a (?:beginner|child|non-expert))\b/i,
  length:
    /\b(?:\d+\s*(?:words?|sentences?|paragraphs?|lines?|bullets?|items?|characters?|pages?)|length|under \d+|at most|at least|no more than)\b/i,
  examples: /\b(?:example|e\.g\.|for instance|input:|output:)/i,
  success: /\b(?:success criteria|end goal|check (?:the|your|each|that)|must|verify|acceptance)\b/i,
  reasoning: /\b(?:step[- ]by[- ]step|reasoning|show your work|explain why|assumptions?)\b/i,
  constraints: /\b(?:must|do not|don't|never|always|exactly|only|at least|at most|no more than|without|avoid)\b/gi,
  language: /\b(?:python|typescript|javascript|sql|java|go|rust|c#|bash|express|react)\b/i,
};

/** Elements a prompt of each task type needs to be specific. */
const EXPECTED: Readonly<Record<TaskType, ReadonlyArray<keyof typeof FEATURE_RES>>> = {
  writing: ["audience", "length", "format", "role"],
  creative: ["length", "format", "role"],
  coding: ["language", "format", "examples", "success"],
  analysis: ["format", "reasoning", "success"],
  reasoning: ["reasoning", "format"],
  math: ["reasoning", "format"],
  classification: ["examples", "format"],
  extraction: ["format", "examples"],
  formatting: ["format", "examples"],
  medical: ["audience", "role", "format"],
  legal: ["role", "format", "success"],
  education: ["audience", "role", "format"],
  general: ["format", "role", "success"],
  other: ["format", "role"],
};

function count(re: RegExp, text: string, cap = 10_000): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text)) n++;
  return n;
}

function duplicateLines(text: string): number {
  const seen = new Set<string>();
  let dups = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim().toLowerCase();
    if (line.length < 20) continue;
    if (seen.has(line)) dups++;
    else seen.add(line);
  }
  return dups;
}

/** Raw dimension scores for one prompt text (faithfulness is relative and computed elsewhere). */
export function scorePrompt(text: string, analysis: Analysis): DimensionScores {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { clarity: 1, specificity: 1, structure: 1, conciseness: 1 };
  // Lines holding [[…]] markers name what is missing: half credit, never full credit.
  const markerLines = trimmed.match(MARKER_LINE_RE) ?? [];
  const solid = markerLines.length > 0 ? trimmed.replace(MARKER_LINE_RE, "") : trimmed;
  const markerText = markerLines.join("\n");

  const words = count(WORD_RE, trimmed, 1_000_000);
  const sentences = Math.max(1, count(SENTENCE_END_RE, trimmed, 1_000_000));
  const headings = count(HEADING_RE, trimmed);
  const listItems = count(LIST_ITEM_RE, trimmed);
  const vague = count(VAGUE_RE, solid);
  const filler = count(FILLER_RE, trimmed);
  const dups = duplicateLines(trimmed);
  const has = (k: keyof typeof FEATURE_RES) => {
    const re = FEATURE_RES[k];
    re.lastIndex = 0;
    if (re.test(solid)) return 1;
    re.lastIndex = 0;
    return re.test(markerText) ? 0.5 : 0;
  };

  // Clarity: a clear ask, short sentences, few vague words, no dangling reference.
  const avgSentence = words / sentences;
  let clarity = 5;
  if (IMPERATIVE_RE.test(trimmed)) clarity += 1.5;
  if (headings >= 2) clarity += 1;
  clarity += has("format") * 1 + has("role") * 0.5 + has("success") * 0.5;
  clarity -= Math.min(3, vague * 0.7);
  if (avgSentence > 45) clarity -= 2.5;
  else if (avgSentence > 30) clarity -= 1.5;
  if (words < 5) clarity -= 1.5;
  if (words < 15 && DANGLING_RE.test(trimmed)) clarity -= 1.5;

  // Specificity: coverage of what this task type needs, plus concrete details.
  const expected = EXPECTED[analysis.task_type];
  const coverage = expected.reduce((sum, k) => sum + has(k), 0) / expected.length;
  let specificity = 3 + 4 * coverage;
  specificity += Math.min(1.5, count(NUMBER_RE, solid, 20) * 0.4);
  specificity += Math.min(1.5, count(FEATURE_RES.constraints, solid, 20) * 0.3);
  specificity += Math.min(1, markerLines.length * 0.25);
  if (words > 25) specificity += 0.5;
  specificity -= Math.min(2, vague * 0.5);

  // Structure: headings and lists; short single asks need little, walls of text are penalised.
  let structure = 2 + Math.min(5, headings) + Math.min(2, listItems * 0.25);
  if (words <= 25 && sentences <= 2) structure += 1;
  if (/\n\s*\n/.test(trimmed)) structure += 0.5;
  if (words > 150 && headings === 0 && listItems === 0) structure -= 1;

  // Conciseness: penalise filler, repetition and length beyond what the instructions carry.
  const infoUnits = headings + listItems + sentences / 2;
  const excess = Math.max(0, words - 60 - 18 * infoUnits);
  const conciseness = 10 - 0.5 - filler - dups - Math.min(4, excess / 40);

  return {
    clarity: roundScore(clarity),
    specificity: roundScore(specificity),
    structure: roundScore(structure),
    conciseness: roundScore(conciseness),
  };
}

/** 10 when everything survived; −3 per lost protected item, minus up to 6 for lost content words. */
export function scoreFaithfulness(args: { original: string; optimized: string; missing: number }): number {
  const originalWords = contentWords(args.original);
  let lost = 0;
  if (originalWords.size > 0) {
    const kept = contentWords(args.optimized, 1_000_000);
    for (const w of originalWords) if (!kept.has(w)) lost++;
  }
  const lostRatio = originalWords.size > 0 ? lost / originalWords.size : 0;
  return roundScore(10 - 3 * args.missing - 6 * lostRatio);
}

const IMPROVEMENT_MARGIN = 0.3;

const LABELS: Readonly<Record<string, string>> = {
  clarity: "clarity",
  specificity: "specificity",
  structure: "structure",
  conciseness: "conciseness",
};

function signed(n: number): string {
  return `${n > 0 ? "+" : ""}${n.toFixed(1)}`;
}

export function validateRewrite(req: ValidateRequest): Validation {
  const { original, optimized, analysis } = req;
  const report = checkPreservation({ original, optimized, analysis });
  const original_scores: ScoreSet = { ...scorePrompt(original, analysis), faithfulness: 10 };
  const optimized_scores: ScoreSet = {
    ...scorePrompt(optimized, analysis),
    faithfulness: scoreFaithfulness({ original, optimized, missing: report.missing.length }),
  };
  const deltas: Record<string, number> = {};
  for (const dim of SCORE_DIMENSIONS)
    deltas[dim] = Math.round((optimized_scores[dim] - original_scores[dim]) * 10) / 10;
  const overall = computeOverall(optimized_scores);
  const originalOverall = computeOverall(original_scores);
  // A rewrite must gain a little more than rounding noise to count as better.
  const better = overall >= originalOverall + IMPROVEMENT_MARGIN && report.missing.length === 0;

  let verdict: string;
  if (report.missing.length > 0) {
    const first = report.missing[0].length > 60 ? `${report.missing[0].slice(0, 57)}…` : report.missing[0];
    verdict = `The rewrite lost ${report.missing.length} protected item${report.missing.length === 1 ? "" : "s"} of the original (first: "${first}"); faithfulness ${optimized_scores.faithfulness.toFixed(1)}.`;
  } else if (better) {
    const gains = (["clarity", "specificity", "structure"] as const)
      .filter((d) => deltas[d] > 0)
      .map((d) => `${LABELS[d]} ${signed(deltas[d])}`);
    verdict = `Improves ${gains.length > 0 ? gains.join(", ") : "the overall score"} and keeps every constraint and placeholder (overall ${overall.toFixed(1)} vs ${originalOverall.toFixed(1)}).`;
  } else {
    verdict = `No clear improvement over the original (overall ${overall.toFixed(1)} vs ${originalOverall.toFixed(1)}).`;
  }
  return {
    original_scores,
    optimized_scores,
    deltas,
    overall,
    is_improvement: decideImprovement(overall, better),
    verdict,
    preserved: report.preserved,
    length_ratio: lengthRatio(req.original, req.optimized),
  };
}

/** Optimized length over original length, two decimals (the original trimmed; never divides by 0). */
export function lengthRatio(original: string, optimized: string): number {
  const base = Math.max(1, original.trim().length);
  return Math.round((optimized.trim().length / base) * 100) / 100;
}
