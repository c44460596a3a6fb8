// `promptforge batch` over every prompt of both shipped corpora: no crash, one output line per
// input line, every extracted constraint and placeholder preserved, oversized prompts rejected.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/prompts");
const load = (name: string) =>
  readFileSync(path.join(fixtures, name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { prompt: string });

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir("pf-batch-corpora-"));
});
afterAll(() => cleanup());

describe("promptforge batch over both corpora", () => {
  it("processes every prompt, preserves every constraint and placeholder, rejects oversized lines", {
    timeout: 240_000,
  }, async () => {
    const prompts = [...load("everyday.jsonl"), ...load("awesome-chatgpt-prompts.jsonl")];
    const file = path.join(dir, "corpora.jsonl");
    writeFileSync(file, prompts.map((p) => JSON.stringify({ prompt: p.prompt })).join("\n"));
    const result = await runCli(["batch", file, "--concurrency", "4", "-q"], {
      env: { DATA_DIR: path.join(dir, "data") },
    });
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(prompts.length);

    const oversized = prompts.map((p, i) => (p.prompt.length > 100_000 ? i : -1)).filter((i) => i >= 0);
    expect(oversized.length).toBeGreaterThan(0);
    for (const i of oversized) {
      expect(lines[i]).toMatchObject({ line: i + 1, error: { code: "validation_error" } });
      expect(lines[i].error.message).toMatch(/100000/);
    }
    // Exit 1 only because of the oversized lines.
    expect(result.code).toBe(1);

    let constraints = 0;
    let placeholders = 0;
    lines.forEach((record, i) => {
      if (oversized.includes(i)) return;
      expect(record.status, `line ${i + 1}`).toBe("completed");
      const { preserved } = record.validation;
      expect(preserved.constraints.kept, `constraints of line ${i + 1}`).toBe(preserved.constraints.total);
      expect(preserved.placeholders.kept, `placeholders of line ${i + 1}`).toBe(preserved.placeholders.total);
      for (const c of record.analysis.constraints) expect(record.optimized_prompt).toContain(c.text);
      for (const p of record.analysis.placeholders) expect(record.optimized_prompt).toContain(p);
      constraints += preserved.constraints.total;
      placeholders += preserved.placeholders.total;
    });
    // The corpora do exercise the rule.
    expect(constraints).toBeGreaterThan(100);
    expect(placeholders).toBeGreaterThan(20);
  });
});
