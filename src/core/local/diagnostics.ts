// The analyzer's weaknesses as linter-style diagnostics (PRODUCT.md 3.1): stable codes, severities,
// spans where a span means something. Only an empty prompt or contradictory constraints are errors.
import { DIAGNOSTIC_CODES, type Diagnostic, type Severity, type TaskType } from "../pipeline/schemas.js";
import {
  type AnalysisFacts,
  AUDIENCE_RE,
  diagnostic,
  EXAMPLE_RE,
  matches,
  REASONING_REQUEST_RE,
  ROLE_RE,
} from "./analysis-facts.js";
import { conflictDiagnostics } from "./conflicts.js";
import { quote } from "./prompt-text.js";
import { referenceDiagnostics } from "./references.js";
import { templateDiagnostics } from "./template-diagnostics.js";
import { vaguenessDiagnostics } from "./vagueness.js";

const MAX_PLACEHOLDER_DIAGNOSTICS = 20;
const MAX_INJECTION_DIAGNOSTICS = 10;
const WALL_WORDS = 120;
const LONG_WALL_WORDS = 300;

const ROLE_FOR: Partial<Record<TaskType, string>> = {
  writing: "the writer",
  creative: "the writer",
  coding: "the engineer",
  education: "the teacher",
  medical: "the clinician",
  legal: "the lawyer",
  analysis: "the analyst",
  math: "the solver",
  reasoning: "the advisor",
};
const FORMAT_RE =
  /\b(?:json|yaml|csv|xml|markdown|table|bullet(?:ed)?|list|numbered|headings?|sections?|outline|format|template|code block|step[- ]by[- ]step|e-?mail|letter|haiku|limerick|sonnet|quiz|tweet|one (?:per|on each) line|paragraphs?|sentences?|words?|names|title)\b/i;
const LENGTH_HINT_RE =
  /\b(?:short|brief|briefly|concise|long|long-form|one-page|a page|pages?|words?|sentences?|paragraphs?|characters?|tweet|haiku|limerick|one-liner|lines?|minutes?)\b/i;
const REWRITE_RE = /\b(?:rewrite|proofread|edit|paraphrase|translate|rephrase|reword)\b/i;
const SHORT_CREATIVE_RE =
  /\b(?:haiku|limerick|slogans?|taglines?|names?|jokes?|tweets?|one-liners?|riddles?|sonnet)\b/i;
const SUCCESS_RE =
  /\b(?:must|should (?:be|include|handle|return|work|support|have|cover|take)|needs? to|make sure|ensure|so that|criteria|requirements?|expected|acceptance|handle|include|tests?|edge cases?|keep|without|goal|success|optimi[sz]e for|prioriti[sz]e|budget|deadline|recommendation)\b/i;
const DECISION_RE =
  /^\s*should (?:we|i)\b|\b(?:which (?:is|would be|should)|decide|decision|is it (?:better|worth)|or should)\b/i;
const NEGATIVE_START_RE = /^(?:please\s+)?(?:do not|don't|dont|never|avoid|no|stop|without)\b/i;
const IMPERATIVE_START_RE =
  /^(?:please\s+)?(add|write|explain|list|make|create|fix|summari[sz]e|print|give|find|return|translate|suggest|compare|analy[sz]e|refactor|generate|provide|rewrite|draft|review|describe|convert|show|document|outline|identify|extract|classify|plan|design|build|implement|send|update|remove|rank|recommend|evaluate|calculate|check|ignore|teach|label|turn|pull out|answer|tell|debug|optimi[sz]e|prove|solve|test)\b/i;
const SECOND_TASK_RE =
  /(?:,\s*(?:and\s+|then\s+)?|\s+and\s+(?:then\s+)?(?:also\s+)?|\s+then\s+|;\s*)(add|write|explain|list|make|create|fix|summari[sz]e|print|find|translate|suggest|compare|analy[sz]e|refactor|generate|rewrite|draft|review|describe|convert|show|document|outline|identify|extract|classify|plan|design|build|implement|send|update|remove|rank|recommend|evaluate|calculate|check|debug|optimi[sz]e)\b/gi;

function roleDiagnostic(facts: AnalysisFacts): Diagnostic[] {
  if (ROLE_RE.test(facts.pt.prose)) return [];
  const who = ROLE_FOR[facts.taskType];
  const severity: Severity = who === undefined ? "info" : "warning";
  return [
    diagnostic(
      DIAGNOSTIC_CODES.ROLE,
      severity,
      who === undefined ? "No role or expertise is given." : `No role or expertise is given for ${who}.`,
    ),
  ];
}

function audienceAndLength(facts: AnalysisFacts): Diagnostic[] {
  const { taskType } = facts;
  const text = facts.pt.plain;
  const out: Diagnostic[] = [];
  if ((taskType === "writing" || taskType === "creative" || taskType === "education") && !AUDIENCE_RE.test(text)) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.AUDIENCE,
        taskType === "creative" ? "info" : "warning",
        "No target audience: tone and depth cannot be chosen.",
      ),
    );
  }
  // Hashtag or item counts say nothing about how long a post should be.
  const hasLength = facts.constraints.some(
    (c) => c.kind.startsWith("length.") && (c.kind !== "length.items" || taskType !== "writing"),
  );
  if (!hasLength && !LENGTH_HINT_RE.test(text)) {
    if (taskType === "writing" && !REWRITE_RE.test(text)) {
      out.push(diagnostic(DIAGNOSTIC_CODES.LENGTH, "warning", "Writing task without a length."));
    } else if (taskType === "creative" && !SHORT_CREATIVE_RE.test(text)) {
      out.push(diagnostic(DIAGNOSTIC_CODES.LENGTH, "info", "Creative task without a length."));
    }
  }
  return out;
}

function formatDiagnostic(facts: AnalysisFacts): Diagnostic[] {
  if (facts.taskType === "coding") return []; // the code is the format
  const stated = facts.constraints.some((c) => c.kind.startsWith("format.") || c.kind === "startend.quotation");
  if (stated || FORMAT_RE.test(facts.pt.plain)) return [];
  return [diagnostic(DIAGNOSTIC_CODES.FORMAT, "info", "No output format (headings, sections, markdown) is requested.")];
}

function examplesAndCriteria(facts: AnalysisFacts): Diagnostic[] {
  const { taskType } = facts;
  const text = facts.pt.plain;
  const out: Diagnostic[] = [];
  if (
    (taskType === "classification" || taskType === "extraction" || taskType === "formatting") &&
    !EXAMPLE_RE.test(text)
  ) {
    out.push(
      diagnostic(DIAGNOSTIC_CODES.EXAMPLES, "info", `No example of input and expected output for a ${taskType} task.`),
    );
  }
  if (
    (taskType === "coding" || taskType === "analysis" || (taskType === "reasoning" && DECISION_RE.test(text))) &&
    facts.constraints.length === 0 &&
    !SUCCESS_RE.test(text)
  ) {
    const what =
      taskType === "coding"
        ? "say what correct looks like (expected behaviour, tests, edge cases)."
        : taskType === "analysis"
          ? "say which question the analysis must answer or decide."
          : "say what a good answer optimises for.";
    out.push(diagnostic(DIAGNOSTIC_CODES.SUCCESS_CRITERIA, "info", `No success criteria: ${what}`));
  }
  if ((taskType === "reasoning" || taskType === "math") && !REASONING_REQUEST_RE.test(text)) {
    out.push(
      diagnostic(DIAGNOSTIC_CODES.REASONING, "warning", "Reasoning task without a request to reason step by step."),
    );
  }
  return out;
}

function structureDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { plain } = facts.pt;
  let negative = 0;
  let other = 0;
  let firstNegative: { start: number; end: number } | undefined;
  for (const s of facts.sentences) {
    const sentence = plain.slice(s.start, s.end);
    if (NEGATIVE_START_RE.test(sentence)) {
      negative++;
      firstNegative ??= s;
    } else if (sentence.split(/\s+/).length >= 2) other++;
  }
  if (negative > 0 && other === 0 && firstNegative !== undefined) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.NEGATIVE_ONLY,
        "warning",
        "Only negative instructions: say what to do, not just what to avoid.",
        firstNegative,
      ),
    );
  }
  const trimmed = facts.pt.prose.trim();
  if (facts.words > WALL_WORDS && !trimmed.includes("\n")) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.WALL_OF_TEXT,
        facts.words > LONG_WALL_WORDS ? "warning" : "info",
        `Wall of text: ${facts.words} words in one paragraph; split it into sections or a list.`,
      ),
    );
  }
  let multi = 0;
  for (const s of facts.sentences) {
    if (multi >= 5) break;
    const sentence = plain.slice(s.start, s.end);
    const first = IMPERATIVE_START_RE.exec(sentence);
    if (first === null) continue;
    const verbs = [first[1].toLowerCase()];
    for (const m of matches(SECOND_TASK_RE, sentence, 6)) verbs.push(m[1].toLowerCase());
    if (verbs.length < 2) continue;
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.MULTI_TASK,
        "info",
        `One sentence asks for ${verbs.length} tasks (${verbs.map((v) => `"${v}"`).join(", ")}): number them as steps.`,
        s,
      ),
    );
    multi++;
  }
  return out;
}

function placeholderDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  return facts.placeholders.slice(0, MAX_PLACEHOLDER_DIAGNOSTICS).map((p) => {
    const at = facts.pt.prose.indexOf(p);
    const start = at >= 0 ? at : Math.max(0, facts.pt.raw.indexOf(p));
    return diagnostic(DIAGNOSTIC_CODES.PLACEHOLDER, "info", `Placeholder "${p}" must be filled in before use.`, {
      start,
      end: start + p.length,
    });
  });
}

function injectionDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  const { raw } = facts.pt;
  const out: Diagnostic[] = [];
  const spans: Array<{ start: number; end: number }> = [];
  for (const f of facts.injection.findings) {
    if (out.length >= MAX_INJECTION_DIAGNOSTICS) break;
    const start = Math.min(Math.max(0, Math.floor(f.span.start) || 0), raw.length);
    const end = Math.min(Math.max(start, Math.floor(f.span.end) || 0), raw.length);
    // A finding inside an earlier one ("system prompt" in "print your system prompt") adds nothing.
    if (spans.some((s) => s.start <= start && end <= s.end && end > start)) continue;
    spans.push({ start, end });
    const where = end > start ? ` at ${quote(raw.slice(start, end))}` : "";
    const message = (f.message ?? "").trim() || "matches a known injection pattern.";
    out.push(
      diagnostic(DIAGNOSTIC_CODES.INJECTION, "warning", `Possible prompt injection${where}: ${message}`, {
        start,
        end,
      }),
    );
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Every diagnostic for a non-empty prompt, ordered by span start, then severity (errors first). */
export function diagnose(facts: AnalysisFacts): Diagnostic[] {
  const all = [
    ...roleDiagnostic(facts),
    ...audienceAndLength(facts),
    ...formatDiagnostic(facts),
    ...referenceDiagnostics(facts),
    ...vaguenessDiagnostics(facts),
    ...examplesAndCriteria(facts),
    ...structureDiagnostics(facts),
    ...conflictDiagnostics(facts),
    ...placeholderDiagnostics(facts),
    ...injectionDiagnostics(facts),
    ...templateDiagnostics(facts.pt.raw, facts.constraints),
  ];
  return all
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (a.d.span?.start ?? 0) - (b.d.span?.start ?? 0) ||
        SEVERITY_RANK[a.d.severity] - SEVERITY_RANK[b.d.severity] ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}

/** The diagnostic for an empty or whitespace-only prompt. */
export function emptyPromptDiagnostic(): Diagnostic {
  return diagnostic(DIAGNOSTIC_CODES.EMPTY, "error", "The prompt is empty.");
}
