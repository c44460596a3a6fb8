// Test-case files: JSON Lines (one case per line) and promptfoo-style YAML (`tests:` list, or a bare
// list). Parsing never executes anything (YAML custom tags are off) and every problem names its
// line or item.
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { z } from "zod";
import { AppError } from "../errors.js";
import { MAX_CASES, type TestCase, TestCaseSchema } from "./schema.js";

export type TestFileFormat = "jsonl" | "yaml";

/** Largest test file accepted (bytes of text). */
export const MAX_FILE_CHARS = 2_000_000;

function problem(where: string, error: z.ZodError): string {
  const first = error.issues[0];
  const path = first?.path.map(String).join(".") ?? "";
  return `${where}: ${path ? `${path}: ` : ""}${first?.message ?? "invalid"}`;
}

function invalid(message: string): AppError {
  return new AppError("validation_error", message);
}

/** promptfoo writes single-string values for contains-any/all sometimes as comma lists; keep as given. */
function toCase(raw: unknown, where: string): TestCase {
  const parsed = TestCaseSchema.safeParse(raw);
  if (!parsed.success) throw invalid(`Invalid test case — ${problem(where, parsed.error)}`);
  return parsed.data;
}

export function parseJsonl(text: string): TestCase[] {
  if (text.length > MAX_FILE_CHARS) throw invalid(`The test file is larger than ${MAX_FILE_CHARS} characters.`);
  const cases: TestCase[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw invalid(`Invalid test case — line ${i + 1}: not valid JSON.`);
    }
    cases.push(toCase(value, `line ${i + 1}`));
    if (cases.length > MAX_CASES) throw invalid(`A test file holds at most ${MAX_CASES} cases.`);
  }
  if (cases.length === 0) throw invalid("The test file holds no test cases.");
  return cases;
}

export function parseYamlTests(text: string): TestCase[] {
  if (text.length > MAX_FILE_CHARS) throw invalid(`The test file is larger than ${MAX_FILE_CHARS} characters.`);
  let doc: unknown;
  try {
    doc = parseYaml(text, { customTags: [], maxAliasCount: 100, prettyErrors: false, logLevel: "error" });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : "invalid";
    throw invalid(`The YAML test file does not parse (${reason.slice(0, 160)}).`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(list)) throw invalid("The YAML test file needs a `tests:` list (or is a list of cases).");
  if (list.length === 0) throw invalid("The test file holds no test cases.");
  if (list.length > MAX_CASES) throw invalid(`A test file holds at most ${MAX_CASES} cases.`);
  return list.map((item, i) => toCase(item, `tests[${i}]`));
}

/** Parses by format; `auto` picks JSONL when the first non-blank character is `{`. */
export function parseTestFile(text: string, format: TestFileFormat | "auto" = "auto"): TestCase[] {
  const chosen = format === "auto" ? (text.trimStart().startsWith("{") ? "jsonl" : "yaml") : format;
  return chosen === "jsonl" ? parseJsonl(text) : parseYamlTests(text);
}

/** Drops defaults so exported files stay as short as hand-written ones. */
function compact(c: TestCase): Record<string, unknown> {
  return {
    ...(c.description ? { description: c.description } : {}),
    vars: c.vars,
    ...(c.assert.length > 0 ? { assert: c.assert } : {}),
  };
}

export function toJsonl(cases: readonly TestCase[]): string {
  return cases.map((c) => JSON.stringify(compact(c))).join("\n") + (cases.length > 0 ? "\n" : "");
}

export function toYaml(cases: readonly TestCase[]): string {
  return stringifyYaml({ tests: cases.map(compact) }, { lineWidth: 0 });
}

export function serialiseTestFile(cases: readonly TestCase[], format: TestFileFormat): string {
  return format === "jsonl" ? toJsonl(cases) : toYaml(cases);
}

/** A test file with its prompts: promptfoo's `prompts:` (two entries: baseline, candidate) beside `tests:`. */
export interface TestConfig {
  /** Prompt texts or `file://path` references, as written; empty when the file names none. */
  prompts: string[];
  cases: TestCase[];
}

/** Reads a JSONL case file or a YAML test file (optionally with `prompts:`). */
export function parseTestConfig(text: string): TestConfig {
  if (text.trimStart().startsWith("{")) return { prompts: [], cases: parseJsonl(text) };
  const cases = parseYamlTests(text);
  const doc = parseYaml(text, { customTags: [], maxAliasCount: 100, logLevel: "error" }) as { prompts?: unknown };
  const prompts = Array.isArray(doc) ? [] : doc?.prompts;
  if (prompts === undefined) return { prompts: [], cases };
  if (
    !Array.isArray(prompts) ||
    prompts.length !== 2 ||
    prompts.some((p) => typeof p !== "string" || p.trim() === "")
  ) {
    throw invalid("`prompts:` must list exactly two prompts (the original, then the optimized): text or file://path.");
  }
  return { prompts: prompts as string[], cases };
}
