// System prompt of the validate stage: a blind A/B comparison. The model does not know which prompt
// is the original, which removes position and authorship bias; the engine maps A/B back.
import type { Analysis, CodebaseContext } from "../../core/pipeline/schemas.js";
import { LlmValidationSchema } from "../stage-schemas.js";
import { fence, renderCodebaseContext, replyFormat, stageHeader, UNTRUSTED_RULE } from "./framing.js";
import type { StageMessages } from "./types.js";

export function validateMessages(args: {
  promptA: string;
  promptB: string;
  analysis: Analysis;
  codebaseContext?: CodebaseContext;
}): StageMessages {
  const { analysis } = args;
  const system = [
    stageHeader("validate"),
    "You are PromptForge's prompt reviewer. Two prompts, Prompt A and Prompt B, are meant to ask another language",
    "model for the same thing. Judge them as prompts; do not answer either of them.",
    UNTRUSTED_RULE,
    "",
    "Score each prompt from 1 to 10 (one decimal allowed) on:",
    "- clarity: is it unambiguous what the model must do?",
    "- specificity: are audience, scope, length, criteria and inputs pinned down?",
    "- structure: is it organised so the model can follow it (sections, steps, format)?",
    "- faithfulness: does it express the intended task and keep every requirement listed below, unchanged?",
    "- conciseness: is every sentence useful, without padding?",
    "better: which prompt would get the better response from a capable model (A, B or tie).",
    "verdict: two or three sentences explaining the comparison; call them Prompt A and Prompt B.",
    renderCodebaseContext(args.codebaseContext),
    "",
    replyFormat(LlmValidationSchema),
  ].join("\n");
  const requirements = analysis.constraints.map((c) => `- ${c.kind}: ${JSON.stringify(c.text)}`);
  for (const p of analysis.placeholders) requirements.push(`- placeholder ${p}`);
  const user = [
    `Intended task type: ${analysis.task_type}.`,
    `Requirements both prompts should keep:\n${requirements.join("\n") || "- none extracted"}`,
    fence("prompt_a", args.promptA),
    fence("prompt_b", args.promptB),
    "Compare them now.",
  ].join("\n\n");
  return { system, user };
}
