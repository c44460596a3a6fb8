// Constraint extraction quality on the annotated development data of ../shared/data/constraints
// (IFEval half "ifeval-dev" with instruction ids + kwargs, IFBench with a map to our kinds).
// Figures: strict kind recall and parameter accuracy on ifeval-dev (and on its two halves, so a
// rule tuned on one half can be checked on the other), recall on the mapped IFBench kinds, and the
// share of IFBench's unmapped instructions captured as `custom`.
// `CONSTRAINTS_DEBUG=1 npx tsx bench/constraints.ts` prints every miss and wrong parameter.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractConstraints } from "../src/core/local/constraints.js";
import type { Constraint } from "../src/core/pipeline/schemas.js";
import { loadCorpus } from "./corpora.js";
import { type Figure, round } from "./stats.js";

type Kwargs = Record<string, unknown>;
interface Row {
  key: string | number;
  prompt: string;
  instruction_id_list: string[];
  kwargs: Kwargs[];
}

export function constraintDataDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.CONSTRAINT_DATA_DIR, path.resolve(here, "../../shared/data/constraints")].filter(
    (c): c is string => Boolean(c),
  );
  return candidates.find((c) => existsSync(path.join(c, "ifeval-dev.jsonl")));
}

function readJsonl(file: string): Row[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Row);
}

const ISO_LANGUAGES: Record<string, string> = {
  en: "English",
  es: "Spanish",
  fr: "French",
  de: "German",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  ru: "Russian",
  zh: "Chinese",
  ja: "Japanese",
  ko: "Korean",
  ar: "Arabic",
  hi: "Hindi",
  bn: "Bengali",
  ur: "Urdu",
  tr: "Turkish",
  fa: "Persian",
  pl: "Polish",
  uk: "Ukrainian",
  sv: "Swedish",
  no: "Norwegian",
  da: "Danish",
  fi: "Finnish",
  el: "Greek",
  he: "Hebrew",
  th: "Thai",
  vi: "Vietnamese",
  id: "Indonesian",
  sw: "Swahili",
  ta: "Tamil",
  te: "Telugu",
  mr: "Marathi",
  gu: "Gujarati",
  pa: "Punjabi",
  kn: "Kannada",
  ml: "Malayalam",
  ne: "Nepali",
  bg: "Bulgarian",
};

const lc = (v: unknown) => String(v ?? "").toLowerCase();
const num = (v: unknown) => (typeof v === "number" ? v : Number(v));

/** Relations compared as integer intervals: "less than 101" is "at most 100". */
function sameCount(c: Constraint, count: unknown, relation: unknown): boolean {
  const want = num(count);
  const got = num(c.params.count);
  const wr = lc(relation || "exactly");
  const gr = lc(c.params.relation || "exactly");
  const norm = (n: number, r: string): [number, string] => (r === "less than" ? [n - 1, "at most"] : [n, r]);
  const [a, ar] = norm(want, wr);
  const [b, br] = norm(got, gr);
  // A range ("600 to 700 words") carries its upper bound as `max`.
  if (c.params.max !== undefined && a === num(c.params.max) && ar === "at most") return true;
  return a === b && ar === br;
}

const keywordsOf = (cs: Constraint[]) =>
  new Set(cs.flatMap((c) => (Array.isArray(c.params.keywords) ? c.params.keywords : []).map((k) => k.toLowerCase())));

/** Do the extracted constraints of the instruction's kind carry its parameters? */
function paramsRight(id: string, kw: Kwargs, cs: Constraint[]): boolean {
  switch (id) {
    case "keywords:existence":
    case "sentence:keyword":
    case "words:keywords_specific_position":
    case "words:words_position": {
      const have = keywordsOf(cs);
      const want = (kw.keywords as string[] | undefined) ?? [kw.keyword ?? kw.word].filter(Boolean);
      return want.every((k) => have.has(lc(k)));
    }
    case "keywords:forbidden_words": {
      const have = keywordsOf(cs);
      return ((kw.forbidden_words as string[]) ?? []).every((k) => have.has(lc(k)));
    }
    case "keywords:frequency":
      return cs.some((c) => lc(c.params.keyword) === lc(kw.keyword) && sameCount(c, kw.frequency, kw.relation));
    case "count:keywords_multiple": {
      const want = [1, 2, 3, 4, 5].map((i) => kw[`keyword${i}`]).filter(Boolean);
      return want.every((k) => cs.some((c) => lc(c.params.keyword) === lc(k)));
    }
    case "keywords:letter_frequency":
      return cs.some((c) => lc(c.params.letter) === lc(kw.letter) && sameCount(c, kw.let_frequency, kw.let_relation));
    case "language:response_language":
      return cs.some((c) => lc(c.params.language) === lc(ISO_LANGUAGES[String(kw.language)] ?? kw.language));
    case "length_constraints:number_sentences":
      return cs.some((c) => sameCount(c, kw.num_sentences, kw.relation));
    case "length_constraints:number_words":
      return cs.some((c) => sameCount(c, kw.num_words, kw.relation));
    case "length_constraints:number_paragraphs":
      return cs.some((c) => num(c.params.count) === num(kw.num_paragraphs));
    case "length_constraints:nth_paragraph_first_word":
      return cs.some(
        (c) =>
          num(c.params.count) === num(kw.num_paragraphs) &&
          num(c.params.nth) === num(kw.nth_paragraph) &&
          lc(c.params.first_word) === lc(kw.first_word),
      );
    case "detectable_content:number_placeholders":
      return cs.some((c) => num(c.params.count) === num(kw.num_placeholders));
    case "detectable_content:postscript":
      return cs.some((c) => lc(c.params.marker).replace(/\.$/, "") === lc(kw.postscript_marker).replace(/\.$/, ""));
    case "detectable_format:number_bullet_lists":
      return cs.some((c) => num(c.params.count) === num(kw.num_bullets));
    case "detectable_format:number_highlighted_sections":
      return cs.some((c) => num(c.params.count) === num(kw.num_highlights));
    case "detectable_format:multiple_sections":
      return cs.some(
        (c) =>
          num(c.params.count) === num(kw.num_sections) && lc(c.params.marker).startsWith(lc(kw.section_spliter).trim()),
      );
    case "startend:end_checker":
      return cs.some((c) => lc(c.params.phrase).trim() === lc(kw.end_phrase).trim());
    case "change_case:capital_word_frequency":
      return cs.some((c) => sameCount(c, kw.capital_frequency, kw.capital_relation));
    case "count:word_count_range":
      return cs.some((c) => num(c.params.count) === num(kw.min_words) || num(c.params.count) === num(kw.max_words));
    default:
      return true;
  }
}

interface Tally {
  total: number;
  found: number;
  paramsOk: number;
  byKind: Map<string, { total: number; found: number; paramsOk: number }>;
  misses: string[];
}

function score(rows: Row[], map: Record<string, string | null>): Tally {
  const t: Tally = { total: 0, found: 0, paramsOk: 0, byKind: new Map(), misses: [] };
  for (const row of rows) {
    const cs = extractConstraints(row.prompt);
    row.instruction_id_list.forEach((id, i) => {
      const kind = map[id];
      if (!kind) return;
      const k = t.byKind.get(id) ?? { total: 0, found: 0, paramsOk: 0 };
      t.byKind.set(id, k);
      t.total++;
      k.total++;
      const ofKind = cs.filter((c) => c.kind === kind);
      if (ofKind.length === 0) {
        t.misses.push(`MISS ${id} [${row.key}]: ${row.prompt.slice(0, 300).replace(/\n/g, " ")}`);
        return;
      }
      t.found++;
      k.found++;
      const kw = row.kwargs[i] ?? {};
      if (paramsRight(id, kw, ofKind)) {
        t.paramsOk++;
        k.paramsOk++;
      } else {
        t.misses.push(
          `PARAM ${id} [${row.key}] want ${JSON.stringify(Object.fromEntries(Object.entries(kw).filter(([, v]) => v !== null)))} got ${JSON.stringify(ofKind.map((c) => c.params))}: ${ofKind.map((c) => c.text).join(" | ")}`,
        );
      }
    });
  }
  return t;
}

export async function runConstraintBench(): Promise<Figure[]> {
  const dir = constraintDataDir();
  if (dir === undefined) {
    process.stderr.write(
      "bench constraints: skipped, ../shared/data/constraints not found (set CONSTRAINT_DATA_DIR)\n",
    );
    return [];
  }
  const ifeval = readJsonl(path.join(dir, "ifeval-dev.jsonl"));
  const ifevalMap = JSON.parse(readFileSync(path.join(dir, "ifeval-map.json"), "utf8")) as Record<
    string,
    string | null
  >;
  const ifbench = readJsonl(path.join(dir, "ifbench.jsonl"));
  const ifbenchMap = JSON.parse(readFileSync(path.join(dir, "ifbench-map.json"), "utf8")) as Record<
    string,
    string | null
  >;
  const figures: Figure[] = [];
  const all = score(ifeval, ifevalMap);
  const halves = [0, 1].map((h) =>
    score(
      ifeval.filter((_, i) => i % 2 === h),
      ifevalMap,
    ),
  );
  figures.push({
    name: "constraints.ifeval_dev.strict_kind_recall",
    value: round(all.found / all.total),
    unit: "ratio",
    budget: ">= 0.95",
    within_budget: all.found / all.total >= 0.95,
    instructions: all.total,
    half_a: round(halves[0].found / halves[0].total),
    half_b: round(halves[1].found / halves[1].total),
  });
  figures.push({
    name: "constraints.ifeval_dev.parameter_accuracy",
    value: round(all.paramsOk / Math.max(1, all.found)),
    unit: "ratio",
    budget: ">= 0.95",
    within_budget: all.paramsOk / Math.max(1, all.found) >= 0.95,
    found: all.found,
    half_a: round(halves[0].paramsOk / Math.max(1, halves[0].found)),
    half_b: round(halves[1].paramsOk / Math.max(1, halves[1].found)),
  });
  figures.push({
    name: "constraints.ifeval_dev.kind_and_params_recall",
    value: round(all.paramsOk / all.total),
    unit: "ratio",
  });
  for (const [id, k] of [...all.byKind].sort()) {
    figures.push({
      name: `constraints.ifeval_dev.recall.${id}`,
      value: round(k.found / k.total),
      unit: "ratio",
      found: k.found,
      total: k.total,
      params_ok: k.paramsOk,
    });
  }
  const bench = score(ifbench, ifbenchMap);
  figures.push({
    name: "constraints.ifbench.mapped_kind_recall",
    value: round(bench.found / Math.max(1, bench.total)),
    unit: "ratio",
    instructions: bench.total,
    params_ok: bench.paramsOk,
  });
  // Unmapped IFBench instructions: a prompt with k of them is credited with up to k `custom`
  // captures (IFBench annotates only the instruction it appended).
  let unmapped = 0;
  let captured = 0;
  const uncaptured: string[] = [];
  for (const row of ifbench) {
    const k = row.instruction_id_list.filter((id) => !ifbenchMap[id]).length;
    if (k === 0) continue;
    unmapped += k;
    const customs = extractConstraints(row.prompt).filter((c) => c.kind === "custom").length;
    captured += Math.min(k, customs);
    if (customs < k)
      uncaptured.push(`CUSTOM ${row.instruction_id_list.join(",")} [${row.key}]: ${row.prompt.slice(-300)}`);
  }
  figures.push({
    name: "constraints.ifbench.unmapped_captured_as_custom",
    value: round(captured / Math.max(1, unmapped)),
    unit: "ratio",
    instructions: unmapped,
  });
  // The other side of `custom`: everyday requests state few verifiable rules, so captures there
  // are mostly false positives.
  const everyday = loadCorpus("everyday");
  const withCustom = everyday.filter((p) => extractConstraints(p.prompt).some((c) => c.kind === "custom")).length;
  figures.push({
    name: "constraints.everyday.prompts_with_custom",
    value: round(withCustom / Math.max(1, everyday.length)),
    unit: "ratio",
    prompts: everyday.length,
  });
  if (process.env.CONSTRAINTS_DEBUG) {
    for (const line of [...all.misses, ...bench.misses, ...uncaptured]) process.stderr.write(`${line}\n`);
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const f of await runConstraintBench()) process.stdout.write(`${JSON.stringify(f)}\n`);
}
