// Strategy selection for the local engine (PRODUCT.md 3.3): user override, then high-complexity
// reasoning → chain-of-thought, then many specificity gaps → constraint-injection, then the
// task-type affinity table, skipping strategies the prompt already satisfies.
import type { StrategyRequest } from "../pipeline/engine.js";
import type { Analysis, StrategyName, StrategyResult, TaskType } from "../pipeline/schemas.js";
import { TASK_AFFINITIES } from "../strategies/catalogue.js";
import { detectFeatures, type PromptFeatures } from "./prompt-features.js";

/** Diagnostics that say "the prompt leaves something specific unsaid". */
const SPECIFICITY_CODES = new Set([
  "PF-VAGUE",
  "PF-VAGUE-QUALITY",
  "PF-AUDIENCE",
  "PF-LENGTH",
  "PF-SUCCESS",
  "PF-CONTEXT",
]);
const SPECIFICITY_THRESHOLD = 3;

/** How each diagnostic reads inside "… task with missing X and Y". */
const MISSING_PHRASES: Readonly<Record<string, string>> = {
  "PF-AUDIENCE": "audience",
  "PF-VAGUE": "angle",
  "PF-CONTEXT": "context",
  "PF-LENGTH": "length",
  "PF-ROLE": "role",
  "PF-FORMAT": "output format",
  "PF-SUCCESS": "success criteria",
  "PF-EXAMPLES": "examples",
  "PF-VAGUE-QUALITY": "quality criteria",
  "PF-REASONING": "request to reason",
  "PF-DANGLING": "input it refers to",
};
/** Order in which gaps are named: the ones that decide the strategy first. */
const PHRASE_ORDER = [
  "PF-REASONING",
  "PF-AUDIENCE",
  "PF-VAGUE",
  "PF-CONTEXT",
  "PF-DANGLING",
  "PF-EXAMPLES",
  "PF-FORMAT",
  "PF-LENGTH",
  "PF-VAGUE-QUALITY",
  "PF-SUCCESS",
  "PF-ROLE",
];

/** The gaps each strategy answers best: named first in the reasoning. */
const DECIDING: Readonly<Record<StrategyName, readonly string[]>> = {
  "co-star": ["PF-AUDIENCE", "PF-VAGUE", "PF-CONTEXT", "PF-FORMAT"],
  risen: ["PF-ROLE", "PF-CONTEXT", "PF-SUCCESS", "PF-AUDIENCE"],
  "chain-of-thought": ["PF-REASONING", "PF-CONTEXT", "PF-FORMAT"],
  "few-shot-scaffolding": ["PF-EXAMPLES", "PF-FORMAT"],
  "role-task-format": ["PF-ROLE", "PF-FORMAT", "PF-CONTEXT", "PF-VAGUE"],
  "structured-output": ["PF-FORMAT", "PF-EXAMPLES", "PF-CONTEXT"],
  "step-by-step": ["PF-CONTEXT", "PF-FORMAT"],
  "constraint-injection": ["PF-VAGUE", "PF-VAGUE-QUALITY", "PF-AUDIENCE", "PF-CONTEXT", "PF-LENGTH", "PF-SUCCESS"],
  "context-enrichment": ["PF-CONTEXT", "PF-DANGLING", "PF-AUDIENCE"],
  "persona-assignment": ["PF-AUDIENCE", "PF-VAGUE", "PF-CONTEXT", "PF-ROLE"],
};

const RATIONALE: Readonly<Record<StrategyName, string>> = {
  "co-star": "context, objective, style, tone, audience and response format sections fill the gaps",
  risen: "a role, ordered instructions and a clear end goal give the work a path",
  "chain-of-thought": "explicit step-by-step reasoning before the answer makes the result checkable",
  "few-shot-scaffolding": "example slots show the exact input-to-output mapping",
  "role-task-format": "a role, a clearly stated task and an output format give it a reliable shape",
  "structured-output": "a precise output schema makes the result easy to check and consume",
  "step-by-step": "ordered, numbered instructions make each step explicit",
  "constraint-injection": "explicit DO / DO NOT rules pin down what the prompt leaves open",
  "context-enrichment": "background and references supply what the model cannot know",
  "persona-assignment": "a persona sets voice and standards",
};

const SKIP_REASON: Partial<Record<StrategyName, string>> = {
  "step-by-step": "it already lists numbered steps",
  "few-shot-scaffolding": "it already includes examples",
  "persona-assignment": "it already assigns a persona",
  "structured-output": "it already specifies an output format",
};

function isSatisfied(name: StrategyName, f: PromptFeatures): boolean {
  switch (name) {
    case "step-by-step":
      return f.hasNumberedSteps;
    case "few-shot-scaffolding":
      return f.hasExamples;
    case "persona-assignment":
      return f.hasPersona;
    case "structured-output":
      return f.hasFormat;
    default:
      return false;
  }
}

function handlesVagueness(primary: StrategyName, secondaries: readonly StrategyName[]): boolean {
  if (primary === "co-star" || primary === "risen" || primary === "constraint-injection") return true;
  return primary === "persona-assignment" && secondaries.includes("context-enrichment");
}

function distinctCodes(analysis: Analysis): Set<string> {
  return new Set(analysis.weaknesses.map((w) => w.code));
}

function describeGaps(codes: Set<string>, strategy: StrategyName, max = 2): string {
  const ordered = [...DECIDING[strategy], ...PHRASE_ORDER].filter((c, i, all) => codes.has(c) && all.indexOf(c) === i);
  const phrases = ordered.map((c) => MISSING_PHRASES[c]).filter((p): p is string => Boolean(p));
  if (phrases.length === 0) return "with no major gaps";
  const shown = phrases.slice(0, max);
  const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
  return `with missing ${list}`;
}

function taskLabel(t: TaskType): string {
  return t === "other" || t === "general" ? "General" : `${t[0].toUpperCase()}${t.slice(1)}`;
}

function rationaleFor(primary: StrategyName, secondaries: readonly StrategyName[]): string {
  let text = RATIONALE[primary];
  if (primary === "persona-assignment" && secondaries.includes("context-enrichment"))
    text += ", context fills the gaps";
  return text;
}

function pickSecondaries(
  candidates: readonly StrategyName[],
  primary: StrategyName,
  f: PromptFeatures,
): StrategyName[] {
  const out: StrategyName[] = [];
  for (const c of candidates) {
    if (c !== primary && !out.includes(c) && !isSatisfied(c, f)) out.push(c);
    if (out.length === 2) break;
  }
  return out;
}

function clampConfidence(v: number): number {
  return Math.round(Math.min(0.95, Math.max(0.5, v)) * 100) / 100;
}

/**
 * The caller's own secondaries win over a selector's (local or a model's): the result keeps them as
 * given. `null` when the selected primary is one of them, so the caller re-selects a primary that
 * leaves the user's choice intact (the local selector does, see `selectStrategy`).
 */
export function withRequestedSecondaries(
  result: StrategyResult,
  requested: readonly StrategyName[] | undefined,
): StrategyResult | null {
  if (requested === undefined) return result;
  if (requested.includes(result.strategy)) return null;
  const secondaries = requested.filter((s, i, all) => all.indexOf(s) === i).slice(0, 2);
  return {
    ...result,
    secondary_frameworks: secondaries,
    reasoning: `${result.reasoning} Secondary frameworks as requested: ${secondaries.join(", ") || "none"}.`,
  };
}

export function selectStrategy(req: StrategyRequest): StrategyResult {
  if (req.override || req.secondary === undefined) return selectUnconstrained(req);
  // Secondaries chosen by the user, primary left to selection: the primary must not be one of them.
  const chosen = selectUnconstrained(req);
  const kept = withRequestedSecondaries(chosen, req.secondary);
  if (kept) return kept;
  const requested = req.secondary;
  const affinity = TASK_AFFINITIES[req.analysis.task_type];
  const features = detectFeatures(req.prompt, req.analysis);
  const candidates: StrategyName[] = [affinity.primary, ...affinity.secondary, "role-task-format", "co-star", "risen"];
  const primary =
    candidates.find((c) => !requested.includes(c) && !isSatisfied(c, features)) ??
    candidates.find((c) => !requested.includes(c)) ??
    "role-task-format";
  return {
    strategy: primary,
    secondary_frameworks: requested.filter((s, i, all) => all.indexOf(s) === i).slice(0, 2),
    reasoning: `${chosen.strategy} would lead, but it was requested as a secondary framework, so ${primary} leads (${RATIONALE[primary]}); secondary frameworks as requested: ${requested.join(", ")}.`,
    confidence: clampConfidence(chosen.confidence - 0.1),
  };
}

function selectUnconstrained(req: StrategyRequest): StrategyResult {
  const { analysis } = req;
  const features = detectFeatures(req.prompt, analysis);
  const affinity = TASK_AFFINITIES[analysis.task_type];
  const codes = distinctCodes(analysis);
  const label = taskLabel(analysis.task_type);

  if (req.override) {
    const requested = (req.secondary ?? []).filter((s, i, all) => s !== req.override && all.indexOf(s) === i);
    const secondaries =
      req.secondary !== undefined
        ? requested.slice(0, 2)
        : pickSecondaries([affinity.primary, ...affinity.secondary], req.override, features);
    return {
      strategy: req.override,
      secondary_frameworks: secondaries,
      reasoning: `${req.override} was chosen by the user; selection was skipped.`,
      confidence: 1,
    };
  }

  const type = analysis.task_type;
  // (1) High-complexity reasoning work needs the reasoning spelled out, whatever else is missing.
  if (analysis.complexity === "high" && (type === "reasoning" || type === "analysis" || type === "math")) {
    const secondaries = pickSecondaries(affinity.secondary, "chain-of-thought", features);
    return {
      strategy: "chain-of-thought",
      secondary_frameworks: secondaries,
      reasoning: `${label} task of high complexity ${describeGaps(codes, "chain-of-thought")}; ${RATIONALE["chain-of-thought"]}.`,
      confidence: 0.9,
    };
  }

  // (3)+(4) The natural strategy: the affinity list minus what the prompt already does.
  const candidates: StrategyName[] = [affinity.primary, ...affinity.secondary, "role-task-format"];
  const skipped = candidates.filter((c) => isSatisfied(c, features));
  const usable = candidates.filter((c) => !isSatisfied(c, features));
  const natural = usable[0] ?? "role-task-format";
  const naturalSecondaries = pickSecondaries(usable, natural, features);

  // (2) Several specificity gaps → explicit rules, unless the natural strategy already fills gaps.
  const specificity = [...codes].filter((c) => SPECIFICITY_CODES.has(c));
  if (specificity.length >= SPECIFICITY_THRESHOLD && !handlesVagueness(natural, naturalSecondaries)) {
    const secondaries = pickSecondaries([natural, ...naturalSecondaries], "constraint-injection", features);
    return {
      strategy: "constraint-injection",
      secondary_frameworks: secondaries,
      reasoning: `${label} task ${describeGaps(codes, "constraint-injection", 3)}; ${RATIONALE["constraint-injection"]}.`,
      confidence: clampConfidence(0.6 + 0.05 * (specificity.length - SPECIFICITY_THRESHOLD)),
    };
  }

  const skippedPrimary = skipped.includes(affinity.primary) ? affinity.primary : null;
  let reasoning = `${label} task ${describeGaps(codes, natural)}; ${rationaleFor(natural, naturalSecondaries)}.`;
  if (skippedPrimary) {
    reasoning += ` ${affinity.primary} was skipped because ${SKIP_REASON[skippedPrimary] ?? "the prompt already covers it"}.`;
  }
  const generic = type === "general" || type === "other";
  let confidence = generic ? 0.6 : 0.8;
  if (skippedPrimary) confidence -= 0.1;
  if (analysis.weaknesses.length === 0) confidence -= 0.05;
  return {
    strategy: natural,
    secondary_frameworks: naturalSecondaries,
    reasoning,
    confidence: clampConfidence(confidence),
  };
}
