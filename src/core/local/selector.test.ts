import { describe, expect, it } from "vitest";
import { type Analysis, type Complexity, StrategyResultSchema, type TaskType } from "../pipeline/schemas.js";
import { selectStrategy } from "./selector.js";

function analysis(task_type: TaskType, codes: string[] = [], complexity: Complexity = "low"): Analysis {
  return {
    task_type,
    complexity,
    weaknesses: codes.map((code) => ({ code, severity: "warning" as const, message: code })),
    strengths: [],
    constraints: [],
    placeholders: [],
  };
}

describe("selectStrategy", () => {
  it("honours a user override with confidence 1 and affinity secondaries", () => {
    const r = selectStrategy({ prompt: "write a poem", analysis: analysis("creative"), override: "step-by-step" });
    expect(r.strategy).toBe("step-by-step");
    expect(r.confidence).toBe(1);
    expect(r.secondary_frameworks).toEqual(["persona-assignment", "co-star"]);
  });

  it("uses the requested secondaries with an override, without the primary or duplicates", () => {
    const r = selectStrategy({
      prompt: "x",
      analysis: analysis("general"),
      override: "risen",
      secondary: ["risen", "co-star", "co-star", "few-shot-scaffolding", "step-by-step"],
    });
    expect(r.secondary_frameworks).toEqual(["co-star", "few-shot-scaffolding"]);
  });

  it("keeps requested secondaries when the primary is left to selection", () => {
    const auto = selectStrategy({ prompt: "write a poem", analysis: analysis("creative") });
    expect(auto.secondary_frameworks).not.toEqual(["risen", "step-by-step"]);
    const r = selectStrategy({
      prompt: "write a poem",
      analysis: analysis("creative"),
      secondary: ["risen", "step-by-step"],
    });
    expect(r.strategy).toBe(auto.strategy);
    expect(r.secondary_frameworks).toEqual(["risen", "step-by-step"]);
    expect(r.reasoning).toMatch(/as requested: risen, step-by-step/);
    expect(selectStrategy({ prompt: "p", analysis: analysis("creative"), secondary: [] }).secondary_frameworks).toEqual(
      [],
    );
  });

  it("picks another primary when the natural one is requested as a secondary, keeping it a secondary", () => {
    const auto = selectStrategy({ prompt: "write a poem", analysis: analysis("creative") });
    const r = selectStrategy({ prompt: "write a poem", analysis: analysis("creative"), secondary: [auto.strategy] });
    expect(r.strategy).not.toBe(auto.strategy);
    expect(r.secondary_frameworks).toEqual([auto.strategy]);
    expect(StrategyResultSchema.parse(r)).toEqual(r);
  });

  it("(1) picks chain-of-thought for high-complexity reasoning, analysis and math", () => {
    for (const t of ["reasoning", "analysis", "math"] as const) {
      const r = selectStrategy({
        prompt: "p",
        analysis: analysis(t, ["PF-VAGUE", "PF-CONTEXT", "PF-SUCCESS"], "high"),
      });
      expect(r.strategy).toBe("chain-of-thought");
      expect(r.confidence).toBeGreaterThanOrEqual(0.85);
    }
  });

  it("(2) picks constraint-injection for three or more specificity gaps when the natural strategy cannot fill them", () => {
    const r = selectStrategy({
      prompt: "Write a SQL query to find the top customers.",
      analysis: analysis("coding", ["PF-VAGUE", "PF-CONTEXT", "PF-SUCCESS"]),
    });
    expect(r.strategy).toBe("constraint-injection");
    expect(r.secondary_frameworks[0]).toBe("structured-output");
    expect(r.reasoning).toMatch(/^Coding task with missing angle, context and success criteria;/);
  });

  it("(2) keeps the natural strategy when it already handles vagueness", () => {
    const gaps = ["PF-VAGUE", "PF-AUDIENCE", "PF-LENGTH", "PF-CONTEXT"];
    expect(selectStrategy({ prompt: "write a blog post", analysis: analysis("writing", gaps) }).strategy).toBe(
      "persona-assignment",
    );
    expect(selectStrategy({ prompt: "explain x", analysis: analysis("education", gaps) }).strategy).toBe("risen");
  });

  it("does not count repeated diagnostics of one code as several gaps", () => {
    const r = selectStrategy({ prompt: "p", analysis: analysis("general", ["PF-VAGUE", "PF-VAGUE", "PF-VAGUE"]) });
    expect(r.strategy).toBe("role-task-format");
  });

  it("(3) follows the affinity table", () => {
    const cases: Array<[TaskType, string]> = [
      ["coding", "structured-output"],
      ["classification", "few-shot-scaffolding"],
      ["medical", "persona-assignment"],
      ["education", "risen"],
      ["general", "role-task-format"],
      ["math", "chain-of-thought"],
    ];
    for (const [t, s] of cases)
      expect(selectStrategy({ prompt: "do the thing", analysis: analysis(t) }).strategy).toBe(s);
  });

  it("explains a writing choice the way EXAMPLES.md does", () => {
    const r = selectStrategy({
      prompt: "write a blog post about remote work",
      analysis: analysis("writing", ["PF-ROLE", "PF-AUDIENCE", "PF-LENGTH", "PF-FORMAT", "PF-VAGUE"]),
    });
    expect(r).toMatchObject({
      strategy: "persona-assignment",
      secondary_frameworks: ["context-enrichment", "co-star"],
    });
    expect(r.reasoning).toBe(
      "Writing task with missing audience and angle; a persona sets voice and standards, context fills the gaps.",
    );
  });

  it("(4) skips persona-assignment when the prompt already assigns a persona", () => {
    const r = selectStrategy({
      prompt: "You are a travel writer. Write a blog post about Lisbon.",
      analysis: analysis("writing"),
    });
    expect(r.strategy).toBe("context-enrichment");
    expect(r.secondary_frameworks).toEqual(["co-star", "role-task-format"]);
    expect(r.reasoning).toContain("persona-assignment was skipped because it already assigns a persona");
  });

  it("(4) skips structured-output when the prompt already specifies its output format", () => {
    const r = selectStrategy({
      prompt: "Extract the SKUs and return JSON with keys sku and qty.",
      analysis: analysis("extraction"),
    });
    expect(r.strategy).toBe("few-shot-scaffolding");
  });

  it("(4) skips few-shot-scaffolding when examples are given, and step-by-step when steps are numbered", () => {
    const cls = selectStrategy({
      prompt: "Classify the sentiment.\nExample: 'great!' -> positive",
      analysis: analysis("classification"),
    });
    expect(cls.strategy).toBe("structured-output");
    const edu = selectStrategy({
      prompt: "Explain recursion.\n1. define it\n2. give an example",
      analysis: analysis("education"),
      override: "risen",
    });
    expect(edu.secondary_frameworks).not.toContain("step-by-step");
  });

  it("does not trust the text check when the analyzer says the format is missing", () => {
    const r = selectStrategy({
      prompt: "Write a Python script that reads a CSV and prints stats.",
      analysis: analysis("coding", ["PF-FORMAT"]),
    });
    expect(r.strategy).toBe("structured-output");
  });

  it("always returns a schema-valid result with 0–2 secondaries distinct from the primary", () => {
    for (const t of ["general", "other", "writing", "legal", "formatting"] as const) {
      const r = selectStrategy({ prompt: "You are x. 1. a\n2. b\nExample: y. Return JSON.", analysis: analysis(t) });
      expect(StrategyResultSchema.parse(r)).toEqual(r);
      expect(r.secondary_frameworks).not.toContain(r.strategy);
      expect(r.confidence).toBeGreaterThanOrEqual(0.5);
      expect(r.confidence).toBeLessThanOrEqual(0.95);
    }
  });
});
