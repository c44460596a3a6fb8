import { describe, expect, it } from "vitest";
import type { Constraint, ConstraintKind } from "../pipeline/schemas.js";
import { verifyOutput } from "./index.js";

const c = (kind: ConstraintKind, params: Constraint["params"] = {}, text = "instruction"): Constraint => ({
  kind,
  text,
  params,
});
const one = (constraint: Constraint, output: string, prompt?: string) =>
  verifyOutput([constraint], output, { prompt })[0];

describe("case.lower and case.upper", () => {
  it("follow Python's islower/isupper: cased letters only, digits and symbols ignored", () => {
    expect(one(c("case.lower"), "all lower, 42 times!").follows).toBe(true);
    expect(one(c("case.lower"), "not Quite")).toMatchObject({
      follows: false,
      detail: '1 upper-case letter, first "Q"',
    });
    expect(one(c("case.upper"), "ALL CAPS 42").follows).toBe(true);
    expect(one(c("case.upper"), "ALMOST aLL").follows).toBe(false);
  });
  it("fail empty, whitespace-only and letterless output", () => {
    expect(one(c("case.lower"), "").detail).toBe("empty output");
    expect(one(c("case.upper"), " \n ").follows).toBe(false);
    expect(one(c("case.lower"), "123 !!!").follows).toBe(false);
  });
  it("work on non-Latin cased scripts and check the language when asked", () => {
    expect(one(c("case.upper"), "ПРИВЕТ МИР").follows).toBe(true);
    expect(one(c("case.lower"), "## заголовок\n\n- пункт").follows).toBe(true);
    const english = c("case.lower", { language: "en" });
    expect(one(english, "this is a plain english sentence about the weather today.").follows).toBe(true);
    expect(one(english, "ceci est une phrase française sur le temps qu'il fait aujourd'hui.")).toMatchObject({
      follows: false,
      detail: "all lower case, but detected French, wanted English",
    });
  });
});

describe("case.capital_words", () => {
  it("counts all-caps tokens, hyphenated words once", () => {
    const atLeast = c("case.capital_words", { count: 3, relation: "at least" });
    expect(one(atLeast, "The NASA and ESA teams met the WELL-KNOWN crew.").detail).toBe(
      "3 words in all capital letters, wanted at least 3",
    );
    expect(one(c("case.capital_words", { count: 2, relation: "less than" }), "I SAID NO").follows).toBe(false);
    expect(one(atLeast, "").follows).toBe(false);
  });
});

describe("punctuation.no_commas", () => {
  it("fails any ASCII, full-width or ideographic comma", () => {
    expect(one(c("punctuation.no_commas", { scope: "commas" }), "No commas here.").follows).toBe(true);
    expect(one(c("punctuation.no_commas", { scope: "commas" }), "One, two").detail).toBe("1 comma");
    expect(one(c("punctuation.no_commas", { scope: "commas" }), "你好，世界、朋友").detail).toBe("2 commas");
    expect(one(c("punctuation.no_commas", { scope: "commas" }), "").follows).toBe(true);
  });
  it("fails any punctuation for scope all", () => {
    expect(one(c("punctuation.no_commas", { scope: "all" }), "just words here").follows).toBe(true);
    expect(one(c("punctuation.no_commas", { scope: "all" }), "**bold**.").follows).toBe(false);
  });
});

describe("keywords", () => {
  it("include: every keyword, case-insensitive substring (IFEval existence)", () => {
    const inc = c("keywords.include", { keywords: ["Moon", "tide"] });
    expect(one(inc, "The moon drives the tides.").follows).toBe(true);
    expect(one(inc, "The moon drives the sea.")).toMatchObject({ follows: false, detail: 'missing "tide"' });
    expect(one(c("keywords.include", { keywords: ["café"] }), "Un CAFÉ, por favor").follows).toBe(true);
  });
  it("exclude: whole words only (IFEval forbidden_words)", () => {
    const exc = c("keywords.exclude", { keywords: ["cat", "ice cream"] });
    expect(one(exc, "Concatenate the category.").follows).toBe(true);
    expect(one(exc, "I like **Ice Cream**.")).toMatchObject({ follows: false, detail: 'contains "ice cream"' });
    expect(one(exc, "").follows).toBe(true);
    expect(one(c("keywords.exclude", { keywords: [] }), "x").follows).toBeNull();
  });
  it("frequency: non-overlapping case-insensitive occurrences", () => {
    const twice = c("keywords.frequency", { keyword: "story", keywords: ["story"], count: 2, relation: "at least" });
    expect(one(twice, "A story. Another Story! storyline").detail).toBe('3 times "story", wanted at least 2');
    expect(one(twice, "history").follows).toBe(false);
  });
  it("letter frequency counts the letter case-insensitively", () => {
    const l = c("keywords.letter_frequency", { letter: "a", count: 3, relation: "less than" });
    expect(one(l, "A banana").detail).toBe('4 times the letter "a", wanted less than 3');
    expect(one(l, "").follows).toBe(true);
    expect(
      one(c("keywords.letter_frequency", { letter: "ab", count: 1, relation: "at least" }), "ab").follows,
    ).toBeNull();
  });
});

describe("start and end phrases, quotation", () => {
  it("end_phrase: ignores surrounding whitespace, straight quotes and case (IFEval end_checker)", () => {
    const end = c("startend.end_phrase", { phrase: "Any other questions?" });
    expect(one(end, '"Here you go. any other questions?"\n').follows).toBe(true);
    expect(one(end, "Any other questions? Bye.").follows).toBe(false);
    expect(one(end, "").follows).toBe(false);
  });
  it("start_phrase: ignores Markdown markers, needs a word boundary", () => {
    const start = c("startend.start_phrase", { phrase: "Yes" });
    expect(one(start, "## **Yes**, indeed").follows).toBe(true);
    expect(one(start, "Yesterday was fine").follows).toBe(false);
    expect(one(c("startend.start_phrase", { phrase: "Hola" }), "Hola, ¿qué tal?").follows).toBe(true);
  });
  it("quotation: the trimmed output starts and ends with a double quote", () => {
    expect(one(c("startend.quotation", { mark: '"' }), '  "quoted"  ').follows).toBe(true);
    expect(one(c("startend.quotation", { mark: '"' }), "“curly”").follows).toBe(true);
    expect(one(c("startend.quotation", { mark: '"' }), '"').follows).toBe(false);
    expect(one(c("startend.quotation", { mark: '"' }), "").follows).toBe(false);
    expect(one(c("startend.quotation", { mark: "«" }), "«bonjour»").follows).toBe(true);
  });
});

describe("content", () => {
  it("placeholders: [square bracket] spans (IFEval)", () => {
    const two = c("content.placeholders", { style: "square brackets", count: 2, relation: "at least" });
    expect(one(two, "Dear [name], at [address].").follows).toBe(true);
    expect(one(two, "Dear [name].").detail).toBe("1 placeholder in [square brackets], wanted at least 2");
    expect(one(c("content.placeholders", { style: "square brackets" }), "none").follows).toBe(false);
  });
  it("postscript: P.S. and P.P.S markers anywhere at a line, case-insensitive (IFEval)", () => {
    expect(one(c("content.postscript", { marker: "P.S." }), "Body.\n\np.s. see you").follows).toBe(true);
    expect(one(c("content.postscript", { marker: "P.S." }), "Body.\nPS see you").follows).toBe(false);
    expect(one(c("content.postscript", { marker: "P.P.S" }), "Body\nP.P.S. later").follows).toBe(true);
    expect(one(c("content.postscript", { marker: "Note:" }), "Body\nNote: later").follows).toBe(true);
  });
});

describe("language.response", () => {
  it("detects the language offline and compares with the requested one", () => {
    const es = c("language.response", { language: "Spanish" });
    expect(one(es, "Hola, me llamo Juan y vivo en Madrid con mi familia desde hace muchos años.").follows).toBe(true);
    expect(one(es, "Hello, my name is John and I have lived in London with my family for years.")).toMatchObject({
      follows: false,
      detail: "detected English, wanted Spanish",
    });
    expect(
      one(c("language.response", { language: "Kannada", code: "kn" }), "ನಾನು ಕನ್ನಡದಲ್ಲಿ ಬರೆಯುತ್ತಿದ್ದೇನೆ ಇದು ಒಂದು ಪರೀಕ್ಷೆ").follows,
    ).toBe(true);
  });
  it("is null for too little text or a language the detector does not know", () => {
    expect(one(c("language.response", { language: "German" }), "Ja.").follows).toBeNull();
    expect(one(c("language.response", { language: "German" }), "").follows).toBeNull();
    expect(
      one(c("language.response", { language: "Swahili" }), "Habari ya asubuhi rafiki yangu mpendwa"),
    ).toMatchObject({
      follows: null,
      detail: 'language "Swahili" is not one the detector (tinyld) knows',
    });
  });
  it("reads the language of a Markdown-heavy answer from its words", () => {
    const fr = c("language.response", { language: "French" });
    const md =
      "# Résumé\n\n- **Point un** : la réunion a commencé à [10h](https://example.com/a?b=c).\n- `code` et le reste du texte est en français.";
    expect(one(fr, md).follows).toBe(true);
  });
});

describe("combination", () => {
  it("repeat_prompt: the output starts with the request (IFEval)", () => {
    const given = c("combination.repeat_prompt", { prompt_to_repeat: "Write a haiku." });
    expect(one(given, "write a haiku. Leaves fall…").follows).toBe(true);
    expect(one(given, "Sure! Write a haiku.").follows).toBe(false);
  });
  it("repeat_prompt: finds the request before or below the instruction in the prompt", () => {
    const prompt =
      "Write a haiku about rain. First repeat the request word for word without change, then give your answer.";
    const span = prompt.indexOf("repeat the request");
    const cons: Constraint = {
      kind: "combination.repeat_prompt",
      text: "repeat the request word for word without change",
      params: {},
      span: { start: span, end: span + 48 },
    };
    expect(one(cons, "Write a haiku about rain. Drops on the roof…", prompt).follows).toBe(true);
    expect(one(cons, "Drops on the roof…", prompt).follows).toBe(false);
    const below = "Repeat the request below word for word first.\n\nList three fruits.";
    const c2: Constraint = {
      kind: "combination.repeat_prompt",
      text: "Repeat the request below word for word first",
      params: {},
    };
    expect(one(c2, "List three fruits.\n1. apple", below).follows).toBe(true);
    expect(one(c2, "List three fruits.").follows).toBeNull();
  });
  it("two_responses: exactly two different responses split by ******", () => {
    const two = c("combination.two_responses", { count: 2 });
    expect(one(two, "First answer.\n******\nSecond answer.").follows).toBe(true);
    expect(one(two, "Same.\n******\nSame.").detail).toBe("the responses are identical");
    expect(one(two, "A\n******\n\n******\nB").follows).toBe(false);
    expect(one(two, "Only one").follows).toBe(false);
    expect(one(two, "").follows).toBe(false);
  });
});
