import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractPlaceholders } from "./placeholders.js";

describe("extractPlaceholders", () => {
  it("finds each placeholder style exactly as written", () => {
    expect(extractPlaceholders("Pull out the amounts.\n\n{{invoice_text}}")).toEqual(["{{invoice_text}}"]);
    expect(extractPlaceholders("Turn these notes into a summary: {notes}")).toEqual(["{notes}"]);
    expect(extractPlaceholders("Is this risky for us: [CLAUSE]")).toEqual(["[CLAUSE]"]);
    expect(extractPlaceholders("Convert the following YAML to JSON: <yaml>")).toEqual(["<yaml>"]);
    expect(extractPlaceholders("Hello {{ user name }}, see [Company Name] and <your text here>")).toEqual([
      "{{ user name }}",
      "[Company Name]",
      "<your text here>",
    ]);
  });

  it("returns unique placeholders in order of first appearance", () => {
    expect(extractPlaceholders("[B] then {{a}} then [B] then {{a}} and <c>")).toEqual(["[B]", "{{a}}", "<c>"]);
  });

  it("ignores markdown links, images, checkboxes and numeric references", () => {
    const text = "See [the docs](https://x.io) and ![logo](a.png).\n- [ ] todo\n- [x] done\nAs shown in [1] and [23].";
    expect(extractPlaceholders(text)).toEqual([]);
  });

  it("ignores HTML tags with closing pairs, void tags and attributes", () => {
    expect(extractPlaceholders("<context>the data</context> line<br> <p>x</p> <a href='x'>y</a>")).toEqual([]);
    expect(extractPlaceholders("Write <b>bold</b> text")).toEqual([]);
  });

  it("ignores braces and brackets inside fenced code and inline code", () => {
    const text = '```json\n{"key": "{value}", "list": [item]}\n```\nUse `arr[index]` and `{name}`.';
    expect(extractPlaceholders(text)).toEqual([]);
  });

  it("ignores JSON, sentences in brackets, generics and array indexing", () => {
    const text = 'Reply with {"ok": true}. [This is a long aside, with punctuation.] Promise<void> arr[i]';
    expect(extractPlaceholders(text)).toEqual([]);
  });

  it("does not take a syntax illustration for a variable", () => {
    expect(extractPlaceholders("put text inside curly brackets {like this}")).toEqual([]);
  });

  it("does not read the <<title>> marker or [[fill-in]] markers as placeholders", () => {
    expect(extractPlaceholders("Give a title like <<poem of joy>>. Audience: [[target audience]]")).toEqual([]);
  });

  it("returns only substrings of the prompt, for any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => {
        for (const p of extractPlaceholders(s)) expect(s.includes(p)).toBe(true);
      }),
    );
  });

  it("finds placeholders mixed into random text", () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(name, fc.string({ maxLength: 40 }), (n, noise) => {
        const clean = noise.replace(/[{}[\]<>`~\n]/g, " ");
        expect(extractPlaceholders(`${clean} {{${n}}} ${clean}`)).toContain(`{{${n}}}`);
      }),
    );
  });
});
