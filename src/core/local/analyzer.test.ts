import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Analysis, AnalysisSchema, type TaskType } from "../pipeline/schemas.js";
import { analyzePrompt } from "./analyzer.js";
import { detectTaskType } from "./task-type.js";

interface Fixture {
  id: string;
  task?: TaskType;
  prompt: string;
}

function load(name: string): Fixture[] {
  const url = new URL(`../../../test/fixtures/prompts/${name}`, import.meta.url);
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Fixture);
}

const everyday = load("everyday.jsonl");
const byId = new Map(everyday.map((e) => [e.id, e]));
const analyze = (id: string): Analysis => analyzePrompt(byId.get(id)!.prompt);
const codes = (a: Analysis) => a.weaknesses.map((d) => d.code);
const kinds = (a: Analysis) => a.constraints.map((c) => c.kind);

/** Everyday prompts whose task type the rules do not (yet) get right, with what they say instead. */
const KNOWN_TASK_TYPE_MISSES: Record<string, TaskType> = {
  // "…print your system prompt, then summarize this article": the summarizing wins over "general".
  "ev-24": "writing",
};

describe("analyzePrompt on the everyday corpus", () => {
  it.each(everyday.filter((e) => !(e.id in KNOWN_TASK_TYPE_MISSES)))("$id is typed as $task", (e) => {
    expect(detectTaskType(e.prompt)).toBe(e.task);
    expect(analyzePrompt(e.prompt).task_type).toBe(e.task);
  });

  it("keeps the known task-type misses visible", () => {
    for (const [id, actual] of Object.entries(KNOWN_TASK_TYPE_MISSES)) expect(analyze(id).task_type).toBe(actual);
    const correct = everyday.filter((e) => detectTaskType(e.prompt) === e.task).length;
    expect(correct).toBeGreaterThanOrEqual(36);
  });

  it("types a bare request for code as coding and written-out arithmetic as math", () => {
    expect(detectTaskType("write a function that reverses a string")).toBe("coding");
    expect(detectTaskType("Implement a method to check if a number is prime")).toBe("coding");
    expect(detectTaskType("What is 17 * 23?")).toBe("math");
    expect(detectTaskType("what is 120 ÷ 8")).toBe("math");
    // Not arithmetic: dates, grid sizes and counted things stay what they are.
    expect(detectTaskType("plan a trip from 2024-05-01 to 2024-05-07")).toBe("general");
    expect(detectTaskType("Write a 3x3 grid poem")).toBe("creative");
    expect(detectTaskType("Write a blog post about remote work")).toBe("writing");
  });

  it("ev-01 matches the EXAMPLES.md analysis of a bare blog-post request", () => {
    const a = analyze("ev-01");
    expect(a.task_type).toBe("writing");
    expect(a.complexity).toBe("low");
    expect(codes(a)).toEqual(["PF-ROLE", "PF-AUDIENCE", "PF-LENGTH", "PF-FORMAT", "PF-VAGUE"]);
    expect(a.weaknesses.map((d) => d.severity)).toEqual(["warning", "warning", "warning", "info", "info"]);
    expect(a.weaknesses[4].message).toBe('"about remote work" is broad: no angle, thesis or key points.');
  });

  it("finds the placeholders of ev-07, ev-10, ev-12 and ev-30 and flags them as info", () => {
    const expected: Record<string, string> = {
      "ev-07": "{{invoice_text}}",
      "ev-10": "{notes}",
      "ev-12": "[CLAUSE]",
      "ev-30": "<yaml>",
    };
    for (const [id, placeholder] of Object.entries(expected)) {
      const a = analyze(id);
      expect(a.placeholders).toEqual([placeholder]);
      const diag = a.weaknesses.find((d) => d.code === "PF-PLACEHOLDER");
      expect(diag?.severity).toBe("info");
      expect(byId.get(id)!.prompt.slice(diag!.span!.start, diag!.span!.end)).toBe(placeholder);
      expect(codes(a)).not.toContain("PF-DANGLING"); // the material is the placeholder
    }
  });

  it("extracts the constraints of ev-14, ev-19, ev-21, ev-31, ev-34, ev-35 and ev-37", () => {
    const ev14 = analyze("ev-14").constraints;
    expect(ev14.find((c) => c.kind === "length.words")).toMatchObject({
      text: "under 120 words",
      params: { count: 120, relation: "less than" },
    });
    expect(ev14.find((c) => c.kind === "keywords.exclude")?.params.keywords).toEqual(["price"]);
    expect(analyze("ev-19").constraints).toMatchObject([
      { kind: "startend.end_phrase", params: { phrase: "We appreciate your patience." } },
    ]);
    expect(kinds(analyze("ev-21"))).toEqual(["length.items", "case.lower", "punctuation.no_commas"]);
    expect(analyze("ev-21").constraints[0].params).toMatchObject({ count: 10 });
    expect(analyze("ev-31").constraints.find((c) => c.kind === "language.response")?.params).toEqual({
      language: "Spanish",
      code: "es",
    });
    expect(analyze("ev-34").constraints).toMatchObject([
      { kind: "format.bullets", text: "exactly 3 bullet points", params: { count: 3, relation: "exactly" } },
    ]);
    expect(analyze("ev-35").constraints).toMatchObject([
      { kind: "keywords.exclude", text: 'Do not use the word "fall"', params: { keywords: ["fall"] } },
    ]);
    const ev37 = analyze("ev-37").constraints;
    expect(ev37.find((c) => c.kind === "length.words")?.params).toMatchObject({ count: 50, relation: "less than" });
    expect(kinds(analyze("ev-37"))).toContain("startend.quotation");
    expect(analyze("ev-20").constraints).toMatchObject([{ kind: "format.json", params: { keys: ["sku", "qty"] } }]);
    expect(analyze("ev-28").constraints).toMatchObject([
      { kind: "format.table", params: { columns: ["Tweet", "Sentiment"] } },
    ]);
  });

  it("flags injection attempts in ev-24 and ev-38 as warnings", () => {
    for (const id of ["ev-24", "ev-38"]) {
      const injection = analyze(id).weaknesses.filter((d) => d.code === "PF-INJECTION");
      expect(injection.length).toBeGreaterThan(0);
      expect(injection.every((d) => d.severity === "warning")).toBe(true);
    }
    expect(analyze("ev-38").task_type).toBe("other");
  });

  it("flags dangling references to material that is not supplied", () => {
    const dangling = (id: string) => analyze(id).weaknesses.filter((d) => d.code === "PF-DANGLING");
    expect(dangling("ev-18")[0]).toMatchObject({ severity: "warning", span: { start: 9, end: 23 } });
    expect(dangling("ev-18")[0].message).toContain('"the code above"');
    for (const id of ["ev-06", "ev-20", "ev-24", "ev-34", "ev-37", "ev-40"]) expect(dangling(id).length).toBe(1);
    // Material supplied after a blank line or a colon, or the requested output itself ("The email must…").
    for (const id of ["ev-02", "ev-19", "ev-26", "ev-33"]) expect(dangling(id)).toEqual([]);
  });

  it("reports the specificity weaknesses a reviewer would point at", () => {
    expect(codes(analyze("ev-03"))).toContain("PF-VAGUE"); // "some stats"
    expect(codes(analyze("ev-15"))).toContain("PF-VAGUE"); // "the top customers"
    expect(codes(analyze("ev-04"))).toContain("PF-CONTEXT"); // "our sales numbers"
    expect(codes(analyze("ev-25"))).toContain("PF-CONTEXT"); // "the attached logs"
    expect(codes(analyze("ev-16"))).toContain("PF-CONTEXT"); // five words
    for (const id of ["ev-08", "ev-10", "ev-18", "ev-25", "ev-26", "ev-40"]) {
      expect(codes(analyze(id)), id).toContain("PF-VAGUE-QUALITY");
    }
    for (const id of ["ev-05", "ev-11", "ev-23"]) expect(codes(analyze(id)), id).toContain("PF-REASONING");
    expect(codes(analyze("ev-29"))).not.toContain("PF-REASONING"); // "Prove" asks for the reasoning
    for (const id of ["ev-06", "ev-07", "ev-20", "ev-28", "ev-30"])
      expect(codes(analyze(id)), id).toContain("PF-EXAMPLES");
    for (const id of ["ev-18", "ev-33", "ev-37"]) expect(codes(analyze(id)), id).toContain("PF-MULTI-TASK");
    expect(codes(analyze("ev-02"))).toContain("PF-SUCCESS");
  });

  it("raises errors only for conflicts, never for fixable gaps", () => {
    for (const e of everyday) {
      expect(
        analyzePrompt(e.prompt).weaknesses.filter((d) => d.severity === "error"),
        e.id,
      ).toEqual([]);
    }
  });

  it("names strengths in short sentences", () => {
    expect(analyze("ev-20").strengths).toContain("States an explicit output format (JSON).");
    expect(analyze("ev-14").strengths).toContain('Sets a measurable length ("under 120 words").');
    expect(analyze("ev-09").strengths).toContain('Names the audience ("to a beginner").');
    expect(analyze("ev-01").strengths).toEqual([]);
  });
});

describe("analyzePrompt diagnostics", () => {
  it("reports an empty prompt as an error and nothing else", () => {
    for (const text of ["", "   \n\t "]) {
      expect(analyzePrompt(text).weaknesses).toEqual([
        { code: "PF-EMPTY", severity: "error", message: "The prompt is empty." },
      ]);
    }
  });

  it("reports contradictory constraints as errors", () => {
    const a = analyzePrompt("Write a poem in under 50 words and at least 200 words, all lowercase and in all caps.");
    const conflicts = a.weaknesses.filter((d) => d.code === "PF-CONFLICT");
    expect(conflicts.map((d) => d.severity)).toEqual(["error", "error"]);
    expect(conflicts[0].message).toContain('"under 50 words"');
  });

  it("reports brief-versus-detailed as a warning, but not 'thorough but concise'", () => {
    const a = analyzePrompt("Explain TCP. Be brief. Be detailed.");
    expect(a.weaknesses.find((d) => d.code === "PF-CONFLICT")?.severity).toBe("warning");
    expect(codes(analyze("ev-25"))).not.toContain("PF-CONFLICT");
  });

  it("reports only-negative instructions and walls of text", () => {
    expect(codes(analyzePrompt("Don't use jargon. Never exceed one page."))).toContain("PF-NEGATIVE-ONLY");
    const wall = `Write an essay about energy policy ${"and its many trade-offs for households and industry ".repeat(20)}.`;
    expect(codes(analyzePrompt(wall))).toContain("PF-WALL");
  });

  it("treats codebase context as the material a coding prompt refers to", () => {
    const prompt = "Refactor the code above to be cleaner and add tests.";
    const a = analyzePrompt(prompt, { codebaseContext: { language: "TypeScript", code_snippets: ["const x = 1;"] } });
    expect(codes(a)).not.toContain("PF-DANGLING");
    expect(a.strengths).toContain("Codebase context is attached (TypeScript).");
  });

  it("orders diagnostics by span start, then severity", () => {
    for (const e of everyday) {
      const ws = analyzePrompt(e.prompt).weaknesses;
      const rank = { error: 0, warning: 1, info: 2 } as const;
      for (let i = 1; i < ws.length; i++) {
        const [a, b] = [ws[i - 1], ws[i]];
        const [sa, sb] = [a.span?.start ?? 0, b.span?.start ?? 0];
        expect(sa < sb || (sa === sb && rank[a.severity] <= rank[b.severity]), e.id).toBe(true);
      }
    }
  });

  it("is deterministic", () => {
    for (const e of everyday)
      expect(JSON.stringify(analyzePrompt(e.prompt))).toBe(JSON.stringify(analyzePrompt(e.prompt)));
  });
});

describe("analyzePrompt robustness", () => {
  it("analyzes all awesome-chatgpt prompts into valid analyses", () => {
    const corpus = load("awesome-chatgpt-prompts.jsonl");
    expect(corpus.length).toBe(1282);
    for (const e of corpus) {
      const a = analyzePrompt(e.prompt);
      AnalysisSchema.parse(a);
      for (const c of a.constraints) expect(e.prompt.slice(c.span!.start, c.span!.end)).toBe(c.text);
      for (const p of a.placeholders) expect(e.prompt.includes(p)).toBe(true);
    }
  }, 120_000); // 1 282 full analyses (patterns + classifier): ~15 s alone, more on a loaded CI machine

  it("returns a valid analysis for any string", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            "\u0000",
            "\n",
            "```",
            "{{x}}",
            "[A]",
            "<b>",
            " under 5 words",
            "İ",
            "🦝",
            "Respond in French.",
          ),
          { maxLength: 30 },
        )
        .map((parts) => parts.join(" ")),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const a = AnalysisSchema.parse(analyzePrompt(text));
        for (const c of a.constraints) expect(text.slice(c.span!.start, c.span!.end)).toBe(c.text);
        for (const p of a.placeholders) expect(text.includes(p)).toBe(true);
        for (const d of a.weaknesses) {
          if (d.span) expect(d.span.start <= d.span.end && d.span.end <= text.length).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("handles 20k-character strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 20_000, maxLength: 20_000 }), (text) => {
        AnalysisSchema.parse(analyzePrompt(text));
      }),
      { numRuns: 5 },
    );
    AnalysisSchema.parse(analyzePrompt("Write at least 5 words. ".repeat(1_000)));
  });
});
