// Verifiable output constraints (PRODUCT.md 3.2). Each constraint's `text` is the verbatim span of
// the prompt it came from, so rewriters can keep it word for word and verifiers can point at it.
import type { Constraint } from "../pipeline/schemas.js";
import { CONSTRAINT_RULES, type ConstraintRule, type RuleMatch } from "./constraint-rules.js";
import { languageCode } from "./constraint-rules-more.js";
import { type PromptText, preparePrompt } from "./prompt-text.js";

/** Hard cap so pathological inputs stay bounded; real prompts state a handful. */
const MAX_CONSTRAINTS = 200;
/** "3 sections" and "Mark each with SECTION X" a few words apart describe one constraint. */
const SECTION_MERGE_GAP = 80;

const ALL_CUES = [...new Set(CONSTRAINT_RULES.flatMap((r) => [...r.cues, ...(r.requires ?? [])]))].filter(
  (c) => c !== "",
);
/** Cues of three characters or fewer ('"', "in ") occur everywhere; `includes` checks them once each. */
const SHORT_CUES = ALL_CUES.filter((c) => c.length <= 3);
const LONG_CUES = ALL_CUES.filter((c) => c.length > 3);
/** Longest first, so each position reports its longest cue; shorter cues it contains are implied. */
const LONG_SORTED = [...LONG_CUES].sort((a, b) => b.length - a.length);
const escapeCue = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const cueRegex = (cues: readonly string[]) => new RegExp(cues.map(escapeCue).join("|"), "g");
const CUE_RE = cueRegex(LONG_SORTED);
const IMPLIED_CUES = new Map(LONG_CUES.map((c) => [c, LONG_CUES.filter((d) => c.includes(d))]));
/**
 * Matches of cues already known to be present are wasted work; after this many, the scan goes on
 * with a regex of the cues not yet seen. A real prompt never gets there; a 100 KB text repeating
 * "Do not use the word" does, once or twice, and so stays linear with a small constant.
 */
const WASTED_MATCHES_BEFORE_NARROWING = 256;

/** Which rule cues occur in the lower-cased prose: one regex pass instead of one `includes` per cue. */
function cuesIn(lower: string): Set<string> {
  const present = new Set<string>([""]);
  for (const c of SHORT_CUES) if (lower.includes(c)) present.add(c);
  let re = CUE_RE;
  let wasted = 0;
  re.lastIndex = 0;
  for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
    const next = m.index + 1;
    if (!present.has(m[0])) for (const c of IMPLIED_CUES.get(m[0]) ?? [m[0]]) present.add(c);
    else if (++wasted >= WASTED_MATCHES_BEFORE_NARROWING) {
      const unseen = LONG_SORTED.filter((c) => !present.has(c));
      if (unseen.length === 0) break;
      re = cueRegex(unseen);
      wasted = 0;
    }
    re.lastIndex = next;
  }
  return present;
}

interface Found {
  constraint: Constraint;
  start: number;
  end: number;
}

function overlaps(a: Found, start: number, end: number): boolean {
  return a.start < end && start < a.end;
}

/** Trim trailing spaces and punctuation that the loose list captures may leave inside a span. */
function trimEnd(raw: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s,;:]/.test(raw[e - 1])) e--;
  return e;
}

function mergeSections(found: Found[], raw: string): Found[] {
  const out: Found[] = [];
  for (const f of found) {
    const prev = out[out.length - 1];
    if (
      prev !== undefined &&
      prev.constraint.kind === "format.sections" &&
      f.constraint.kind === "format.sections" &&
      f.start - prev.end <= SECTION_MERGE_GAP &&
      !raw.slice(prev.end, f.start).includes("\n\n")
    ) {
      const text = raw.slice(prev.start, f.end);
      prev.constraint = {
        kind: "format.sections",
        text,
        params: { ...prev.constraint.params, ...f.constraint.params },
        span: { start: prev.start, end: f.end },
      };
      prev.end = f.end;
      continue;
    }
    out.push(f);
  }
  return out;
}

/** Constraints of an already prepared prompt (shared by the analyzer). */
export function constraintsOf(pt: PromptText): Constraint[] {
  const { raw, prose, lower } = pt;
  const accepted: Found[] = [];
  const accept = (rule: ConstraintRule, built: RuleMatch, matchStart: number, matchEnd: number): void => {
    const start = Math.max(0, Math.min(built.start ?? matchStart, matchStart));
    const end = trimEnd(raw, start, Math.min(built.end ?? matchEnd, matchEnd));
    if (end <= start || accepted.some((a) => overlaps(a, start, end))) return;
    const text = raw.slice(start, end);
    if (text.trim() === "") return;
    let params = built.params;
    if (rule.kind === "language.response" && typeof params.language === "string" && params.code === undefined) {
      const code = languageCode(params.language);
      if (code !== undefined) params = { ...params, code };
    }
    accepted.push({ constraint: { kind: rule.kind, text, params, span: { start, end } }, start, end });
  };
  const present = cuesIn(lower);
  for (const rule of CONSTRAINT_RULES) {
    if (!rule.cues.some((cue) => present.has(cue))) continue;
    if (rule.requires && !rule.requires.some((cue) => present.has(cue))) continue;
    if ("scan" in rule) {
      for (const found of rule.scan(prose, lower)) {
        if (accepted.length >= MAX_CONSTRAINTS) break;
        accept(rule, found, found.start, found.end);
      }
      continue;
    }
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(prose); m !== null; m = rule.re.exec(prose)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      if (accepted.length >= MAX_CONSTRAINTS) break;
      const built = rule.build(m, prose);
      if (built !== null) accept(rule, built, m.index, m.index + m[0].length);
    }
  }
  accepted.sort((a, b) => a.start - b.start);
  return mergeSections(accepted, raw).map((f) => f.constraint);
}

/**
 * Extract the verifiable constraints a prompt states (length, format, case, keywords, start/end
 * phrases, language, …). Never throws; text inside fenced code blocks is ignored.
 */
export function extractConstraints(prompt: string): Constraint[] {
  return constraintsOf(preparePrompt(prompt));
}
