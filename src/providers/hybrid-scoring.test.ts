import { describe, expect, it } from "vitest";
import type { Validation } from "../core/pipeline/schemas.js";
import { blendValidation } from "./hybrid-scoring.js";

const five = { clarity: 5, specificity: 5, structure: 5, faithfulness: 10, conciseness: 5 };
const local: Validation = {
  original_scores: five,
  optimized_scores: { clarity: 7, specificity: 7, structure: 7, faithfulness: 9, conciseness: 6 },
  deltas: {},
  overall: 7.5,
  is_improvement: true,
  verdict: "local verdict",
  preserved: { constraints: { kept: 1, total: 1 }, placeholders: { kept: 0, total: 0 } },
};
const high = { clarity: 9, specificity: 9, structure: 9, faithfulness: 9, conciseness: 9 };
const low = { clarity: 2, specificity: 2, structure: 2, faithfulness: 2, conciseness: 2 };

describe("blendValidation", () => {
  it.each([true, false])("maps A/B back to original/optimized (original is A: %s)", (originalIsA) => {
    const llm = {
      prompt_a: originalIsA ? low : high,
      prompt_b: originalIsA ? high : low,
      better: originalIsA ? ("B" as const) : ("A" as const),
      verdict: `Prompt ${originalIsA ? "B" : "A"} beats Prompt ${originalIsA ? "A" : "B"}.`,
    };
    const v = blendValidation({ local, llm, originalIsA });
    expect(v.optimized_scores.clarity).toBe(8); // mean of 9 and 7
    expect(v.original_scores.clarity).toBe(3.5); // mean of 2 and 5
    expect(v.original_scores.faithfulness).toBe(10);
    expect(v.deltas.clarity).toBe(4.5);
    expect(v.divergence).toMatchObject({ clarity: true, conciseness: true, faithfulness: false });
    expect(v.verdict).toBe("The optimized prompt beats the original prompt.");
    expect(v.overall).toBe(8.3); // 0.25·8 + 0.25·8 + 0.2·8 + 0.3·9
    expect(v.is_improvement).toBe(true);
    expect(v.preserved).toBe(local.preserved);
  });
});
