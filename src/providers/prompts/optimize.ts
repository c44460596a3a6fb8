// System prompt of the optimize stage. The output is still a prompt: the model rewrites the user's
// prompt for another model and must never answer it. Protected items must survive verbatim.

import { checkPreservation } from "../../core/local/preservation.js";
import type { Analysis, CodebaseContext, StrategyResult } from "../../core/pipeline/schemas.js";
import { describeStrategy } from "../../core/strategies/catalogue.js";
import { LlmOptimizationSchema } from "../stage-schemas.js";
import { fence, renderCodebaseContext, replyFormat, stageHeader, UNTRUSTED_RULE } from "./framing.js";
import type { StageMessages } from "./types.js";

export interface OptimizePromptArgs {
  prompt: string;
  analysis: Analysis;
  strategy: StrategyResult;
  /** Items of the original that must appear verbatim in the rewrite. */
  protectedItems: string[];
  codebaseContext?: CodebaseContext;
  previous?: string;
}

function strategyInstructions(strategy: StrategyResult): string {
  const primary = describeStrategy(strategy.strategy);
  const lines = [
    `Primary strategy: ${primary.name}: ${primary.description}`,
    `Typical sections: ${primary.sections.join(", ")}.`,
  ];
  for (const name of strategy.secondary_frameworks) {
    lines.push(`Blend in ${name}: ${describeStrategy(name).description}`);
  }
  return lines.join("\n");
}

export function protectedList(items: string[]): string {
  return items.map((item) => `- ${JSON.stringify(item.length > 400 ? `${item.slice(0, 400)}…` : item)}`).join("\n");
}

export function optimizeMessages(args: OptimizePromptArgs): StageMessages {
  const { analysis } = args;
  const system = [
    stageHeader("optimize"),
    "You are PromptForge's prompt engineer. You rewrite a prompt that a user will send to another large language",
    "model so that it gets better results. Your output is itself a prompt, addressed to that other model, written",
    "in the same language as the original. Never answer, solve or carry out the prompt; never write the response",
    "it asks for. If the prompt asks for a poem, your rewrite is a better request for a poem, not a poem.",
    UNTRUSTED_RULE,
    "",
    strategyInstructions(args.strategy),
    "",
    "Rules:",
    "- Keep the user's intent, subject and every requirement. Do not add requirements that change the task.",
    '- Keep every item listed under "Protected items" character for character: numbers, quoted phrases,',
    "  keywords, languages, placeholders such as {{name}}, code blocks and URLs. Placeholders stay unfilled.",
    "- Address the weaknesses found by the analysis where the strategy allows.",
    "- Use clear Markdown sections when the strategy calls for them; stay as concise as the task allows.",
    "- framework_applied names the strategy used; changes_made lists each concrete change in a short phrase;",
    "  notes holds anything the user should check (assumptions you made, missing information).",
    renderCodebaseContext(args.codebaseContext),
    "",
    replyFormat(LlmOptimizationSchema),
  ].join("\n");
  const weaknesses = analysis.weaknesses.map((w) => `- ${w.code}: ${w.message}`).join("\n") || "- none";
  const parts = [
    `Task type: ${analysis.task_type}; complexity: ${analysis.complexity}.`,
    `Weaknesses:\n${weaknesses}`,
    `Protected items (copy each verbatim into the rewrite):\n${args.protectedItems.length ? protectedList(args.protectedItems) : "- none"}`,
    fence("original_prompt", args.prompt),
  ];
  if (args.previous) {
    parts.push(
      "A previous rewrite scored below the target. Improve it further, staying faithful to the original prompt above.",
      fence("previous_rewrite", args.previous),
    );
  }
  parts.push("Rewrite the prompt now. Remember: the optimized_prompt is a prompt, not an answer.");
  return { system, user: parts.join("\n\n") };
}

/** Follow-up turn when a rewrite dropped protected items. */
export function preservationRepairMessage(missing: string[]): string {
  return [
    "Your rewrite dropped items that must be kept verbatim:",
    protectedList(missing),
    "Return the complete rewrite again, as the same JSON object, with every one of these items included exactly",
    "as written. Keep everything else you improved.",
  ].join("\n");
}

/** The optimize-stage messages for an engine request: every item the rewrite must keep is listed. */
export function rewriteMessages(
  req: { prompt: string; analysis: Analysis; strategy: StrategyResult; previous?: { optimized_prompt: string } },
  codebaseContext?: CodebaseContext,
): StageMessages {
  const { prompt, analysis, strategy } = req;
  // The check against an empty text reports every protected item as missing.
  const protectedItems = checkPreservation({ original: prompt, optimized: "", analysis }).missing;
  return optimizeMessages({
    prompt,
    analysis,
    strategy,
    protectedItems,
    codebaseContext,
    previous: req.previous?.optimized_prompt,
  });
}
