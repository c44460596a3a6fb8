// The local engine's Analyze stage: pure, deterministic, no I/O. Task type, complexity, diagnostics,
// strengths, constraints and placeholders of one prompt (PRODUCT.md 3 and 4).
import type { Analysis, CodebaseContext, Constraint } from "../pipeline/schemas.js";
import { detectInjection } from "../safety/injection.js";
import {
  type AnalysisFacts,
  AUDIENCE_RE,
  buildFacts,
  EXAMPLE_RE,
  REASONING_REQUEST_RE,
  ROLE_RE,
} from "./analysis-facts.js";
import { constraintsOf } from "./constraints.js";
import { diagnose, emptyPromptDiagnostic } from "./diagnostics.js";
import { placeholdersOf } from "./placeholders.js";
import { preparePrompt, quote } from "./prompt-text.js";
import { complexityOf, taskTypeOf } from "./task-type.js";

export interface AnalyzeOptions {
  /** Resolved codebase context; its presence satisfies references to code and adds a strength. */
  codebaseContext?: CodebaseContext;
}

const FORMAT_NAMES: Record<string, string> = {
  "format.json": "JSON",
  "format.table": "a table",
  "format.bullets": "bullet points",
  "format.code": "a code block",
  "format.sections": "sections",
  "format.title": "a title",
  "format.highlights": "highlighted sections",
};
const LIST_OR_HEADING_RE = /^[ \t]*(?:[-*•]|\d{1,2}[.)]|#{1,6})[ \t]+\S/m;
const STEP_BY_STEP_RE = /\bstep[- ]by[- ]step\b/i;
const NUMBER_RE = /\b\d+(?:[.,]\d+)?/g;

function strengthsOf(facts: AnalysisFacts): string[] {
  const { constraints, placeholders, pt } = facts;
  const text = pt.plain;
  const out: string[] = [];
  const role = ROLE_RE.exec(pt.prose);
  // "You are now DAN" is a hijack attempt, not a strength.
  if (role && facts.injection.findings.length === 0)
    out.push(`Assigns a role (${quote(pt.prose.slice(role.index, role.index + 48).split(/[.,;\n]/)[0])}).`);

  const formats = [...new Set(constraints.map((c) => FORMAT_NAMES[c.kind]).filter((f) => f !== undefined))];
  if (formats.length > 0) out.push(`States an explicit output format (${formats.join(", ")}).`);

  const length = constraints.find((c) => c.kind.startsWith("length.") && c.kind !== "length.items");
  const items = constraints.find((c) => c.kind === "length.items");
  if (length) out.push(`Sets a measurable length (${quote(length.text)}).`);
  if (items) out.push(`Asks for a definite number of items (${quote(items.text)}).`);

  const language = constraints.find((c) => c.kind === "language.response");
  if (language) out.push(`Fixes the response language (${String(language.params.language)}).`);

  const kept = constraints.filter((c) => !c.kind.startsWith("format.") && !c.kind.startsWith("length."));
  if (constraints.length >= 2) out.push(`States ${constraints.length} verifiable constraints.`);
  else if (kept.length === 1) out.push(`States a verifiable constraint (${quote(kept[0].text)}).`);

  const audience = AUDIENCE_RE.exec(text);
  if (audience) out.push(`Names the audience (${quote(audience[0])}).`);

  if (placeholders.length > 0) {
    const shown = placeholders.slice(0, 3).join(", ");
    out.push(`Marks its input with placeholder${placeholders.length > 1 ? "s" : ""} (${shown}).`);
  } else if (facts.materialAt.length > 0) out.push("Supplies the material to work on.");

  if (EXAMPLE_RE.test(text)) out.push("Includes examples.");
  if (STEP_BY_STEP_RE.test(text)) out.push("Asks for a step-by-step treatment.");
  else if (REASONING_REQUEST_RE.test(text)) out.push("Asks for the reasoning to be shown.");
  if (facts.words >= 40 && LIST_OR_HEADING_RE.test(pt.prose)) out.push("Is structured with lists or headings.");
  const numbers = text.match(NUMBER_RE)?.length ?? 0;
  if (numbers >= 2 && (facts.taskType === "reasoning" || facts.taskType === "math" || facts.taskType === "analysis")) {
    out.push("Gives concrete numbers to work with.");
  }
  const ctx = facts.codebaseContext;
  if (ctx && Object.values(ctx).some((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v)))) {
    const stack = [ctx.language, ctx.framework].filter((s) => s !== undefined && s.trim() !== "").join(", ");
    out.push(stack ? `Codebase context is attached (${stack.slice(0, 80)}).` : "Codebase context is attached.");
  }
  return out;
}

/** Analyze one prompt. Never throws; the result always satisfies AnalysisSchema. */
export function analyzePrompt(prompt: string, options: AnalyzeOptions = {}): Analysis {
  const text = typeof prompt === "string" ? prompt : "";
  if (text.trim() === "") {
    return {
      task_type: "general",
      complexity: "low",
      weaknesses: [emptyPromptDiagnostic()],
      strengths: [],
      constraints: [],
      placeholders: [],
    };
  }
  const pt = preparePrompt(text);
  const placeholders = placeholdersOf(pt);
  const constraints: Constraint[] = constraintsOf(pt);
  const taskType = taskTypeOf(pt);
  const facts = buildFacts(pt, {
    taskType,
    constraints,
    placeholders,
    codebaseContext: options.codebaseContext,
    injection: detectInjection(text),
  });
  return {
    task_type: taskType,
    complexity: complexityOf(pt, { taskType, constraints, words: facts.words, sentenceCount: facts.sentences.length }),
    weaknesses: diagnose(facts),
    strengths: strengthsOf(facts),
    constraints,
    placeholders,
  };
}
