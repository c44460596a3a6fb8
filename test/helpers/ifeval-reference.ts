// IFEval's published responses with reference verdicts (a copy of ../shared/data/constraints/ in
// test/fixtures/constraints/, see its README), and an adapter from IFEval's instruction ids and kwargs to our constraint kinds and
// params, so the verifier's semantics can be measured apart from constraint extraction.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractConstraints } from "../../src/core/local/constraints.js";
import type { Constraint, ConstraintKind } from "../../src/core/pipeline/schemas.js";
import { verifyOutput } from "../../src/core/verify/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REFERENCE_FILE = join(ROOT, "test", "fixtures", "constraints", "ifeval-dev-responses.jsonl");

type Kwargs = Record<string, string | number | string[] | null | undefined>;

export interface ReferenceVerdict {
  index: number;
  instruction_id: string;
  kwargs: Kwargs;
  follows: boolean | null;
}

export interface ReferenceResponse {
  set: "gpt4" | "bison";
  key: number;
  prompt: string;
  response: string;
  verdicts: ReferenceVerdict[];
}

export function referenceAvailable(): boolean {
  return existsSync(REFERENCE_FILE);
}

export function loadReference(): ReferenceResponse[] {
  return readFileSync(REFERENCE_FILE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as ReferenceResponse);
}

const OPTIONS_TEXT =
  'Answer with one of the following options: ("My answer is yes.", "My answer is no.", "My answer is maybe.")';

/** Our constraint for one IFEval instruction, or undefined for ids outside our kinds. */
export function constraintFromIfeval(id: string, kw: Kwargs): Constraint | undefined {
  const n = (k: string) => Number(kw[k]);
  const s = (k: string) => String(kw[k] ?? "");
  const make = (kind: ConstraintKind, params: Constraint["params"]): Constraint => ({ kind, text: id, params });
  switch (id) {
    case "keywords:existence":
      return make("keywords.include", { keywords: kw.keywords as string[] });
    case "keywords:frequency":
      return make("keywords.frequency", {
        keyword: s("keyword"),
        keywords: [s("keyword")],
        count: n("frequency"),
        relation: s("relation"),
      });
    case "keywords:forbidden_words":
      return make("keywords.exclude", { keywords: kw.forbidden_words as string[] });
    case "keywords:letter_frequency":
      return make("keywords.letter_frequency", {
        letter: s("letter").toLowerCase(),
        count: n("let_frequency"),
        relation: s("let_relation"),
      });
    case "language:response_language":
      return make("language.response", { language: s("language"), code: s("language") });
    case "length_constraints:number_sentences":
      return make("length.sentences", { count: n("num_sentences"), relation: s("relation") });
    case "length_constraints:number_paragraphs":
      return make("length.paragraphs", { count: n("num_paragraphs"), relation: "exactly", separator: "***" });
    case "length_constraints:nth_paragraph_first_word":
      return make("length.paragraphs", {
        count: n("num_paragraphs"),
        relation: "exactly",
        nth: n("nth_paragraph"),
        first_word: s("first_word"),
      });
    case "length_constraints:number_words":
      return make("length.words", { count: n("num_words"), relation: s("relation") });
    case "detectable_content:number_placeholders":
      return make("content.placeholders", {
        style: "square brackets",
        count: n("num_placeholders"),
        relation: "at least",
      });
    case "detectable_content:postscript":
      return make("content.postscript", { marker: s("postscript_marker") });
    case "detectable_format:number_bullet_lists":
      return make("format.bullets", { style: "bullets", count: n("num_bullets"), relation: "exactly" });
    case "detectable_format:number_highlighted_sections":
      return make("format.highlights", { style: "markdown", count: n("num_highlights"), relation: "at least" });
    case "detectable_format:multiple_sections":
      return make("format.sections", {
        marker: `${s("section_spliter")} X`,
        count: n("num_sections"),
        relation: "at least",
      });
    case "detectable_format:json_format":
      return make("format.json", {});
    case "detectable_format:title":
      return make("format.title", { wrapper: "<<>>" });
    case "detectable_format:constrained_response":
      return { kind: "custom", text: OPTIONS_TEXT, params: {} };
    case "combination:two_responses":
      return make("combination.two_responses", { count: 2 });
    case "combination:repeat_prompt":
      return make("combination.repeat_prompt", { prompt_to_repeat: s("prompt_to_repeat") });
    case "startend:end_checker":
      return make("startend.end_phrase", { phrase: s("end_phrase") });
    case "startend:quotation":
      return make("startend.quotation", { mark: '"' });
    case "change_case:capital_word_frequency":
      return make("case.capital_words", { count: n("capital_frequency"), relation: s("capital_relation") });
    case "change_case:english_capital":
      return make("case.upper", { language: "en" });
    case "change_case:english_lowercase":
      return make("case.lower", { language: "en" });
    case "punctuation:no_comma":
      return make("punctuation.no_commas", { scope: "commas" });
    default:
      return undefined;
  }
}

export interface KindAgreement {
  kind: string;
  /** Reference verdicts that are true or false (null ones are not counted). */
  total: number;
  agree: number;
  /** Our verdict was null where the reference has one. */
  unchecked: number;
}

export interface Disagreement {
  set: string;
  key: number;
  instruction_id: string;
  reference: boolean | null;
  ours: boolean | null;
  detail: string;
}

export interface AgreementReport {
  perKind: KindAgreement[];
  overall: { total: number; agree: number };
  disagreements: Disagreement[];
  /** Instructions whose reference verdict is null (sentence splitter / language detector). */
  noReference: Record<string, number>;
}

function tally(
  rows: Array<
    { kind: string; reference: boolean; ours: boolean | null; d: Omit<Disagreement, "ours" | "detail"> } & {
      detail: string;
    }
  >,
  noReference: Record<string, number>,
): AgreementReport {
  const byKind = new Map<string, KindAgreement>();
  const disagreements: Disagreement[] = [];
  for (const r of rows) {
    const k = byKind.get(r.kind) ?? { kind: r.kind, total: 0, agree: 0, unchecked: 0 };
    k.total++;
    if (r.ours === r.reference) k.agree++;
    else disagreements.push({ ...r.d, ours: r.ours, detail: r.detail });
    if (r.ours === null) k.unchecked++;
    byKind.set(r.kind, k);
  }
  const perKind = [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  const overall = perKind.reduce((o, k) => ({ total: o.total + k.total, agree: o.agree + k.agree }), {
    total: 0,
    agree: 0,
  });
  return { perKind, overall, disagreements, noReference };
}

/** Verifier semantics alone: constraints built from IFEval's own kwargs. */
export function verifierAgreement(responses: ReferenceResponse[]): AgreementReport {
  const rows: Parameters<typeof tally>[0] = [];
  const noReference: Record<string, number> = {};
  for (const r of responses) {
    for (const v of r.verdicts) {
      const c = constraintFromIfeval(v.instruction_id, v.kwargs ?? {});
      if (c === undefined) continue;
      if (v.follows === null) {
        noReference[c.kind] = (noReference[c.kind] ?? 0) + 1;
        continue;
      }
      const [ours] = verifyOutput([c], r.response, { prompt: r.prompt });
      const kind = c.kind === "custom" ? "custom (constrained_response)" : c.kind;
      rows.push({
        kind,
        reference: v.follows,
        ours: ours.follows,
        detail: ours.detail,
        d: { set: r.set, key: r.key, instruction_id: v.instruction_id, reference: v.follows },
      });
    }
  }
  return tally(rows, noReference);
}

/**
 * End to end: our extraction on the prompt, then our verifier. A reference instruction counts as
 * agreed when the constraint of its kind extracted in the same order gets the same verdict; an
 * instruction whose kind was not extracted counts as a disagreement ("not extracted").
 */
export function endToEndAgreement(responses: ReferenceResponse[]): AgreementReport {
  const rows: Parameters<typeof tally>[0] = [];
  const cache = new Map<string, Constraint[]>();
  for (const r of responses) {
    let extracted = cache.get(r.prompt);
    if (extracted === undefined) {
      extracted = extractConstraints(r.prompt);
      cache.set(r.prompt, extracted);
    }
    const verdicts = verifyOutput(extracted, r.response, { prompt: r.prompt });
    const seen = new Map<string, number>();
    for (const v of r.verdicts) {
      const c = constraintFromIfeval(v.instruction_id, v.kwargs ?? {});
      if (c === undefined || c.kind === "custom" || v.follows === null) continue;
      const nth = seen.get(c.kind) ?? 0;
      seen.set(c.kind, nth + 1);
      const ofKind = verdicts.filter((x) => x.kind === c.kind);
      const ours = ofKind[Math.min(nth, ofKind.length - 1)];
      rows.push({
        kind: c.kind,
        reference: v.follows,
        ours: ours?.follows ?? null,
        detail: ours?.detail ?? "not extracted",
        d: { set: r.set, key: r.key, instruction_id: v.instruction_id, reference: v.follows },
      });
    }
  }
  return tally(rows, {});
}
