import { describe, expect, it } from "vitest";
import type { Constraint, ConstraintKind } from "../pipeline/schemas.js";
import { verifyOutput } from "./index.js";

const c = (kind: ConstraintKind, params: Constraint["params"] = {}): Constraint => ({
  kind,
  text: "instruction",
  params,
});
const one = (constraint: Constraint, output: string) => verifyOutput([constraint], output)[0];

describe("format.json", () => {
  it("accepts bare JSON and JSON in a ```json fence (IFEval)", () => {
    expect(one(c("format.json"), '{"a": 1}').follows).toBe(true);
    expect(one(c("format.json"), '```json\n{"a": [1, 2]}\n```').follows).toBe(true);
    expect(one(c("format.json"), '```JSON\n["x"]\n```').follows).toBe(true);
  });
  it("rejects prose around the JSON, empty and whitespace-only output", () => {
    expect(one(c("format.json"), 'Here it is: {"a": 1}').follows).toBe(false);
    expect(one(c("format.json"), "").detail).toMatch(/^not valid JSON/);
    expect(one(c("format.json"), "   ").follows).toBe(false);
  });
  it("checks the keys the prompt lists, case-insensitively, in every array element", () => {
    const keyed = c("format.json", { keys: ["name", "Price"] });
    expect(one(keyed, '{"Name": "a", "price": 2}').follows).toBe(true);
    expect(one(keyed, '[{"name": "a", "price": 2}, {"name": "b"}]')).toMatchObject({
      follows: false,
      detail: "valid JSON without keys Price",
    });
    expect(one(keyed, '"just a string"').detail).toBe("JSON is not an object");
  });
});

describe("format.bullets", () => {
  const three = c("format.bullets", { style: "bullets", count: 3, relation: "exactly" });
  it("counts * and - lines but not **bold** lines (IFEval)", () => {
    expect(one(three, "Intro\n* one\n* two\n- three").follows).toBe(true);
    expect(one(three, "**Bold heading**\n* one\n* two\n* three").follows).toBe(true);
    expect(one(three, "* one\n* two").detail).toBe("2 bullet points, wanted exactly 3");
  });
  it("counts numbered items for the numbered style", () => {
    const numbered = c("format.bullets", { style: "numbered" });
    expect(one(numbered, "1. a\n2) b").detail).toBe("2 numbered items");
    expect(one(numbered, "a, b").follows).toBe(false);
  });
  it("fails empty output and passes any list when no count is given", () => {
    expect(one(c("format.bullets", { style: "bullets" }), "").follows).toBe(false);
    expect(one(c("format.bullets", { style: "bullets" }), "- Punkt eins\n- Punkt zwei").follows).toBe(true);
  });
});

describe("format.sections", () => {
  it("splits on the marker word and a number (IFEval multiple_sections, at least)", () => {
    const marked = c("format.sections", { marker: "SECTION X", count: 2, relation: "at least" });
    expect(one(marked, "SECTION 1\nIntro\nSECTION 2\nBody\nSECTION 3\nEnd").follows).toBe(true);
    expect(one(marked, "SECTION 1\nAll in one").detail).toBe('1 section marked "SECTION N", wanted at least 2');
    expect(one(marked, "Section 1\nSection 2").follows).toBe(false);
  });
  it("counts Markdown headings when no marker is given", () => {
    const three = c("format.sections", { count: 3, relation: "exactly" });
    expect(one(three, "# A\ntext\n## B\ntext\n### C\n#hashtag").follows).toBe(true);
    expect(one(three, "").follows).toBe(false);
  });
});

describe("format.title", () => {
  it("finds a non-empty <<title>> (IFEval)", () => {
    const wrapped = c("format.title", { wrapper: "<<>>" });
    expect(one(wrapped, "<<Poème de joie>>\nLes vers…").follows).toBe(true);
    expect(one(wrapped, "<< >>\ntext").follows).toBe(false);
    expect(one(wrapped, "# Title").follows).toBe(false);
  });
  it("accepts a heading, a bold line or a short first line when no wrapper is asked", () => {
    expect(one(c("format.title"), "# Ocean Tides\n\nThe moon pulls…").follows).toBe(true);
    expect(one(c("format.title"), "**Ocean Tides**\nThe moon pulls…").follows).toBe(true);
    expect(one(c("format.title"), "The moon pulls the oceans, which makes tides, and that is all.").follows).toBe(
      false,
    );
    expect(one(c("format.title"), "  \n ").detail).toBe("empty output");
  });
});

describe("format.highlights", () => {
  it("counts *x* and **x** spans on one line (IFEval)", () => {
    const two = c("format.highlights", { style: "markdown", count: 2, relation: "at least" });
    expect(one(two, "This is *important* and **vital**.").detail).toBe("2 highlighted sections, wanted at least 2");
    expect(one(two, "Only *one* here, and ** ** is empty.").follows).toBe(false);
    expect(one(two, "*not\nacross lines*").follows).toBe(false);
  });
  it("needs one highlight when no count is given", () => {
    expect(one(c("format.highlights", { style: "markdown" }), "plain").follows).toBe(false);
  });
});

describe("format.table", () => {
  const md = "| Name | Price |\n|---|:---:|\n| a | 1 |";
  it("finds Markdown and HTML tables", () => {
    expect(one(c("format.table"), `Intro\n\n${md}`).follows).toBe(true);
    expect(one(c("format.table"), "<table><tr><th>Name</th></tr></table>").follows).toBe(true);
    expect(one(c("format.table"), "Name: a, Price: 1").follows).toBe(false);
  });
  it("checks the requested columns against the header row", () => {
    expect(one(c("format.table", { columns: ["name", "price"] }), md).follows).toBe(true);
    expect(one(c("format.table", { columns: ["Name", "Stock"] }), md)).toMatchObject({
      follows: false,
      detail: "table without columns Stock (has Name, Price)",
    });
    expect(one(c("format.table", { columns: ["Nombre"] }), "| **Nombre** |\n| --- |\n| Ana |").follows).toBe(true);
  });
});

describe("format.code", () => {
  it("needs a closed fenced block", () => {
    expect(one(c("format.code"), "Here:\n```ts\nconst a = 1;\n```").follows).toBe(true);
    expect(one(c("format.code"), "~~~\nx\n~~~").follows).toBe(true);
    expect(one(c("format.code"), "```ts\nconst a = 1;").follows).toBe(false);
    expect(one(c("format.code"), "use `inline` code").follows).toBe(false);
  });
});
