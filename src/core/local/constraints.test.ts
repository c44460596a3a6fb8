import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Constraint, ConstraintSchema } from "../pipeline/schemas.js";
import { extractConstraints } from "./constraints.js";

function only(prompt: string, kind: Constraint["kind"]): Constraint[] {
  return extractConstraints(prompt).filter((c) => c.kind === kind);
}

function one(prompt: string, kind: Constraint["kind"]): Constraint {
  const found = only(prompt, kind);
  expect(found, `${kind} in ${JSON.stringify(prompt)}`).toHaveLength(1);
  return found[0];
}

describe("extractConstraints", () => {
  it("reads word, sentence and paragraph lengths with their relation", () => {
    expect(one("Keep it under 120 words.", "length.words")).toMatchObject({
      text: "under 120 words",
      params: { count: 120, relation: "less than" },
    });
    expect(one("Write at least 300 words.", "length.words").params).toMatchObject({ count: 300, relation: "at least" });
    expect(one("no more than 50 words", "length.words").params).toMatchObject({ count: 50, relation: "at most" });
    expect(one("Answer in 5 sentences.", "length.sentences").params).toMatchObject({ count: 5, relation: "exactly" });
    expect(one("Write 2 paragraphs.", "length.paragraphs").params).toMatchObject({ count: 2 });
    expect(one("in one paragraph", "length.paragraphs").params).toMatchObject({ count: 1 });
  });

  it("reads requested item counts, but not quantities describing the input", () => {
    expect(one("Give me 10 names for a coffee shop.", "length.items")).toMatchObject({
      text: "10 names",
      params: { count: 10, relation: "exactly", item: "names" },
    });
    expect(one("At least 3 hashtags.", "length.items").params).toMatchObject({ count: 3, relation: "at least" });
    expect(only("We have 12 engineers and 3 products.", "length.items")).toEqual([]);
  });

  it("reads format constraints with their parameters", () => {
    expect(one("Summarize in exactly 3 bullet points.", "format.bullets")).toMatchObject({
      text: "exactly 3 bullet points",
      params: { count: 3, relation: "exactly" },
    });
    expect(one("Extract them and return JSON with keys sku and qty.", "format.json")).toMatchObject({
      text: "return JSON with keys sku and qty",
      params: { keys: ["sku", "qty"] },
    });
    expect(one("Output a markdown table with columns Tweet and Sentiment.", "format.table").params).toEqual({
      columns: ["Tweet", "Sentiment"],
    });
    expect(one("Put the answer in a code block.", "format.code").text).toBe("in a code block");
    expect(one("Include a title wrapped in double angular brackets, i.e. <<poem of joy>>.", "format.title").text).toBe(
      "a title wrapped in double angular brackets, i.e. <<poem of joy>>",
    );
    expect(one("Highlight at least 2 sections with markdown.", "format.highlights").params).toMatchObject({ count: 2 });
  });

  it("merges a section count with its marker into one constraint", () => {
    expect(one("Your response must have 3 sections. Mark each with SECTION X.", "format.sections")).toMatchObject({
      text: "3 sections. Mark each with SECTION X",
      params: { count: 3, marker: "SECTION X" },
    });
  });

  it("reads case and punctuation constraints", () => {
    const found = extractConstraints("Give me 10 names for a coffee shop, all lowercase, no punctuation.");
    expect(found.map((c) => [c.kind, c.text])).toEqual([
      ["length.items", "10 names"],
      ["case.lower", "all lowercase"],
      ["punctuation.no_commas", "no punctuation"],
    ]);
    expect(one("Respond in all capital letters.", "case.upper").text).toBe("Respond in all capital letters");
    expect(one("Do not use any commas in your reply.", "punctuation.no_commas").params).toEqual({ scope: "commas" });
    expect(
      one("Words with all capital letters should appear at least 5 times.", "case.capital_words").params,
    ).toMatchObject({ count: 5, relation: "at least" });
    expect(only("Explain uppercase versus lowercase letters.", "case.lower")).toEqual([]);
  });

  it("reads keyword constraints as the whole clause", () => {
    expect(one('Write a haiku. Do not use the word "fall".', "keywords.exclude")).toMatchObject({
      text: 'Do not use the word "fall"',
      params: { keywords: ["fall"] },
    });
    expect(one("Keep it short and don't mention the price.", "keywords.exclude").params).toEqual({
      keywords: ["price"],
    });
    // A negated verb followed by quoted words excludes them (no "the word" needed).
    expect(one("Do not include 'can' and 'ride' in your response.", "keywords.exclude").params).toEqual({
      keywords: ["can", "ride"],
    });
    expect(one("Make sure to not include the words 'name', 'song' anywhere.", "keywords.exclude").params).toEqual({
      keywords: ["name", "song"],
    });
    expect(only("Make sure to not include the words 'name', 'song' anywhere.", "keywords.include")).toEqual([]);
    expect(
      one("Make sure not to include negative words such as 'sad', 'crazy', etc., in it.", "keywords.exclude").params,
    ).toEqual({ keywords: ["sad", "crazy"] });
    // A modal negation ("must not", "should not", "cannot") excludes; it is never read as an include.
    for (const prompt of [
      "It must be under 300 words and must not use the word synergy.",
      "The reply should not use the word synergy.",
      "You cannot mention synergy.",
    ]) {
      expect(one(prompt, "keywords.exclude").params, prompt).toEqual({ keywords: ["synergy"] });
      expect(only(prompt, "keywords.include"), prompt).toEqual([]);
    }
  });

  it("reads every common way of forbidding commas", () => {
    for (const prompt of [
      "You are not allowed to use any commas in your response.",
      "Do not contain any commas in your response.",
      "Write a riddle that doesn't use commas.",
      "Also, you cannot use any commas in your entire response.",
      "The answer should not contain any commas.",
    ])
      expect(one(prompt, "punctuation.no_commas").params, prompt).toEqual({ scope: "commas" });
    expect(only("Use commas, not semicolons.", "punctuation.no_commas")).toEqual([]);
    expect(one("Include the keywords river and mountain.", "keywords.include").params).toEqual({
      keywords: ["river", "mountain"],
    });
    expect(one("The word happy should appear at least 3 times.", "keywords.frequency").params).toMatchObject({
      keyword: "happy",
      count: 3,
      relation: "at least",
    });
    expect(one("The letter q should appear at least 5 times.", "keywords.letter_frequency").params).toMatchObject({
      letter: "q",
      count: 5,
    });
    expect(only("Use simple words that a child understands.", "keywords.include")).toEqual([]);
  });

  it("reads start, end and quotation constraints", () => {
    expect(one('Write a haiku. End with the phrase "Goodbye, summer."', "startend.end_phrase")).toMatchObject({
      text: 'End with the phrase "Goodbye, summer."',
      params: { phrase: "Goodbye, summer." },
    });
    expect(one('The email must end with the phrase "We appreciate your patience."', "startend.end_phrase").text).toBe(
      'must end with the phrase "We appreciate your patience."',
    );
    expect(one('Start your response with "My answer is".', "startend.start_phrase").params).toEqual({
      phrase: "My answer is",
    });
    expect(one("Wrap the whole answer in double quotes.", "startend.quotation").text).toBe(
      "Wrap the whole answer in double quotes",
    );
  });

  it("reads response language, postscript, placeholders and combinations", () => {
    expect(one("Write a post. Respond in Spanish.", "language.response")).toMatchObject({
      text: "Respond in Spanish",
      params: { language: "Spanish" },
    });
    expect(one("Your ENTIRE response should be in Hindi language.", "language.response").params).toEqual({
      language: "Hindi",
      code: "hi",
    });
    expect(only("I lived in France and speak about French food in Paris.", "language.response")).toEqual([]);
    expect(one("At the end, add a postscript starting with P.S.", "content.postscript").text).toBe(
      "add a postscript starting with P.S.",
    );
    expect(
      one("Use at least 2 placeholders represented by square brackets.", "content.placeholders").params,
    ).toMatchObject({ count: 2, relation: "at least" });
    expect(one("Give two different responses.", "combination.two_responses").text).toBe("Give two different responses");
    expect(one("First repeat the request word for word without change.", "combination.repeat_prompt").text).toBe(
      "First repeat the request word for word without change",
    );
  });

  it("ignores constraints inside fenced code blocks", () => {
    expect(extractConstraints("Fix this:\n```\n// at least 300 words, in all lowercase\n```")).toEqual([]);
  });

  it("never reports overlapping constraints of the same kind", () => {
    const found = extractConstraints("Write at least 300 words, at most 500 words, in exactly 3 bullet points.");
    for (const a of found) {
      for (const b of found) {
        if (a === b || a.kind !== b.kind) continue;
        expect(a.span!.end <= b.span!.start || b.span!.end <= a.span!.start).toBe(true);
      }
    }
  });

  it("keeps every constraint text equal to its span of the prompt, for any input", () => {
    const clause = fc.constantFrom(
      "under 120 words",
      "exactly 3 bullet points",
      'Do not use the word "fall".',
      "all lowercase",
      "Respond in Spanish.",
      'End with the phrase "Bye."',
      "return JSON with keys a and b",
      "İ",
      "\u0000",
      "```",
    );
    const prompt = fc.array(fc.oneof(clause, fc.string({ unit: "binary", maxLength: 30 })), { maxLength: 12 });
    fc.assert(
      fc.property(prompt, (parts) => {
        const text = parts.join(" ");
        for (const c of extractConstraints(text)) {
          ConstraintSchema.parse(c);
          expect(text.slice(c.span!.start, c.span!.end)).toBe(c.text);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("stays linear on 100 KB hostile inputs", () => {
    // Each unit repeated to 10 KB and to 100 KB: linear work takes ~10× longer on the larger one,
    // quadratic backtracking ~100×. Best of several interleaved runs filters out scheduler and GC
    // noise (a loaded CI core slows every run; it does not change their ratio much).
    const units = [
      "at least ",
      "1 ",
      '"',
      "Do not use the word ",
      "Do not use the words a, b, ",
      "{[<",
      "a",
      " \n",
      "caps ",
      "include the keywords a, b, c, d, - item\n",
    ];
    const sized = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    const bestOf = (text: string, runs: number) => {
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        extractConstraints(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    extractConstraints('warm up: under 5 words, End with "x", Respond in French.'); // compile the regexes first
    for (const unit of units) {
      const small = sized(unit, 10_000);
      const large = `${sized(unit, 100_000 - 20)}end with the phrase `;
      let tSmall = Number.POSITIVE_INFINITY;
      let tLarge = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 3; round++) {
        tSmall = Math.min(tSmall, bestOf(small, 3));
        tLarge = Math.min(tLarge, bestOf(large, 2));
      }
      // Times under 0.2 ms are timer and call overhead, not a measure of the work.
      const ratio = tLarge / Math.max(tSmall, 0.2);
      expect(
        ratio,
        `${JSON.stringify(unit)}: ${tSmall.toFixed(2)} ms on 10 KB, ${tLarge.toFixed(2)} ms on 100 KB`,
      ).toBeLessThan(40);
      // About 2 ms on an idle core; the bound leaves room for a loaded 2-core CI machine.
      expect(tLarge, JSON.stringify(unit)).toBeLessThan(200);
    }
  });
});
