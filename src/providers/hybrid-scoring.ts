// Hybrid scoring (PRODUCT.md 3.4): the model's blind A/B scores are mapped back to original and
// optimized, blended with the local scorer per dimension, and flagged where the two disagree.
// `overall` is computed here, never taken from the model.
import {
  computeOverall,
  decideImprovement,
  roundScore,
  SCORE_DIMENSIONS,
  type ScoreSet,
  type Validation,
} from "../core/pipeline/schemas.js";
import type { LlmValidation } from "./stage-schemas.js";

/** Scores further apart than this are flagged as divergent. */
export const DIVERGENCE_THRESHOLD = 2.5;

function relabel(verdict: string, originalIsA: boolean): string {
  const a = originalIsA ? "the original prompt" : "the optimized prompt";
  const b = originalIsA ? "the optimized prompt" : "the original prompt";
  return verdict
    .replace(/\bprompt\s+A\b/gi, a)
    .replace(/\bprompt\s+B\b/gi, b)
    .replace(
      /(^|[.!?]\s+)the (original|optimized) prompt/g,
      (_m, lead: string, which: string) => `${lead}The ${which} prompt`,
    )
    .trim();
}

export function blendValidation(args: { local: Validation; llm: LlmValidation; originalIsA: boolean }): Validation {
  const { local, llm, originalIsA } = args;
  const llmOriginal = originalIsA ? llm.prompt_a : llm.prompt_b;
  const llmOptimized = originalIsA ? llm.prompt_b : llm.prompt_a;
  const original = {} as ScoreSet;
  const optimized = {} as ScoreSet;
  const deltas: Record<string, number> = {};
  const divergence: Record<string, boolean> = {};
  for (const dim of SCORE_DIMENSIONS) {
    const modelOpt = roundScore(llmOptimized[dim]);
    const localOpt = local.optimized_scores[dim];
    optimized[dim] = roundScore((modelOpt + localOpt) / 2);
    let diverges = Math.abs(modelOpt - localOpt) > DIVERGENCE_THRESHOLD;
    if (dim === "faithfulness") {
      original[dim] = 10; // the original is faithful to itself by definition
    } else {
      const modelOrig = roundScore(llmOriginal[dim]);
      const localOrig = local.original_scores[dim];
      original[dim] = roundScore((modelOrig + localOrig) / 2);
      diverges ||= Math.abs(modelOrig - localOrig) > DIVERGENCE_THRESHOLD;
    }
    divergence[dim] = diverges;
    deltas[dim] = Math.round((optimized[dim] - original[dim]) * 10) / 10;
  }
  const overall = computeOverall(optimized);
  const optimizedLabel = originalIsA ? "B" : "A";
  const modelOpinion = llm.better === "tie" ? overall >= computeOverall(original) : llm.better === optimizedLabel;
  const verdict = relabel(llm.verdict, originalIsA) || local.verdict;
  return {
    original_scores: original,
    optimized_scores: optimized,
    deltas,
    overall,
    is_improvement: decideImprovement(overall, modelOpinion),
    verdict,
    divergence,
    preserved: local.preserved,
    ...(local.length_ratio !== undefined ? { length_ratio: local.length_ratio } : {}),
  };
}
