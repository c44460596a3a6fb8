// PF-CONFLICT: constraints that cannot all hold. Contradictory numbers, cases, keywords or
// languages make the prompt unusable (error); a brief-versus-detailed tension is a warning.
import { type Constraint, DIAGNOSTIC_CODES, type Diagnostic } from "../pipeline/schemas.js";
import { type AnalysisFacts, diagnostic } from "./analysis-facts.js";
import { quote } from "./prompt-text.js";

interface Range {
  lo: number;
  hi: number;
}

const COUNTED_KINDS = new Set([
  "length.words",
  "length.sentences",
  "length.paragraphs",
  "length.items",
  "format.bullets",
]);
const BRIEF_RE = /\b(?:be (?:brief|concise|short|succinct)|keep it (?:short|brief)|in a nutshell|one-liner)\b/i;
const DETAILED_RE =
  /\b(?:be (?:detailed|comprehensive|exhaustive|thorough)|in (?:great |full )?detail|in-depth|exhaustively|cover everything)\b/i;

function rangeOf(c: Constraint): Range | undefined {
  const n = c.params.count;
  if (typeof n !== "number") return undefined;
  switch (c.params.relation) {
    case "less than":
      return { lo: 0, hi: n - 1 };
    case "at most":
      return { lo: 0, hi: n };
    case "at least":
      return { lo: n, hi: Number.POSITIVE_INFINITY };
    default:
      // "about 300 words" tolerates ±20 %.
      return c.params.approximate === true ? { lo: Math.floor(n * 0.8), hi: Math.ceil(n * 1.2) } : { lo: n, hi: n };
  }
}

/** Constraints of the same kind (and same item noun) whose counts cannot both be met. */
function countConflicts(constraints: Constraint[]): Array<[Constraint, Constraint]> {
  const pairs: Array<[Constraint, Constraint]> = [];
  const counted = constraints.filter((c) => COUNTED_KINDS.has(c.kind)).slice(0, 40);
  for (let i = 0; i < counted.length; i++) {
    for (let j = i + 1; j < counted.length; j++) {
      const a = counted[i];
      const b = counted[j];
      if (a.kind !== b.kind || a.params.item !== b.params.item) continue;
      const ra = rangeOf(a);
      const rb = rangeOf(b);
      if (ra && rb && Math.max(ra.lo, rb.lo) > Math.min(ra.hi, rb.hi)) pairs.push([a, b]);
    }
  }
  return pairs;
}

function keywordsOf(c: Constraint): string[] {
  const k = c.params.keywords;
  return Array.isArray(k) ? k.map((s) => s.toLowerCase()) : [];
}

export function conflictDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  const { constraints } = facts;
  const out: Diagnostic[] = [];
  const both = (a: Constraint, b: Constraint, why: string) =>
    diagnostic(
      DIAGNOSTIC_CODES.CONFLICT,
      "error",
      `Conflicting constraints: ${quote(a.text)} and ${quote(b.text)} ${why}`,
      b.span,
    );

  for (const [a, b] of countConflicts(constraints)) out.push(both(a, b, "cannot both hold."));

  const lower = constraints.find((c) => c.kind === "case.lower");
  const upper = constraints.find((c) => c.kind === "case.upper" || c.kind === "case.capital_words");
  if (lower && upper) {
    const [a, b] = (lower.span?.start ?? 0) < (upper.span?.start ?? 0) ? [lower, upper] : [upper, lower];
    out.push(both(a, b, "ask for opposite letter cases."));
  }

  const includes = constraints.filter((c) => c.kind === "keywords.include" || c.kind === "keywords.frequency");
  for (const ex of constraints.filter((c) => c.kind === "keywords.exclude")) {
    const banned = new Set(keywordsOf(ex));
    const clash = includes.find((inc) => keywordsOf(inc).some((k) => banned.has(k)));
    if (clash) out.push(both(clash, ex, "require and forbid the same word."));
  }

  const languages = constraints.filter((c) => c.kind === "language.response");
  const distinct = new Set(languages.map((c) => String(c.params.language)));
  if (distinct.size > 1) {
    const second = languages.find((c) => c.params.language !== languages[0].params.language)!;
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.CONFLICT,
        "warning",
        `Several response languages: ${quote(languages[0].text)} and ${quote(second.text)}; say which applies where.`,
        second.span,
      ),
    );
  }

  const json = constraints.find((c) => c.kind === "format.json");
  const table = constraints.find((c) => c.kind === "format.table");
  if (json && table) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.CONFLICT,
        "warning",
        `Two output formats: ${quote(json.text)} and ${quote(table.text)}; say which one the answer uses.`,
        (json.span?.start ?? 0) > (table.span?.start ?? 0) ? json.span : table.span,
      ),
    );
  }

  const plain = facts.pt.plain;
  const brief = BRIEF_RE.exec(plain);
  const detailed = DETAILED_RE.exec(plain);
  if (brief && detailed) {
    const later = brief.index > detailed.index ? brief : detailed;
    const earlier = later === brief ? detailed : brief;
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.CONFLICT,
        "warning",
        `${quote(earlier[0])} and ${quote(later[0])} pull in opposite directions; give a length or a priority.`,
        { start: later.index, end: later.index + later[0].length },
      ),
    );
  }
  return out;
}
