// System prompt of the strategy stage: the catalogue of section 3.3 with its selection priorities.
import type { Analysis, CodebaseContext } from "../../core/pipeline/schemas.js";
import { STRATEGY_CATALOGUE, TASK_AFFINITIES } from "../../core/strategies/catalogue.js";
import { LlmStrategySchema } from "../stage-schemas.js";
import { fence, renderCodebaseContext, replyFormat, stageHeader, UNTRUSTED_RULE } from "./framing.js";
import type { StageMessages } from "./types.js";

export function strategyGuide(): string {
  const catalogue = STRATEGY_CATALOGUE.map((s) => `- ${s.name}: ${s.description} Best when: ${s.best_when}`).join("\n");
  const affinities = Object.entries(TASK_AFFINITIES)
    .map(([task, a]) => `${task} → ${a.primary} (then ${a.secondary.join(", ")})`)
    .join("; ");
  return ["Strategies:", catalogue, `Task-type affinities (primary, then secondaries): ${affinities}.`].join("\n");
}

export function strategyMessages(args: {
  prompt: string;
  analysis: Analysis;
  codebaseContext?: CodebaseContext;
}): StageMessages {
  const { analysis } = args;
  const system = [
    stageHeader("strategy"),
    "You are PromptForge's strategy selector. You choose how a prompt should be rewritten; you do not rewrite it and",
    "you never answer it.",
    UNTRUSTED_RULE,
    "",
    strategyGuide(),
    "",
    "Selection priorities, in order:",
    "1. High-complexity reasoning, analysis or math → chain-of-thought.",
    "2. Several specificity weaknesses (vague wording, missing audience, length, context or success criteria) →",
    "   constraint-injection, unless the natural strategy for the task already handles vagueness.",
    "3. Otherwise the task-type affinity.",
    "4. Skip a strategy the prompt already satisfies (it already has numbered steps, examples, a persona or an",
    "   output format) in favour of the next one.",
    "secondary_frameworks: 0 to 2 other strategies worth blending in, different from the primary.",
    "reasoning: one or two sentences that name the task type and the weaknesses that decided it.",
    "confidence: between 0 and 1.",
    renderCodebaseContext(args.codebaseContext),
    "",
    replyFormat(LlmStrategySchema),
  ].join("\n");
  const diagnosis = [
    `task_type: ${analysis.task_type}; complexity: ${analysis.complexity}`,
    `weaknesses: ${analysis.weaknesses.map((w) => `${w.code} (${w.message})`).join("; ") || "none"}`,
    `strengths: ${analysis.strengths.join("; ") || "none"}`,
  ].join("\n");
  return {
    system,
    user: `Analysis:\n${diagnosis}\n\nChoose a strategy for this prompt.\n${fence("original_prompt", args.prompt)}`,
  };
}
