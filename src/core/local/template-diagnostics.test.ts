import { describe, expect, it } from "vitest";
import { analyzePrompt } from "./analyzer.js";

function codes(prompt: string): string[] {
  return analyzePrompt(prompt)
    .weaknesses.map((d) => d.code)
    .filter((c) => c.startsWith("PF-TEMPLATE"));
}

function find(prompt: string, code: string) {
  return analyzePrompt(prompt).weaknesses.find((d) => d.code === code);
}

describe("template diagnostics", () => {
  it("flags mixed placeholder styles, naming a variable written both ways", () => {
    const d = find("Summarize {doc} for {{audience}}.", "PF-TEMPLATE-MIXED");
    expect(d?.severity).toBe("warning");
    const both = find("Hello {name}. Sign off as {{name}}.", "PF-TEMPLATE-MIXED");
    expect(both?.message).toContain('"name" is written both as {name} and {{name}}');
    expect(codes("Summarize {doc} for {audience}.")).not.toContain("PF-TEMPLATE-MIXED");
  });

  it("flags a completion cue that is not the last line", () => {
    const prompt = "Question: {question}\nAnswer:\nKeep the answer short and cite the source.";
    const d = find(prompt, "PF-TEMPLATE-CUE");
    expect(d?.message).toContain('"Answer:" is not the last line');
    expect(prompt.slice(d!.span!.start, d!.span!.end)).toBe("Answer:");
    expect(codes("Keep the answer short.\nQuestion: {question}\nAnswer:")).not.toContain("PF-TEMPLATE-CUE");
  });

  it("flags an output contract that conflicts with another instruction", () => {
    const label = find(
      "Classify the review as positive or negative and explain why. Review: {review}",
      "PF-TEMPLATE-CONTRACT",
    );
    expect(label?.message).toContain("a single label");
    const json = find("Return JSON with keys a and b. Use a markdown table. {x}", "PF-TEMPLATE-CONTRACT");
    expect(json?.message).toContain("JSON");
    expect(codes("Classify the review as positive or negative. Review: {review}")).not.toContain(
      "PF-TEMPLATE-CONTRACT",
    );
  });

  it("flags a long input variable inline without delimiters, not a delimited one or a count", () => {
    const d = find("Summarize {article} in three bullet points for {audience}.", "PF-TEMPLATE-DELIMIT");
    expect(d?.message).toContain("<article>");
    expect(codes("Summarize the article.\n\nArticle:\n{article}")).not.toContain("PF-TEMPLATE-DELIMIT");
    expect(codes("Answer from <docs>{{documents}}</docs> only.")).not.toContain("PF-TEMPLATE-DELIMIT");
    expect(codes("Write {num_chunk} summaries of the text below.\n{text}")).not.toContain("PF-TEMPLATE-DELIMIT");
  });

  it("says nothing about prompts without template placeholders", () => {
    expect(codes("Answer:\nWrite a poem about the sea. Use a markdown table.")).toEqual([]);
  });
});
