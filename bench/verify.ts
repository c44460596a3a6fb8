// The output verifier: agreement with IFEval's reference verdicts (per kind and overall, from
// IFEval's own kwargs and end to end from our extraction) and the time to verify a 2,000-word
// output against 10 constraints.
import type { Constraint } from "../src/core/pipeline/schemas.js";
import { verifyOutput } from "../src/core/verify/index.js";
import { countWords } from "../src/core/verify/text.js";
import {
  type AgreementReport,
  endToEndAgreement,
  loadReference,
  REFERENCE_FILE,
  type ReferenceResponse,
  referenceAvailable,
  verifierAgreement,
} from "../test/helpers/ifeval-reference.js";
import { type Figure, round, summarize } from "./stats.js";

const AGREEMENT_BUDGET = 0.99;
const TIME_BUDGET_MS = 5;

function agreementFigures(prefix: string, report: AgreementReport, budgeted: boolean): Figure[] {
  const figures: Figure[] = report.perKind.map((k) => ({
    name: `${prefix}.${k.kind}`,
    value: round(k.agree / k.total, 4),
    unit: "ratio",
    ...(budgeted ? { budget: `>= ${AGREEMENT_BUDGET}`, within_budget: k.agree / k.total >= AGREEMENT_BUDGET } : {}),
    instructions: k.total,
    agree: k.agree,
    unchecked: k.unchecked,
  }));
  const { agree, total } = report.overall;
  figures.push({
    name: `${prefix}.overall`,
    value: round(agree / total, 4),
    unit: "ratio",
    ...(budgeted ? { budget: `>= ${AGREEMENT_BUDGET}`, within_budget: agree / total >= AGREEMENT_BUDGET } : {}),
    instructions: total,
    agree,
    ...(Object.keys(report.noReference).length > 0 ? { no_reference_verdict: report.noReference } : {}),
  });
  return figures;
}

/** About 2,000 words of real model output (Markdown, lists, paragraphs) from the reference set. */
function twoThousandWords(responses: ReferenceResponse[]): string {
  const parts: string[] = [];
  let words = 0;
  for (const r of responses) {
    if (words >= 2000) break;
    parts.push(r.response);
    words += countWords(r.response);
  }
  return parts.join("\n\n");
}

const TEN_CONSTRAINTS: Constraint[] = [
  { kind: "length.words", text: "less than 2500 words", params: { count: 2500, relation: "less than" } },
  { kind: "length.sentences", text: "at least 40 sentences", params: { count: 40, relation: "at least" } },
  { kind: "length.paragraphs", text: "12 paragraphs", params: { count: 12, relation: "at least" } },
  { kind: "language.response", text: "in English", params: { language: "English" } },
  { kind: "punctuation.no_commas", text: "no commas", params: { scope: "commas" } },
  { kind: "keywords.include", text: "include", params: { keywords: ["history", "energy", "model"] } },
  { kind: "keywords.exclude", text: "exclude", params: { keywords: ["university", "fake", "beta"] } },
  { kind: "case.capital_words", text: "caps", params: { count: 30, relation: "less than" } },
  { kind: "format.highlights", text: "highlights", params: { style: "markdown", count: 3, relation: "at least" } },
  { kind: "format.bullets", text: "bullets", params: { style: "bullets", count: 5, relation: "at least" } },
];

function timing(output: string): Figure[] {
  for (let i = 0; i < 50; i++) verifyOutput(TEN_CONSTRAINTS, output);
  const samples: number[] = [];
  const baseline: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < 300; i++) {
    let t = performance.now();
    verifyOutput(TEN_CONSTRAINTS, output);
    samples.push(performance.now() - t);
    t = performance.now();
    output.split(/\s+/).length;
    baseline.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuStart);
  const s = summarize(samples);
  const reference = {
    name: "verify.baseline_whitespace_split_2000_words.median",
    value: round(summarize(baseline).median, 4),
    unit: "ms",
  };
  const words = countWords(output);
  return [
    {
      name: "verify.2000_words_10_constraints.median",
      value: round(s.median),
      unit: "ms",
      budget: `< ${TIME_BUDGET_MS}`,
      within_budget: s.median < TIME_BUDGET_MS,
      words,
      reference,
    },
    // p95 and CPU time are context: on a shared, loaded machine the tail is scheduling, not work.
    { name: "verify.2000_words_10_constraints.p95", value: round(s.p95), unit: "ms", words, reference },
    {
      name: "verify.2000_words_10_constraints.cpu_mean",
      value: round((cpu.user + cpu.system) / 1000 / samples.length),
      unit: "ms",
      words,
    },
  ];
}

export async function runVerifyBench(): Promise<Figure[]> {
  if (!referenceAvailable()) throw new Error(`reference responses not found: ${REFERENCE_FILE}`);
  const responses = loadReference();
  return [
    ...agreementFigures("verify.agreement", verifierAgreement(responses), true),
    ...agreementFigures("verify.e2e_agreement", endToEndAgreement(responses), false),
    ...timing(twoThousandWords(responses)),
  ];
}
