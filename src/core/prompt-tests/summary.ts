// The summary of a run per prompt version: constraint and assertion pass rates, means of tokens,
// latency and cost, and the comparison of the candidate (optimized) against the baseline (original)
// as a win rate with a Wilson 95 % interval. A verdict is given only when the interval excludes 0.5.
import { type PairOutcome, pairOutcome } from "./judge.js";
import type { AssertionResult } from "./schema.js";

/** Structurally the verifier's verdict (src/core/verify). */
export interface ConstraintVerdict {
  kind: string;
  text: string;
  follows: boolean | null;
  detail: string;
}

export type VersionKey = "a" | "b";

export interface SummaryOutput {
  case_index: number;
  sample: number;
  version: VersionKey;
  status: "pending" | "completed" | "failed";
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
  verdicts: ConstraintVerdict[] | null;
  assertions: AssertionResult[] | null;
}

export interface SummaryJudgment {
  case_index: number;
  sample: number;
  status: "pending" | "completed" | "failed";
  /** Score from the candidate's point of view (see judge.ts candidateScore). */
  candidate_score: number | null;
}

export interface Rate {
  passed: number;
  total: number;
  /** passed / total, or null when nothing was checkable. */
  rate: number | null;
}

export interface Interval {
  low: number;
  high: number;
}

export interface VersionSummary {
  outputs: number;
  failed: number;
  constraints: Rate & { by_kind: Record<string, Rate>; unverifiable: number };
  assertions: Rate & { weighted_rate: number | null };
  mean_input_tokens: number | null;
  mean_output_tokens: number | null;
  mean_latency_ms: number | null;
  mean_cost_usd: number | null;
}

export type TestVerdict = "optimized wins" | "optimized loses" | "cannot tell";

export interface Comparison {
  /** "judge" when a judge ran, else "checks" (constraints + assertions, pair by pair). */
  source: "judge" | "checks";
  wins: number;
  losses: number;
  ties: number;
  /** wins / (wins + losses); null when every pair tied or none finished. */
  win_rate: number | null;
  interval: Interval | null;
  verdict: TestVerdict;
  reason: string;
}

export interface RunSummary {
  a: VersionSummary;
  b: VersionSummary;
  comparison: Comparison;
}

const Z95 = 1.959963984540054;

/** Wilson score interval for `successes` of `n` at 95 %. */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const rate = (passed: number, total: number): Rate => ({ passed, total, rate: total > 0 ? passed / total : null });

function mean(values: Array<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length > 0 ? present.reduce((s, v) => s + v, 0) / present.length : null;
}

export function summariseVersion(outputs: readonly SummaryOutput[]): VersionSummary {
  const done = outputs.filter((o) => o.status === "completed");
  const byKind: Record<string, { passed: number; total: number }> = {};
  let cPassed = 0;
  let cTotal = 0;
  let unverifiable = 0;
  let aPassed = 0;
  let aTotal = 0;
  let wPassed = 0;
  let wTotal = 0;
  for (const o of done) {
    for (const v of o.verdicts ?? []) {
      if (v.follows === null) {
        unverifiable++;
        continue;
      }
      const k = byKind[v.kind] ?? { passed: 0, total: 0 };
      byKind[v.kind] = k;
      k.total++;
      cTotal++;
      if (v.follows) {
        k.passed++;
        cPassed++;
      }
    }
    for (const a of o.assertions ?? []) {
      aTotal++;
      wTotal += a.weight;
      if (a.pass) {
        aPassed++;
        wPassed += a.weight;
      }
    }
  }
  return {
    outputs: outputs.length,
    failed: outputs.filter((o) => o.status === "failed").length,
    constraints: {
      ...rate(cPassed, cTotal),
      unverifiable,
      by_kind: Object.fromEntries(
        Object.entries(byKind)
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([kind, r]) => [kind, rate(r.passed, r.total)]),
      ),
    },
    assertions: { ...rate(aPassed, aTotal), weighted_rate: wTotal > 0 ? wPassed / wTotal : null },
    mean_input_tokens: mean(done.map((o) => o.input_tokens)),
    mean_output_tokens: mean(done.map((o) => o.output_tokens)),
    mean_latency_ms: mean(done.map((o) => o.latency_ms)),
    mean_cost_usd: mean(done.map((o) => o.cost_usd)),
  };
}

/** Share of an output's checks (constraints that could be checked, and assertions) that pass. */
function checkScore(o: SummaryOutput): number | null {
  let passed = 0;
  let total = 0;
  for (const v of o.verdicts ?? []) {
    if (v.follows === null) continue;
    total++;
    if (v.follows) passed++;
  }
  for (const a of o.assertions ?? []) {
    total += a.weight;
    if (a.pass) passed += a.weight;
  }
  return total > 0 ? passed / total : null;
}

const pairKey = (caseIndex: number, sample: number) => `${caseIndex}:${sample}`;

function verdictOf(wins: number, losses: number): { interval: Interval | null; verdict: TestVerdict; reason: string } {
  const n = wins + losses;
  const interval = wilsonInterval(wins, n);
  if (interval === null) return { interval, verdict: "cannot tell", reason: "no pair was decided" };
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const range = `${pct(interval.low)}–${pct(interval.high)}`;
  if (interval.low > 0.5)
    return { interval, verdict: "optimized wins", reason: `win rate 95 % interval ${range} is above 50 %` };
  if (interval.high < 0.5)
    return { interval, verdict: "optimized loses", reason: `win rate 95 % interval ${range} is below 50 %` };
  return {
    interval,
    verdict: "cannot tell",
    reason: `win rate 95 % interval ${range} includes 50 %${n < 10 ? `; only ${n} decided pairs` : ""}`,
  };
}

/** Compares B (candidate) with A (baseline): by the judge when it ran, else by each pair's check score. */
export function compareVersions(outputs: readonly SummaryOutput[], judgments: readonly SummaryJudgment[]): Comparison {
  const tally = { win: 0, loss: 0, tie: 0 };
  let source: Comparison["source"] = "checks";
  if (judgments.length > 0) {
    source = "judge";
    const byPair = new Map<string, number[]>();
    for (const j of judgments) {
      if (j.status !== "completed" || j.candidate_score === null) continue;
      const key = pairKey(j.case_index, j.sample);
      const list = byPair.get(key) ?? [];
      list.push(j.candidate_score);
      byPair.set(key, list);
    }
    for (const scores of byPair.values()) {
      const outcome = pairOutcome(scores);
      if (outcome) tally[outcome]++;
    }
  } else {
    const a = new Map<string, SummaryOutput>();
    for (const o of outputs)
      if (o.version === "a" && o.status === "completed") a.set(pairKey(o.case_index, o.sample), o);
    for (const o of outputs) {
      if (o.version !== "b" || o.status !== "completed") continue;
      const base = a.get(pairKey(o.case_index, o.sample));
      if (!base) continue;
      const sa = checkScore(base);
      const sb = checkScore(o);
      if (sa === null || sb === null) continue;
      const outcome: PairOutcome = sb > sa ? "win" : sb < sa ? "loss" : "tie";
      tally[outcome]++;
    }
  }
  const decided = tally.win + tally.loss;
  const { interval, verdict, reason } = verdictOf(tally.win, tally.loss);
  return {
    source,
    wins: tally.win,
    losses: tally.loss,
    ties: tally.tie,
    win_rate: decided > 0 ? tally.win / decided : null,
    interval,
    verdict,
    reason,
  };
}

export function summariseRun(outputs: readonly SummaryOutput[], judgments: readonly SummaryJudgment[]): RunSummary {
  return {
    a: summariseVersion(outputs.filter((o) => o.version === "a")),
    b: summariseVersion(outputs.filter((o) => o.version === "b")),
    comparison: compareVersions(outputs, judgments),
  };
}

/** Calls a run makes: two versions per case and sample, plus two judgments per pair with a judge. */
export function estimateCalls(options: { cases: number; samples: number; judge: boolean }): number {
  const pairs = options.cases * options.samples;
  return pairs * 2 + (options.judge ? pairs * 2 : 0);
}
