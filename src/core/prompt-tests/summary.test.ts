import { describe, expect, it } from "vitest";
import { candidateScore, judgeOrders, judgePass, pairOutcome, seededRandom } from "./judge.js";
import { compareVersions, estimateCalls, type SummaryOutput, summariseRun, wilsonInterval } from "./summary.js";

function output(partial: Partial<SummaryOutput> & Pick<SummaryOutput, "case_index" | "version">): SummaryOutput {
  return {
    sample: 0,
    status: "completed",
    input_tokens: 10,
    output_tokens: 20,
    latency_ms: 100,
    cost_usd: null,
    verdicts: [],
    assertions: [],
    ...partial,
  };
}

describe("wilsonInterval", () => {
  it("matches published values", () => {
    // 8 of 10: Wilson 95 % = [0.4902, 0.9433]
    const i = wilsonInterval(8, 10);
    expect(i?.low).toBeCloseTo(0.4902, 3);
    expect(i?.high).toBeCloseTo(0.9433, 3);
    const all = wilsonInterval(20, 20);
    expect(all?.high).toBe(1);
    expect(all?.low).toBeCloseTo(0.8389, 3);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("judge helpers", () => {
  it("pass comes from the score, and the candidate's score flips with the order", () => {
    expect(judgePass(0.9)).toBe(true);
    expect(judgePass(0.5)).toBe(false);
    expect(candidateScore(0.8, "ab")).toBeCloseTo(0.8);
    expect(candidateScore(0.8, "ba")).toBeCloseTo(0.2);
    // A judge that always prefers the first response: both orders cancel to a tie.
    expect(pairOutcome([candidateScore(0, "ab"), candidateScore(0, "ba")])).toBe("tie");
    expect(pairOutcome([0.9, 0.7])).toBe("win");
    expect(pairOutcome([])).toBeNull();
  });

  it("orders are reproducible per seed and use both orders", () => {
    expect(judgeOrders(42, 30)).toEqual(judgeOrders(42, 30));
    expect(judgeOrders(42, 30)).not.toEqual(judgeOrders(43, 30));
    const orders = judgeOrders(7, 40);
    expect(orders.filter((o) => o === "ab").length).toBeGreaterThan(5);
    expect(orders.filter((o) => o === "ba").length).toBeGreaterThan(5);
    const r = seededRandom(1);
    expect(r()).toBeGreaterThanOrEqual(0);
  });
});

describe("summariseRun", () => {
  it("computes pass rates per kind and overall, assertion rates and means", () => {
    const outputs = [
      output({
        case_index: 0,
        version: "a",
        verdicts: [
          { kind: "length.words", text: "", follows: false, detail: "" },
          { kind: "punctuation.no_commas", text: "", follows: true, detail: "" },
          { kind: "custom", text: "", follows: null, detail: "not checkable" },
        ],
        assertions: [{ type: "contains", pass: false, score: 0, weight: 1, detail: "" }],
        latency_ms: 200,
        cost_usd: 0.002,
      }),
      output({ case_index: 0, version: "b", status: "failed", verdicts: null, assertions: null, latency_ms: null }),
      output({
        case_index: 1,
        version: "a",
        verdicts: [{ kind: "length.words", text: "", follows: true, detail: "" }],
        assertions: [{ type: "contains", pass: true, score: 1, weight: 3, detail: "" }],
      }),
    ];
    const s = summariseRun(outputs, []);
    expect(s.a.constraints.rate).toBeCloseTo(2 / 3);
    expect(s.a.constraints.by_kind["length.words"]).toEqual({ passed: 1, total: 2, rate: 0.5 });
    expect(s.a.constraints.unverifiable).toBe(1);
    expect(s.a.assertions.rate).toBe(0.5);
    expect(s.a.assertions.weighted_rate).toBeCloseTo(0.75);
    expect(s.a.mean_latency_ms).toBe(150);
    expect(s.a.mean_cost_usd).toBeCloseTo(0.002);
    expect(s.b.failed).toBe(1);
    expect(s.b.constraints.rate).toBeNull();
    expect(s.b.mean_latency_ms).toBeNull();
  });

  it("gives a verdict only when the interval excludes 50 %", () => {
    const judgments = (wins: number, losses: number) => [
      ...Array.from({ length: wins }, (_, i) => ({
        case_index: i,
        sample: 0,
        status: "completed" as const,
        candidate_score: 0.9,
      })),
      ...Array.from({ length: losses }, (_, i) => ({
        case_index: 100 + i,
        sample: 0,
        status: "completed" as const,
        candidate_score: 0.1,
      })),
    ];
    expect(compareVersions([], judgments(3, 1)).verdict).toBe("cannot tell");
    expect(compareVersions([], judgments(18, 2)).verdict).toBe("optimized wins");
    expect(compareVersions([], judgments(2, 18)).verdict).toBe("optimized loses");
    const c = compareVersions([], judgments(18, 2));
    expect(c.source).toBe("judge");
    expect(c.win_rate).toBeCloseTo(0.9);
    expect(c.interval?.low).toBeGreaterThan(0.5);
  });

  it("without a judge, compares each pair's checks", () => {
    const pass = { kind: "format.json", text: "", follows: true, detail: "" };
    const fail = { ...pass, follows: false };
    const outputs: SummaryOutput[] = [];
    for (let i = 0; i < 12; i++) {
      outputs.push(output({ case_index: i, version: "a", verdicts: [fail] }));
      outputs.push(output({ case_index: i, version: "b", verdicts: [pass] }));
    }
    const c = compareVersions(outputs, []);
    expect(c).toMatchObject({ source: "checks", wins: 12, losses: 0, verdict: "optimized wins" });
  });

  it("estimates calls", () => {
    expect(estimateCalls({ cases: 5, samples: 2, judge: false })).toBe(20);
    expect(estimateCalls({ cases: 5, samples: 2, judge: true })).toBe(40);
  });
});
