import { describe, expect, it } from "vitest";
import { type Analysis, computeOverall, ValidationSchema } from "../pipeline/schemas.js";
import { checkPreservation, scoreFaithfulness, scorePrompt, validateRewrite } from "./scorer.js";

const base: Analysis = {
  task_type: "creative",
  complexity: "low",
  weaknesses: [],
  strengths: [],
  constraints: [{ kind: "keywords.exclude", text: 'Do not use the word "fall".', params: { keywords: ["fall"] } }],
  placeholders: [],
};
const haiku = 'Write a haiku about autumn leaves. Do not use the word "fall".';
const goodRewrite = [
  "You are a poet who writes precise, image-driven haiku.",
  "",
  "## Task",
  "Write a haiku about autumn leaves.",
  "",
  "## Requirements",
  '- Do not use the word "fall".',
  "- Follow the 5-7-5 syllable pattern across three lines.",
  "",
  "## Output format",
  "Only the haiku: three lines, with no title or commentary.",
].join("\n");

describe("checkPreservation", () => {
  it("reports everything kept when the rewrite contains every protected span", () => {
    expect(checkPreservation({ original: haiku, optimized: goodRewrite, analysis: base })).toEqual({
      preserved: { constraints: { kept: 1, total: 1 }, placeholders: { kept: 0, total: 0 } },
      missing: [],
    });
  });

  it("lists lost constraints, placeholders, code, URLs and quotations", () => {
    const original =
      'Summarise {{doc}} using `jq .items` and see https://example.com/a.b. Say "hello world" first.\n```py\nprint(1)\n```';
    const analysis: Analysis = { ...base, constraints: [], placeholders: ["{{doc}}"] };
    const report = checkPreservation({ original, optimized: "Summarise the document.", analysis });
    expect(report.preserved.placeholders).toEqual({ kept: 0, total: 1 });
    expect(report.missing).toEqual(
      expect.arrayContaining(["{{doc}}", "print(1)", "`jq .items`", "https://example.com/a.b", '"hello world"']),
    );
  });

  it("accepts a quotation whose quote marks changed style but whose words did not", () => {
    const report = checkPreservation({
      original: 'End with "Goodbye, summer."',
      optimized: "End with “Goodbye, summer.”",
      analysis: { ...base, constraints: [] },
    });
    expect(report.missing).toEqual([]);
  });

  it("treats apostrophes inside words as apostrophes, not quotations", () => {
    const report = checkPreservation({
      original: "Don't mention the price, it's secret. Use 'exact phrase' here.",
      optimized: "Use 'exact phrase'.",
      analysis: { ...base, constraints: [] },
    });
    expect(report.missing).toEqual([]);
  });
});

describe("scorePrompt", () => {
  it("scores a bare vague prompt low on specificity", () => {
    const s = scorePrompt("make it better", { ...base, task_type: "general", constraints: [] });
    expect(s.specificity).toBeGreaterThanOrEqual(2);
    expect(s.specificity).toBeLessThanOrEqual(4);
    expect(s.clarity).toBeLessThan(5);
  });

  it("scores a structured rewrite above the original on clarity, specificity and structure", () => {
    const before = scorePrompt(haiku, base);
    const after = scorePrompt(goodRewrite, base);
    expect(after.clarity).toBeGreaterThan(before.clarity);
    expect(after.specificity).toBeGreaterThan(before.specificity);
    expect(after.structure).toBeGreaterThan(before.structure);
  });

  it("penalises filler and repeated instructions in conciseness", () => {
    const padded = `${goodRewrite}\n- Be creative and engaging!\n- Follow the 5-7-5 syllable pattern across three lines.\n- Do your best, feel free to be amazing.`;
    expect(scorePrompt(padded, base).conciseness).toBeLessThan(scorePrompt(goodRewrite, base).conciseness - 2);
  });

  it("returns one-decimal scores within 1–10, also for empty text", () => {
    for (const text of ["", "x", "a ".repeat(5000), goodRewrite]) {
      for (const v of Object.values(scorePrompt(text, base))) {
        expect(v).toBeGreaterThanOrEqual(1);
        expect(v).toBeLessThanOrEqual(10);
        expect(Math.round(v * 10) / 10).toBe(v);
      }
    }
  });
});

describe("scoreFaithfulness", () => {
  it("is 10 when everything survives and falls by 3 per lost protected item", () => {
    expect(scoreFaithfulness({ original: haiku, optimized: goodRewrite, missing: 0 })).toBe(10);
    expect(scoreFaithfulness({ original: haiku, optimized: goodRewrite, missing: 1 })).toBe(7);
  });

  it("falls with the share of lost content words and never goes below 1", () => {
    const f = scoreFaithfulness({
      original: "Describe autumn leaves falling gently",
      optimized: "Describe something",
      missing: 0,
    });
    expect(f).toBeLessThan(6);
    expect(scoreFaithfulness({ original: haiku, optimized: "", missing: 5 })).toBe(1);
  });
});

describe("validateRewrite", () => {
  it("judges a faithful structured rewrite an improvement", () => {
    const v = validateRewrite({ original: haiku, optimized: goodRewrite, analysis: base });
    expect(ValidationSchema.parse(v)).toEqual(v);
    expect(v.original_scores.faithfulness).toBe(10);
    expect(v.optimized_scores.faithfulness).toBe(10);
    expect(v.overall).toBe(computeOverall(v.optimized_scores));
    expect(v.is_improvement).toBe(true);
    expect(v.deltas.structure).toBe(Math.round((v.optimized_scores.structure - v.original_scores.structure) * 10) / 10);
    expect(v.verdict).toMatch(/^Improves /);
  });

  it("rejects a rewrite that paraphrases a constraint away", () => {
    const paraphrased = goodRewrite.replace('Do not use the word "fall".', "Avoid seasonal clichés.");
    const v = validateRewrite({ original: haiku, optimized: paraphrased, analysis: base });
    expect(v.preserved.constraints).toEqual({ kept: 0, total: 1 });
    expect(v.optimized_scores.faithfulness).toBeLessThanOrEqual(7);
    expect(v.is_improvement).toBe(false);
    expect(v.verdict).toContain("lost 1 protected item");
  });

  it("does not call an unchanged prompt an improvement", () => {
    const v = validateRewrite({ original: haiku, optimized: haiku, analysis: base });
    expect(v.is_improvement).toBe(false);
    expect(Object.values(v.deltas).every((d) => d === 0)).toBe(true);
  });
});
