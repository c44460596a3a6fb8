// Merges the model's analysis with the local analyzer's. The model is better at judging task type,
// complexity and subtle weaknesses; the local analyzer is exact about verbatim spans. Constraints and
// placeholders the model reports are kept only when they really occur in the prompt.
import type { Analysis, Constraint, Diagnostic } from "../core/pipeline/schemas.js";
import type { LlmAnalysis } from "./stage-schemas.js";

const MAX_MESSAGE = 300;
const MAX_STRENGTHS = 10;

export function mergeAnalysis(prompt: string, local: Analysis, llm: LlmAnalysis): Analysis {
  const weaknesses: Diagnostic[] = [...local.weaknesses];
  const codes = new Set(local.weaknesses.map((w) => w.code));
  for (const w of llm.weaknesses) {
    const message = w.message.trim().slice(0, MAX_MESSAGE);
    if (codes.has(w.code) || message.length === 0) continue;
    codes.add(w.code);
    weaknesses.push({ code: w.code, severity: w.severity, message });
  }

  const constraints: Constraint[] = [...local.constraints];
  for (const c of llm.constraints) {
    const text = c.text.trim();
    if (text.length === 0) continue;
    const start = prompt.indexOf(text);
    if (start < 0) continue; // not verbatim: it could never be checked, so it is not a constraint
    const covered = constraints.some((k) => k.text.includes(text) || (k.kind === c.kind && text.includes(k.text)));
    if (covered) continue;
    constraints.push({ kind: c.kind, text, params: {}, span: { start, end: start + text.length } });
  }

  const placeholders = [...local.placeholders];
  for (const p of llm.placeholders) {
    const token = p.trim();
    if (token.length > 0 && token.length <= 100 && prompt.includes(token) && !placeholders.includes(token)) {
      placeholders.push(token);
    }
  }

  const strengths = llm.strengths
    .map((s) => s.trim().slice(0, MAX_MESSAGE))
    .filter((s) => s.length > 0)
    .slice(0, MAX_STRENGTHS);

  return {
    task_type: llm.task_type,
    complexity: llm.complexity,
    weaknesses,
    strengths: strengths.length > 0 ? strengths : local.strengths,
    constraints,
    placeholders,
  };
}
