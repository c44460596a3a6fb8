// Canned, stage-aware model replies: the fakes read the "PromptForge stage: …" header of the system
// prompt and answer like a competent model would, so a full pipeline run works against any fake.
import type { FakeReply, RecordedRequest } from "./fake-llm-core.js";

export const OPTIMIZED_MARKER = "You are an experienced specialist for this task.";

export function stageOf(system: string): string | null {
  return /PromptForge stage: (\w+)/.exec(system)?.[1] ?? null;
}

/** The text between <tag> and </tag> in a user message. */
export function tagged(user: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(user);
  return m?.[1] ?? "";
}

export function analysisValue() {
  return {
    task_type: "writing",
    complexity: "medium",
    weaknesses: [{ code: "PF-AUDIENCE", severity: "warning", message: "The prompt names no audience." }],
    strengths: ["States the topic clearly"],
    constraints: [],
    placeholders: [],
  };
}

export function strategyValue() {
  return {
    strategy: "persona-assignment",
    secondary_frameworks: ["co-star"],
    reasoning: "A writing task without an audience: a persona sets voice and standards.",
    confidence: 0.8,
  };
}

/** A rewrite that keeps the original verbatim inside new sections, so nothing protected is lost. */
export function optimizationValue(
  original: string,
  overrides: Partial<{ optimized_prompt: string; notes: string }> = {},
) {
  return {
    optimized_prompt: `${OPTIMIZED_MARKER}\n\n## Task\n${original}\n\n## Output format\nClear prose with a short title.`,
    framework_applied: "persona-assignment",
    changes_made: ["Added a persona", "Added an output format"],
    notes: "",
    ...overrides,
  };
}

/** Scores the prompt carrying OPTIMIZED_MARKER higher, whichever side (A or B) it was shown on. */
export function validationValue(user: string) {
  const a = tagged(user, "prompt_a");
  const optimizedIsA = a.includes(OPTIMIZED_MARKER);
  const good = { clarity: 8, specificity: 8, structure: 9, faithfulness: 9, conciseness: 7 };
  const weak = { clarity: 5, specificity: 4, structure: 3, faithfulness: 10, conciseness: 8 };
  const better = optimizedIsA ? "A" : "B";
  const worse = optimizedIsA ? "B" : "A";
  return {
    prompt_a: optimizedIsA ? good : weak,
    prompt_b: optimizedIsA ? weak : good,
    better,
    verdict: `Prompt ${better} is clearer and more specific than Prompt ${worse}.`,
  };
}

export function stageValue(req: Pick<RecordedRequest, "system" | "user">): unknown {
  switch (stageOf(req.system)) {
    case "analyze":
      return analysisValue();
    case "strategy":
      return strategyValue();
    case "optimize":
      return optimizationValue(tagged(req.user, "original_prompt"));
    case "validate":
      return validationValue(req.user);
    default:
      return { ok: true };
  }
}

export function stageReply(req: RecordedRequest): FakeReply {
  if (!stageOf(req.system)) return { type: "text", text: "OK" };
  return { type: "json", value: stageValue(req) };
}
