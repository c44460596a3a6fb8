import { describe, expect, it } from "vitest";
import type { Constraint } from "../pipeline/schemas.js";
import { extractConstraints } from "./constraints.js";

function one(prompt: string, kind: Constraint["kind"]): Constraint {
  const found = extractConstraints(prompt).filter((c) => c.kind === kind);
  expect(found, `${kind} in ${JSON.stringify(prompt)}`).toHaveLength(1);
  return found[0];
}

// Phrasing families, written fresh (not copied from the development data).
describe("extractConstraints: phrasing families", () => {
  it("reads two responses from a six-asterisk separator", () => {
    expect(
      one("Offer two takes on it, separated by six asterisks ******.", "combination.two_responses").params,
    ).toEqual({
      count: 2,
      separator: "******",
    });
    expect(one("Please give two distinct answers.", "combination.two_responses").params.count).toBe(2);
  });

  it("reads letter counts stated after the letter", () => {
    expect(one("Make sure the letter z appears at most twice.", "keywords.letter_frequency").params).toMatchObject({
      letter: "z",
      count: 2,
      relation: "at most",
    });
    expect(one('Never use the letter "e".', "keywords.letter_frequency").params).toMatchObject({
      letter: "e",
      count: 1,
      relation: "less than",
    });
  });

  it("reads keyword counts stated after the keyword", () => {
    expect(one("The word rocket should appear at least 4 times.", "keywords.frequency").params).toMatchObject({
      keyword: "rocket",
      count: 4,
      relation: "at least",
    });
    expect(one('Use the word "maybe" fewer than 3 times.', "keywords.frequency").params).toMatchObject({
      keyword: "maybe",
      count: 3,
      relation: "less than",
    });
  });

  it("reads counts written after the number and ranges", () => {
    expect(one("Write 250 or more words.", "length.words").params).toMatchObject({ count: 250, relation: "at least" });
    expect(one("A 90+ word bio.", "length.words").params).toMatchObject({ count: 90, relation: "at least" });
    expect(one("Keep it to 60 or fewer words.", "length.words").params).toMatchObject({
      count: 60,
      relation: "at most",
    });
    expect(one("Between 80 and 120 words, please.", "length.words").params).toMatchObject({
      count: 80,
      relation: "at least",
      max: 120,
    });
  });

  it("reads italics as highlights with their count", () => {
    expect(one("Italicize at least 4 phrases with markdown.", "format.highlights").params).toMatchObject({
      count: 4,
      relation: "at least",
    });
    expect(one("Include 2 bold sections.", "format.highlights").params).toMatchObject({ count: 2 });
  });

  it("reads capital-word counts", () => {
    expect(
      one("The number of words in all capital letters should be at most 3.", "case.capital_words").params,
    ).toMatchObject({ count: 3, relation: "at most" });
    expect(one("Use at least 8 words in all caps.", "case.capital_words").params).toMatchObject({
      count: 8,
      relation: "at least",
    });
  });

  it("reads 'only this language' phrasings", () => {
    expect(
      one("Reply using only the Tamil language, no other language is allowed.", "language.response").params.language,
    ).toBe("Tamil");
    expect(one("Write it in Polish only.", "language.response").params.language).toBe("Polish");
  });

  it("reads divider-separated paragraphs and paragraph first words", () => {
    expect(one("Write 4 paragraphs separated by the markdown divider ***.", "length.paragraphs").params).toMatchObject({
      count: 4,
      separator: "***",
    });
    const paragraphs = extractConstraints(
      "There should be 3 paragraphs. Paragraph 2 must start with the word Later.",
    ).filter((c) => c.kind === "length.paragraphs");
    expect(paragraphs.map((c) => c.params)).toEqual([
      { count: 3, relation: "exactly" },
      { nth: 2, first_word: "Later", count: 3, relation: "exactly" },
    ]);
  });

  it("does not read a bare language mention as a constraint", () => {
    expect(
      extractConstraints("Explain the history of Italian cuisine.").filter((c) => c.kind === "language.response"),
    ).toEqual([]);
  });
});

describe("extractConstraints: custom instructions", () => {
  it("captures other verifiable output instructions as their verbatim sentence", () => {
    const prompt = "Tell me about owls. Wrap every word in parentheses. Indent each new line by two more spaces.";
    const custom = extractConstraints(prompt).filter((c) => c.kind === "custom");
    expect(custom.map((c) => c.text)).toEqual([
      "Wrap every word in parentheses",
      "Indent each new line by two more spaces",
    ]);
    for (const c of custom) expect(prompt.slice(c.span!.start, c.span!.end)).toBe(c.text);
    expect(custom[0].params).toEqual({});
  });

  it("does not capture a sentence that already holds a named constraint, nor plain requests", () => {
    const kinds = extractConstraints("Do not use any commas in your response. Explain how tides work.").map(
      (c) => c.kind,
    );
    expect(kinds).toEqual(["punctuation.no_commas"]);
    expect(extractConstraints("What is the best way to learn words in a new language?")).toEqual([]);
  });
});

describe("extractConstraints: Spanish, French and German", () => {
  const cases: Array<[string, Constraint["kind"], Record<string, unknown>]> = [
    ["Escribe un poema de menos de 80 palabras.", "length.words", { count: 80, relation: "less than" }],
    ["Écris un résumé d'au moins 200 mots.", "length.words", { count: 200, relation: "at least" }],
    ["Schreibe höchstens 50 Wörter.", "length.words", { count: 50, relation: "at most" }],
    ["Responde en tres frases.", "length.sentences", { count: 3, relation: "exactly" }],
    ["Rédigez exactement 4 paragraphes.", "length.paragraphs", { count: 4, relation: "exactly" }],
    ["Escribe la respuesta sin comas.", "punctuation.no_commas", { scope: "commas" }],
    ["Réponds sans virgules.", "punctuation.no_commas", { scope: "commas" }],
    ["Bitte ohne Kommas antworten.", "punctuation.no_commas", { scope: "commas" }],
    ["Escribe todo en minúsculas.", "case.lower", {}],
    ["Écris tout en majuscules.", "case.upper", {}],
    ["Antworte nur in Kleinbuchstaben.", "case.lower", {}],
    ["No uses la palabra dinero.", "keywords.exclude", { keywords: ["dinero"] }],
    ["N'utilise pas le mot argent.", "keywords.exclude", { keywords: ["argent"] }],
    ["Verwende nicht das Wort Geld.", "keywords.exclude", { keywords: ["Geld"] }],
    ['Termina tu respuesta con "¿Algo más?"', "startend.end_phrase", { phrase: "¿Algo más?" }],
    ["Termine par « À bientôt ».", "startend.end_phrase", { phrase: "À bientôt" }],
    ["Responde en español.", "language.response", { language: "Spanish", code: "es" }],
    ["Réponds en allemand.", "language.response", { language: "German", code: "de" }],
    ["Antworte auf Französisch.", "language.response", { language: "French", code: "fr" }],
    ["Devuelve el resultado en formato JSON.", "format.json", {}],
  ];
  it.each(cases)("%s", (prompt, kind, params) => {
    expect(one(prompt, kind).params).toMatchObject(params);
  });
});
