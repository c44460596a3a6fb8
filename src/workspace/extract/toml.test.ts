import { describe, expect, it } from "vitest";
import { parseToml, TomlError } from "./toml.js";

describe("parseToml", () => {
  it("reads tables, dotted keys, arrays, inline tables and arrays of tables", () => {
    const doc = parseToml(`
# comment
title = "x" # trailing
[project]
name = 'acme'
version = "1.0"
deps = [
  "a>=1", # why
  "b",
]
flags = { debug = true, level = 3 }
nested.key = 1_000

[[bin]]
name = "one"
[[bin]]
name = "two"

[tool.ruff.lint]
select = ["E", "F"]
`);
    expect(JSON.parse(JSON.stringify(doc))).toEqual({
      title: "x",
      project: {
        name: "acme",
        version: "1.0",
        deps: ["a>=1", "b"],
        flags: { debug: true, level: 3 },
        nested: { key: 1000 },
      },
      bin: [{ name: "one" }, { name: "two" }],
      tool: { ruff: { lint: { select: ["E", "F"] } } },
    });
  });

  it("reads multi-line and escaped strings and dates", () => {
    const doc = parseToml('a = """\nline one\nline "two"\n"""\nb = "tab\\tu\\u00fc"\nc = 2024-01-02T03:04:05Z\n');
    expect(doc.a).toBe('line one\nline "two"\n');
    expect(doc.b).toBe("tab\tuü");
    expect(doc.c).toBe("2024-01-02T03:04:05Z");
  });

  it("keeps __proto__ as a plain key", () => {
    const doc = parseToml("[__proto__]\npolluted = true\n");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(doc)).toEqual(["__proto__"]);
  });

  it.each([
    ['a = "unterminated', "unterminated string on line 1"],
    ["a = 1\na = 2", 'duplicate key "a" on line 2'],
    ["[table", "unclosed table header on line 1"],
    ["a = nope", 'unexpected value "nope" on line 1'],
    ["a = [1 2]", "expected , or ] in an array on line 1"],
  ])("rejects %j with a message naming the line", (text, message) => {
    expect(() => parseToml(text)).toThrow(TomlError);
    expect(() => parseToml(text)).toThrow(message);
  });
});
