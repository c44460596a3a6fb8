// What the diagnostics and strengths look at, computed once per prompt: the prepared text, task
// type, constraints, placeholders, sentences, and whether material (code, pasted text) is supplied.
import type {
  CodebaseContext,
  Constraint,
  Diagnostic,
  DiagnosticCode,
  Severity,
  Span,
  TaskType,
} from "../pipeline/schemas.js";
import type { InjectionResult } from "../safety/injection.js";
import { countWords, type PromptText, splitSentences } from "./prompt-text.js";

export interface AnalysisFacts {
  pt: PromptText;
  taskType: TaskType;
  constraints: Constraint[];
  placeholders: string[];
  /** Sentence spans over `pt.plain`. */
  sentences: Span[];
  words: number;
  /** Offsets (into raw) where supplied material starts: fences, placeholders, pasted blocks. */
  materialAt: number[];
  codebaseContext?: CodebaseContext;
  injection: InjectionResult;
}

export const ROLE_RE =
  /\b(?:you are (?:an?|the|my|now|acting)\b|you're (?:an?|the)\b|act(?:ing)? as (?:an?|the|my)?\b|pretend (?:to be|you are)\b|imagine (?:that )?you are\b|as an? (?:expert|experienced|senior|professional|seasoned|certified)\b|your role is\b|take on the role\b|role:|persona:|in the role of\b)/i;
export const AUDIENCE_RE =
  /\b(?:audience|readers?|readership|aimed at|targeted at|targeting|intended for|written for|non-technical|laypeople|layperson|layman|graders|I know nothing|I'm new to|I am new to|I'm a beginner|I am a beginner|for (?:an? |the |my |our )?(?:[\w-]+ ){0,2}(?:beginners?|graders|students?|kids|children|developers|engineers|executives|managers|team|customers?|clients?|users|parents|teachers|investors|stakeholders|employees|colleagues|recruiters|professionals|experts|novices|adults|teens|teenagers|seniors|followers|subscribers|fans|public|patients|doctors|lawyers|marketers|designers)|to (?:an? |my |our |the )?(?:[\w-]+ )?(?:beginner|customer|client|boss|manager|team|colleague|friend|child|kid|student|investor|recruiter|user|patient|\d+-year-old|five-year-old))\b/i;
export const EXAMPLE_RE = /\b(?:e\.g\.|for example|for instance|examples?\b|such as|sample|input:|output:)|->|=>/i;
export const REASONING_REQUEST_RE =
  /\b(?:step[- ]by[- ]step|show (?:your|the|all) (?:work|reasoning|steps)|explain (?:your )?(?:reasoning|why)|think|reason(?:ing)?|justify|walk (?:me )?through|chain[- ]of[- ]thought|prove|proof|derive|explain each step|show how)\b/i;

const COLON_MATERIAL_RE = /:[ \t]*\S/g;

/** Where supplied material starts: fenced code, placeholders, text after a blank line or a colon. */
export function findMaterial(pt: PromptText, placeholders: string[]): number[] {
  const at: number[] = pt.fences.map((f) => f.start);
  for (const p of placeholders) {
    const i = pt.prose.indexOf(p);
    if (i >= 0) at.push(i);
  }
  // A non-blank line of 10+ characters after a blank line: pasted text. Scanned line by line (linear).
  const text = pt.plain;
  let afterBlank = false;
  for (let start = 0; start <= text.length && at.length < 200; ) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end).trim();
    if (line === "") afterBlank = start > 0;
    else {
      if (afterBlank && line.length >= 10) at.push(start);
      afterBlank = false;
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  COLON_MATERIAL_RE.lastIndex = 0;
  for (let m = COLON_MATERIAL_RE.exec(pt.prose); m !== null && at.length < 400; m = COLON_MATERIAL_RE.exec(pt.prose)) {
    // "…: ^(a+)+$" or "…: [CLAUSE]" — not a clock time "3:30".
    if (!/\d/.test(pt.prose[m.index - 1] ?? "")) at.push(m.index + 1);
  }
  return at.sort((a, b) => a - b);
}

export function buildFacts(
  pt: PromptText,
  parts: Pick<AnalysisFacts, "taskType" | "constraints" | "placeholders" | "codebaseContext" | "injection">,
): AnalysisFacts {
  return {
    pt,
    ...parts,
    sentences: splitSentences(pt.plain),
    words: countWords(pt.plain),
    materialAt: findMaterial(pt, parts.placeholders),
  };
}

export function hasMaterialAfter(facts: AnalysisFacts, offset: number): boolean {
  const list = facts.materialAt;
  return list.length > 0 && list[list.length - 1] >= offset;
}

/** Material before `offset`: a fence, a placeholder or a pasted block, or plenty of text. */
export function hasMaterialBefore(facts: AnalysisFacts, offset: number): boolean {
  if (facts.materialAt.length > 0 && facts.materialAt[0] < offset) return true;
  return offset >= 120 && countWords(facts.pt.plain.slice(Math.max(0, offset - 600), offset)) >= 40;
}

export function diagnostic(code: DiagnosticCode, severity: Severity, message: string, span?: Span): Diagnostic {
  return span === undefined ? { code, severity, message } : { code, severity, message, span };
}

/** Run a global regex over text, at most `cap` matches, skipping empty matches safely. */
export function* matches(re: RegExp, text: string, cap = 50): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(text); m !== null && n < cap; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    n++;
    yield m;
  }
}
