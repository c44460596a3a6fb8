import { describe, expect, it } from "vitest";
import type { Constraint, ConstraintKind } from "../pipeline/schemas.js";
import { verifyOutput } from "./index.js";

const c = (kind: ConstraintKind, params: Constraint["params"], text = "instruction"): Constraint => ({
  kind,
  text,
  params,
});
const one = (constraint: Constraint, output: string, prompt?: string) =>
  verifyOutput([constraint], output, { prompt })[0];

describe("length.words", () => {
  const under = c("length.words", { count: 5, relation: "less than" });
  const atLeast = c("length.words", { count: 5, relation: "at least" });

  it("counts \\w+ runs, so contractions and hyphens split words (IFEval)", () => {
    expect(one(under, "It's a well-known fact.")).toMatchObject({
      follows: false,
      detail: "6 words, wanted less than 5",
    });
  });
  it("treats 'less than' as strict and 'at least' as inclusive", () => {
    expect(one(under, "one two three four five").follows).toBe(false);
    expect(one(under, "one two three four").follows).toBe(true);
    expect(one(atLeast, "one two three four five").follows).toBe(true);
    expect(one(atLeast, "one two three four").follows).toBe(false);
  });
  it("supports 'at most' and 'exactly', and ±10 % for approximate counts", () => {
    expect(one(c("length.words", { count: 3, relation: "at most" }), "a b c").follows).toBe(true);
    expect(one(c("length.words", { count: 3, relation: "exactly" }), "a b").follows).toBe(false);
    const about = c("length.words", { count: 100, relation: "exactly", approximate: true });
    expect(one(about, "word ".repeat(92)).follows).toBe(true);
    expect(one(about, "word ".repeat(89))).toMatchObject({ follows: false, detail: "89 words, wanted about 100" });
  });
  it("counts zero words in empty and whitespace-only output", () => {
    expect(one(atLeast, "")).toMatchObject({ follows: false, detail: "0 words, wanted at least 5" });
    expect(one(under, "   \n\t ").follows).toBe(true);
  });
  it("ignores Markdown punctuation and counts non-English words", () => {
    expect(one(under, "## **Título** — _uno_ `dos`").detail).toBe("3 words, wanted less than 5");
    expect(one(atLeast, "Привет мир это тест слов").follows).toBe(true);
    expect(one(atLeast, "नमस्ते दुनिया यह एक परीक्षण").detail).toBe("5 words, wanted at least 5");
  });
  it("returns null with the reason when a param is missing or malformed", () => {
    expect(one(c("length.words", { relation: "less than" }), "hi")).toMatchObject({
      follows: null,
      detail: 'cannot check: missing param "count"',
    });
    expect(one(c("length.words", { count: 3, relation: "roughly" }), "hi")).toMatchObject({
      follows: null,
      detail: 'cannot check: unknown relation "roughly"',
    });
  });
});

describe("length.sentences", () => {
  const three = c("length.sentences", { count: 3, relation: "exactly" });
  it("splits on terminal punctuation but not abbreviations, initials or decimals", () => {
    expect(one(three, "Dr. Smith paid $3.50 today. He met J. R. Doe in the U.S. yesterday! Was it fun?")).toMatchObject(
      {
        follows: true,
        detail: "3 sentences, wanted exactly 3",
      },
    );
    expect(one(three, "One. Two.").follows).toBe(false);
  });
  it("counts CJK full stops and headings separated by blank lines", () => {
    expect(one(three, "今天很好。我们去公园。然后回家。").follows).toBe(true);
    expect(one(three, "# Title\n\nFirst sentence. Second one.").follows).toBe(true);
  });
  it("finds no sentences in empty output", () => {
    expect(one(c("length.sentences", { count: 1, relation: "at least" }), "  ").follows).toBe(false);
  });
});

describe("length.paragraphs", () => {
  const divided = c("length.paragraphs", { count: 3, relation: "exactly", separator: "***" });
  it("splits on *** dividers when asked (IFEval number_paragraphs)", () => {
    expect(one(divided, "First.\n***\nSecond.\n***\nThird.").follows).toBe(true);
    expect(one(divided, "***\nFirst.\n***\nSecond.\n***\nThird.\n***").follows).toBe(true);
    expect(one(divided, "First.\n\nSecond.\n\nThird.")).toMatchObject({
      follows: false,
      detail: "1 paragraph separated by ***, wanted exactly 3",
    });
  });
  it("fails an empty paragraph between two dividers", () => {
    expect(one(divided, "First.\n***\n\n***\nThird.")).toMatchObject({ follows: false });
  });
  it("uses *** when the prompt says so even without the param", () => {
    const plain = c("length.paragraphs", { count: 2, relation: "exactly" }, "2 paragraphs");
    const prompt = "Write 2 paragraphs. Separate the paragraphs with the markdown divider: ***";
    expect(one(plain, "A.\n***\nB.", prompt).follows).toBe(true);
    expect(one(plain, "A.\n\nB.", prompt).follows).toBe(false);
    expect(one(plain, "A.\n\nB.").follows).toBe(true);
  });
  it("checks the first word of the n-th paragraph (IFEval nth_paragraph_first_word)", () => {
    const nth = c("length.paragraphs", { count: 3, relation: "exactly", nth: 2, first_word: "however" });
    expect(one(nth, 'Intro.\n\n"However, it rained.\n\nEnd.').follows).toBe(true);
    expect(one(nth, "Intro.\n\nMoreover, it rained.\n\nEnd.")).toMatchObject({
      follows: false,
      detail:
        '3 paragraphs separated by blank lines, wanted exactly 3; paragraph 2 starts with "moreover", wanted "however"',
    });
    expect(one(nth, "Intro.\n\n\n\nHowever.\n\nEnd.").follows).toBe(false);
  });
  it("treats a Markdown-heavy answer's blank lines as paragraph breaks", () => {
    const two = c("length.paragraphs", { count: 2, relation: "exactly" });
    expect(one(two, "## Heading\n\n- a\n- b").follows).toBe(true);
    expect(one(two, "").detail).toBe("0 paragraphs separated by blank lines, wanted exactly 2");
  });
  it("rejects an unknown separator with null", () => {
    expect(one(c("length.paragraphs", { count: 2, relation: "exactly", separator: "~~" }), "a").follows).toBeNull();
  });
});

describe("length.items", () => {
  const five = c("length.items", { count: 5, relation: "exactly", item: "names" });
  it("counts bullet and numbered lines", () => {
    expect(one(five, "Names:\n1. Ada\n2. Bo\n3. Cy\n4. Di\n5. Ed").follows).toBe(true);
    expect(one(five, "* Ada\n* Bo\n- Cy\n- Di").detail).toBe("4 names (list lines), wanted exactly 5");
  });
  it("falls back to non-empty lines when there is no list", () => {
    expect(one(five, "Ada\nBo\n\nCy\nDi\nEd").follows).toBe(true);
    expect(one(five, "").follows).toBe(false);
  });
});
