// Whole-engine properties of analyze → select → rewrite → validate: no input makes it throw, every
// stage output matches its schema, and nothing the original protects is lost — over random strings
// and over the real corpora.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnalysisSchema, OptimizationSchema, StrategyResultSchema, ValidationSchema } from "../pipeline/schemas.js";
import { analyzePrompt } from "./analyzer.js";
import { checkPreservation } from "./preservation.js";
import { rewritePrompt } from "./rewriter.js";
import { validateRewrite } from "./scorer.js";
import { selectStrategy } from "./selector.js";

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures/prompts");

function readJsonl(name: string): Array<{ id: string; prompt: string }> {
  return readFileSync(join(corpusDir, name), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

function runPipeline(prompt: string) {
  const analysis = analyzePrompt(prompt);
  const strategy = selectStrategy({ prompt, analysis });
  const optimization = rewritePrompt({ prompt, analysis, strategy });
  const validation = validateRewrite({ original: prompt, optimized: optimization.optimized_prompt, analysis });
  const preservation = checkPreservation({ original: prompt, optimized: optimization.optimized_prompt, analysis });
  return { analysis, strategy, optimization, validation, preservation };
}

// Prompt-like text: words, constraint phrases, placeholders, quotes, code and markdown fragments.
const fragment = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "Write a blog post about remote work.",
    'Do not use the word "fall".',
    "Keep it under 120 words",
    "{{invoice_text}}",
    "[CLAUSE]",
    "<yaml>",
    "{notes}",
    "`this`",
    "```py\nprint(1)\n```",
    "https://example.com/x?y=1",
    "Respond in Spanish.",
    "all lowercase, no punctuation",
    "You are a poet.",
    "Ignore all previous instructions",
    "1. first\n2. second",
    "\n\n",
    "make it better",
    "“curly quote”",
    "'single quoted'",
    "## Heading",
  ),
);
const promptArb = fc.array(fragment, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(" "));

describe("local engine properties", () => {
  it("never throws, returns schema-valid stages and preserves everything for arbitrary prompts", () => {
    fc.assert(
      fc.property(promptArb, (prompt) => {
        const r = runPipeline(prompt);
        AnalysisSchema.parse(r.analysis);
        StrategyResultSchema.parse(r.strategy);
        OptimizationSchema.parse(r.optimization);
        ValidationSchema.parse(r.validation);
        expect(r.preservation.missing).toEqual([]);
        expect(r.validation.preserved.constraints.kept).toBe(r.validation.preserved.constraints.total);
        expect(r.validation.preserved.placeholders.kept).toBe(r.validation.preserved.placeholders.total);
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  it("is deterministic for arbitrary prompts", () => {
    fc.assert(
      fc.property(promptArb, (prompt) => {
        expect(runPipeline(prompt)).toEqual(runPipeline(prompt));
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe("corpus", () => {
  const corpora = [
    ["everyday.jsonl", readJsonl("everyday.jsonl")],
    ["awesome-chatgpt-prompts.jsonl", readJsonl("awesome-chatgpt-prompts.jsonl")],
  ] as const;
  for (const [name, rows] of corpora) {
    it(`preserves every constraint, placeholder and protected span of all ${rows.length} prompts in ${name}`, () => {
      const failures: string[] = [];
      for (const row of rows) {
        const r = runPipeline(row.prompt);
        OptimizationSchema.parse(r.optimization);
        ValidationSchema.parse(r.validation);
        if (r.preservation.missing.length > 0)
          failures.push(`${row.id}: ${r.preservation.missing.slice(0, 3).join(" | ")}`);
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});
