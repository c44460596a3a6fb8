import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  extractJsonObject,
  parseModelJson,
  partialStringField,
  streamedStringField,
  stripReasoning,
} from "./model-output.js";

describe("stripReasoning", () => {
  it("removes closed reasoning blocks of every common tag", () => {
    expect(stripReasoning("<think>a</think>B<thinking x='1'>c</thinking>D<reasoning>e</reasoning>")).toBe("BD");
  });
  it("hides everything after an unclosed opening tag and before a stray closing tag", () => {
    expect(stripReasoning("Answer <think>still going")).toBe("Answer");
    expect(stripReasoning("leftover thoughts</think>{}")).toBe("{}");
  });
});

describe("extractJsonObject", () => {
  it("finds the object inside a fence, prose or reasoning, braces in strings included", () => {
    expect(extractJsonObject('Sure:\n```json\n{"a": "}{"}\n```')).toBe('{"a": "}{"}');
    expect(extractJsonObject('<think>{"no": 1}</think> Here: {"b": {"c": 2}} done')).toBe('{"b": {"c": 2}}');
    expect(extractJsonObject("no json here")).toBeNull();
  });
});

describe("parseModelJson", () => {
  const schema = z.object({ n: z.number() });
  it("validates against the schema and explains failures", () => {
    expect(parseModelJson('{"n": 1}', schema)).toEqual({ ok: true, value: { n: 1 } });
    const bad = parseModelJson('{"n": "one"}', schema);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toMatch(/did not match the schema \(n: /);
    const truncated = parseModelJson('{"n": ', schema);
    expect(!truncated.ok && truncated.problem).toMatch(/did not parse/);
  });
});

describe("partialStringField", () => {
  it("decodes a string field as far as it has streamed, escapes included", () => {
    expect(partialStringField('{"optimized_prompt": "Line 1\\nSay \\"hi\\" \\u00e9', "optimized_prompt")).toBe(
      'Line 1\nSay "hi" é',
    );
    expect(partialStringField('{"optimized_prompt": "done", "notes": "x"}', "optimized_prompt")).toBe("done");
    expect(partialStringField('{"optimized_prompt": "half \\', "optimized_prompt")).toBe("half ");
    expect(partialStringField('{"other": 1', "optimized_prompt")).toBeNull();
  });
});

describe("streamedStringField", () => {
  const pieces = fc.array(
    fc.constantFrom(
      "a",
      " ",
      "\\n",
      '\\"',
      "\\u00e9",
      "\\u00",
      "\\",
      "é",
      "<think>",
      "</think>",
      "}",
      '"',
      "\n",
      "x y",
    ),
    { maxLength: 30 },
  );

  it("gives partialStringField's value for every prefix of a growing reply", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          '{"optimized_prompt": "',
          '  {"a":1,"optimized_prompt":"',
          '<think>x</think>{"optimized_prompt" : "',
        ),
        pieces,
        fc.integer({ min: 1, max: 7 }),
        (head, body, step) => {
          const full = `${head}${body.join("")}", "notes": "n"}`;
          const next = streamedStringField("optimized_prompt");
          for (let i = 0; i <= full.length; i += step) {
            const text = full.slice(0, i);
            expect(next(text)).toBe(partialStringField(text, "optimized_prompt"));
          }
          expect(next(full)).toBe(partialStringField(full, "optimized_prompt"));
        },
      ),
      { numRuns: 300 },
    );
  });
});
