import { describe, expect, it } from "vitest";
import type { Constraint } from "../pipeline/schemas.js";
import { summarize, VERIFIABLE_KINDS, verifyOutput, verifyPromptOutput } from "./index.js";

const custom = (text: string): Constraint => ({ kind: "custom", text, params: {} });
const one = (text: string, output: string) => verifyOutput([custom(text)], output)[0];

describe("verifyPromptOutput", () => {
  const prompt =
    'Write a short poem about the sea in less than 40 words. Do not use any commas. End your response with "Is there anything else?"';

  it("extracts the prompt's constraints and gives one verdict each, with span and params", () => {
    const r = verifyPromptOutput(prompt, "Waves roll in and out\nthe gulls cry\nIs there anything else?");
    expect(r.verdicts.map((v) => [v.kind, v.follows])).toEqual([
      ["length.words", true],
      ["punctuation.no_commas", true],
      ["startend.end_phrase", true],
    ]);
    expect(r.summary).toEqual({ total: 3, followed: 3, failed: 0, unchecked: 0 });
    const words = r.verdicts[0];
    expect(words.text).toBe("less than 40 words");
    expect(prompt.slice(words.span?.start, words.span?.end)).toBe(words.text);
    expect(words.params).toEqual({ count: 40, relation: "less than" });
  });

  it("reports what failed", () => {
    const r = verifyPromptOutput(prompt, "Waves, waves, waves.");
    expect(r.summary).toEqual({ total: 3, followed: 1, failed: 2, unchecked: 0 });
    expect(r.verdicts[1].detail).toBe("2 commas");
  });

  it("handles a prompt without constraints and an empty output", () => {
    expect(verifyPromptOutput("Tell me about the sea.", "").summary).toEqual({
      total: 0,
      followed: 0,
      failed: 0,
      unchecked: 0,
    });
  });
});

describe("verifyOutput", () => {
  it("gives null with the reason for an unknown kind", () => {
    const odd = { kind: "format.yaml", text: "as YAML", params: {} } as unknown as Constraint;
    expect(verifyOutput([odd], "a: 1")[0]).toMatchObject({ follows: null, detail: 'no check for kind "format.yaml"' });
  });
  it("checks every kind of the schema", () => {
    for (const kind of ["length.words", "format.table", "combination.two_responses", "language.response", "custom"]) {
      expect(VERIFIABLE_KINDS).toContain(kind);
    }
  });
  it("summarises followed, failed and unchecked verdicts", () => {
    const verdicts = verifyOutput(
      [
        { kind: "case.lower", text: "lowercase", params: {} },
        { kind: "case.upper", text: "caps", params: {} },
        custom("be persuasive"),
      ],
      "hello",
    );
    expect(summarize(verdicts)).toEqual({ total: 3, followed: 1, failed: 1, unchecked: 1 });
  });
  it("verifies a 2,000-word output against 10 constraints in a few milliseconds", () => {
    const output = `${"The quick brown fox jumps over the lazy dog near the river bank today. ".repeat(143)}\nP.S. done`;
    const constraints: Constraint[] = [
      { kind: "length.words", text: "t", params: { count: 2500, relation: "less than" } },
      { kind: "length.sentences", text: "t", params: { count: 100, relation: "at least" } },
      { kind: "punctuation.no_commas", text: "t", params: { scope: "commas" } },
      { kind: "keywords.include", text: "t", params: { keywords: ["fox", "river"] } },
      { kind: "keywords.exclude", text: "t", params: { keywords: ["cat"] } },
      { kind: "keywords.letter_frequency", text: "t", params: { letter: "o", count: 10, relation: "at least" } },
      { kind: "language.response", text: "t", params: { language: "English" } },
      { kind: "format.highlights", text: "t", params: { style: "markdown", count: 1, relation: "at least" } },
      { kind: "content.postscript", text: "t", params: { marker: "P.S." } },
      { kind: "case.capital_words", text: "t", params: { count: 5, relation: "less than" } },
    ];
    for (let i = 0; i < 5; i++) verifyOutput(constraints, output);
    // CPU time, not wall time: the suite shares its cores; the bench measures the 5 ms budget.
    const start = process.cpuUsage();
    const runs = 20;
    for (let i = 0; i < runs; i++) verifyOutput(constraints, output);
    const used = process.cpuUsage(start);
    const perRun = (used.user + used.system) / 1000 / runs;
    expect(perRun).toBeLessThan(50); // catches a quadratic blow-up, not a few milliseconds
  });
});

describe("custom instructions", () => {
  it("a single emoji", () => {
    expect(one("Answer with a single emoji.", " 🐱 ").follows).toBe(true);
    expect(one("Answer with a single emoji.", "👍🏽").follows).toBe(true);
    expect(one("Answer with a single emoji.", "🇫🇷").follows).toBe(true);
    expect(one("Answer with a single emoji.", "cat 🐱").follows).toBe(false);
    expect(one("Answer with a single emoji.", "").follows).toBe(false);
  });
  it("emoji counts", () => {
    expect(one("Use at least 3 emojis.", "Fun 🎉 times 😀 here 🚀").follows).toBe(true);
    expect(one("Use at least 3 emojis.", "Fun 🎉").follows).toBe(false);
    expect(one("Do not use any emojis.", "Plain text.").follows).toBe(true);
    expect(one("Do not use any emojis.", "Plain ✅").follows).toBe(false);
  });
  it("no whitespace", () => {
    expect(one("Use no whitespace in your answer.", "  hello-world  ").follows).toBe(true);
    expect(one("Use no whitespace in your answer.", "hello world").detail).toBe("1 whitespace character");
  });
  it("every word wrapped in parentheses", () => {
    const rule = "Wrap every word in parentheses.";
    expect(one(rule, "(Hello) (world), (again).").follows).toBe(true);
    expect(one(rule, "(Hello) world").detail).toBe('1 of 2 words not wrapped, first "world"');
    expect(one("Put each word in square brackets", "[un] [deux]").follows).toBe(true);
  });
  it("no digits, one word, every word starting with a letter", () => {
    expect(one("Do not use any numbers.", "three cats").follows).toBe(true);
    expect(one("Do not use any numbers.", "3 cats").follows).toBe(false);
    expect(one("Give a one-word answer.", "Paris.").follows).toBe(true);
    expect(one("Give a one-word answer.", "It is Paris.").follows).toBe(false);
    expect(one("Every word must start with the letter s.", "Sally sells seashells").follows).toBe(true);
    expect(one("Every word must start with the letter s.", "Sally buys seashells").follows).toBe(false);
  });
  it("one of the listed options (IFEval constrained_response: verbatim, case-sensitive)", () => {
    const rule = 'Answer with one of the following options: ("My answer is yes.", "My answer is no.")';
    expect(one(rule, "My answer is no.").follows).toBe(true);
    expect(one(rule, "my answer is yes.").follows).toBe(false);
    expect(one("Answer with one of the following options: red, green or blue", "green").follows).toBe(true);
  });
  it("IFBench-style counts: unique words, numbers, pronouns, conjunctions, repeats", () => {
    expect(one("Use at least 5 unique words in the response", "the cat saw the dog and the bird").follows).toBe(true);
    expect(one("Use at least 5 unique words in the response", "no no no no no").detail).toBe(
      "1 unique word, wanted at least 5",
    );
    expect(one("Include exactly 2 numbers in the response", "In 2024 we sold 3.5 million, v2 aside.").follows).toBe(
      true,
    );
    expect(one("Include exactly 2 numbers in the response", "Only 7.").follows).toBe(false);
    expect(one("The response should include at least 3 pronouns", "She told them it was hers.").follows).toBe(true);
    expect(one("The response should include at least 3 pronouns", "The cat sat.").follows).toBe(false);
    const conj = "Use at least 3 different coordinating conjunctions in the response";
    expect(one(conj, "Tea and cake, but not coffee, or juice.").follows).toBe(true);
    expect(one(conj, "Tea and cake and more.").detail).toBe(
      "coordinating conjunctions used: and (1 distinct), wanted at least 3",
    );
    const repeat = "The response should not repeat any word more than 2 times";
    expect(one(repeat, "a b a b c").follows).toBe(true);
    expect(one(repeat, "A a a b").detail).toBe('"a" 3 times, wanted at most 2');
  });
  it("IFBench-style layout: a word per line, second and second-to-last word, emoji after every sentence", () => {
    expect(one("Write each word on a new line", "one\ntwo\nthree").follows).toBe(true);
    expect(one("Write each word on a new line", "one two\nthree").follows).toBe(false);
    const second =
      "The second word in your response and the second to last word in your response should be the word vibrant";
    expect(one(second, "A vibrant city, truly vibrant today.").follows).toBe(true);
    expect(one(second, "The vibrant city is big.").follows).toBe(false);
    const emoji = "Please use an emoji at the end of every sentence";
    expect(one(emoji, "Hello there 👋. The sun is out ☀️!").follows).toBe(true);
    expect(one(emoji, "Hello there 👋. The sun is out.").follows).toBe(false);
    expect(one("The output should not contain any whitespace", "a b").follows).toBe(false);
  });
  it("is null with the reason for instructions that need judgement", () => {
    expect(one("Make it sound like a pirate.", "Arr!")).toMatchObject({
      follows: null,
      detail: "not a mechanically checkable instruction (needs judgement)",
    });
  });
});
