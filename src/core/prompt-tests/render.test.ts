import { describe, expect, it } from "vitest";
import { parseJsonl, parseTestFile, parseYamlTests, serialiseTestFile, toJsonl, toYaml } from "./files.js";
import { renderPrompt, requiredVars } from "./render.js";
import { TestCaseSchema } from "./schema.js";

describe("renderPrompt", () => {
  it("fills {var}, {{var}}, {{ var }} and {{$var}} placeholders", () => {
    const prompt = "Summarise {{ article }} for {audience} in {{$lang}}. Topic: {{article}}.";
    expect(requiredVars(prompt)).toEqual(["article", "audience", "lang"]);
    expect(renderPrompt(prompt, { article: "TEXT", audience: "kids", lang: "French" })).toBe(
      "Summarise TEXT for kids in French. Topic: TEXT.",
    );
  });

  it("never re-scans substituted values", () => {
    expect(renderPrompt("Q: {{q}} A: {{a}}", { q: "{{a}}", a: "42" })).toBe("Q: {{a}} A: 42");
  });

  it("fills [name] and <name> only when the case names them", () => {
    expect(renderPrompt("Translate [TEXT] now", {})).toBe("Translate [TEXT] now");
    expect(renderPrompt("Translate [TEXT] now", { TEXT: "hola" })).toBe("Translate hola now");
  });

  it("a missing var is a validation error naming it and the case", () => {
    expect(() => renderPrompt("Hello {{name}} from {city}", { name: "Ann" }, { caseLabel: "case 2" })).toThrow(
      /case 2: the prompt uses the placeholder "city" but the test case gives no value/,
    );
  });

  it("numbers and booleans are rendered as text", () => {
    expect(renderPrompt("n={n} b={b}", { n: 3, b: false })).toBe("n=3 b=false");
  });
});

describe("test files", () => {
  const cases = [
    TestCaseSchema.parse({ vars: { q: "2+2" }, assert: [{ type: "equals", value: "4" }] }),
    TestCaseSchema.parse({ description: "capital", vars: { q: "capital of France" } }),
  ];

  it("round-trips JSONL and YAML", () => {
    expect(parseJsonl(toJsonl(cases))).toEqual(cases);
    expect(parseYamlTests(toYaml(cases))).toEqual(cases);
    expect(parseTestFile(serialiseTestFile(cases, "jsonl"))).toEqual(cases);
    expect(parseTestFile(serialiseTestFile(cases, "yaml"))).toEqual(cases);
  });

  it("reads a promptfoo-style tests: list", () => {
    const yaml = [
      "prompts: [ignored]",
      "tests:",
      "  - vars:",
      "      topic: bananas",
      "    assert:",
      "      - type: icontains",
      "        value: banana",
      "      - type: contains-any",
      "        value: [yellow, green]",
      "        weight: 2",
    ].join("\n");
    const parsed = parseYamlTests(yaml);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].assert[1]).toEqual({ type: "contains-any", value: ["yellow", "green"], weight: 2 });
  });

  it("names the line or item of a bad case", () => {
    expect(() => parseJsonl('{"vars":{}}\nnot json')).toThrow(/line 2: not valid JSON/);
    expect(() => parseJsonl('{"vars":{},"assert":[{"type":"python","value":"x"}]}')).toThrow(/line 1: assert\.0\.type/);
    expect(() => parseYamlTests("tests:\n  - vars: {a: 1}\n  - assert: [{type: contains}]")).toThrow(
      /tests\[1\]: assert\.0\.value/,
    );
    expect(() => parseYamlTests("just: a map")).toThrow(/needs a `tests:` list/);
    expect(() => parseYamlTests("tests: [\n")).toThrow(/does not parse/);
    expect(() => parseJsonl("\n\n")).toThrow(/no test cases/);
  });

  it("does not execute YAML tags", () => {
    expect(() => parseYamlTests("tests:\n  - vars: !!js/function 'function(){}'")).toThrow();
  });
});

describe("parseTestConfig", () => {
  it("reads promptfoo's prompts: beside tests:, and JSONL without prompts", async () => {
    const { parseTestConfig } = await import("./files.js");
    const config = parseTestConfig(
      "prompts:\n  - file://a.txt\n  - 'Answer {{q}} in lowercase'\ntests:\n  - vars: {q: hi}\n",
    );
    expect(config.prompts).toEqual(["file://a.txt", "Answer {{q}} in lowercase"]);
    expect(config.cases).toHaveLength(1);
    expect(parseTestConfig('{"vars":{"q":"x"}}\n').prompts).toEqual([]);
    expect(() => parseTestConfig("prompts: [one]\ntests:\n  - vars: {}\n")).toThrow(/exactly two prompts/);
  });
});
