/**
 * Offline evaluation of the injection detector on any labelled JSON Lines file.
 *
 *   npm run eval:injection -- FILE.jsonl [FILE2.jsonl …] [--patterns-only] [--weights WEIGHTS.json] [--json]
 *
 * Each line: {"text": "...", "label": 0 | 1, "source"?: "...", "id"?: "..."}. Prints precision, recall,
 * false-positive rate and F1 overall and per `source` (with the row counts), using the shipped detector (patterns +
 * trained classifier; `--patterns-only` for the patterns alone, `--weights` for another weights file).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  type DetectorMetrics,
  evaluateDetector,
  type LabeledRow,
  parseLabeledJsonl,
} from "../src/core/safety/evaluate.js";
import { scanInjection } from "../src/core/safety/injection.js";
import { decodeModel, type InjectionModel } from "../src/core/safety/model.js";

export interface EvalReport {
  overall: DetectorMetrics & { rows: number };
  by_source: Array<DetectorMetrics & { source: string; rows: number }>;
}

/** `model`: undefined = the shipped one, null = patterns only. */
export function evaluateRows(rows: readonly LabeledRow[], model?: InjectionModel | null): EvalReport {
  const flagged = new Map<string, boolean>();
  const detect = (text: string) => {
    let f = flagged.get(text);
    if (f === undefined) {
      f = scanInjection(text, model).flagged;
      flagged.set(text, f);
    }
    return f;
  };
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  return {
    overall: { ...evaluateDetector(rows, detect), rows: rows.length },
    by_source: sources.map((source) => {
      const subset = rows.filter((r) => r.source === source);
      return { source, rows: subset.length, ...evaluateDetector(subset, detect) };
    }),
  };
}

const fmt = (x: number) => x.toFixed(3);

export function formatReport(r: EvalReport): string {
  const head = `${"source".padEnd(30)} ${"rows".padStart(6)} ${"precision".padStart(9)} ${"recall".padStart(6)} ${"fpr".padStart(6)} ${"f1".padStart(6)}   tp/fp/tn/fn`;
  const line = (name: string, m: DetectorMetrics & { rows: number }) =>
    `${name.padEnd(30)} ${String(m.rows).padStart(6)} ${fmt(m.precision).padStart(9)} ${fmt(m.recall).padStart(6)} ${fmt(m.false_positive_rate).padStart(6)} ${fmt(m.f1).padStart(6)}   ${m.tp}/${m.fp}/${m.tn}/${m.fn}`;
  return [head, ...r.by_source.map((m) => line(m.source, m)), line("ALL", r.overall)].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const files: string[] = [];
  let weights: string | null = null;
  let patternsOnly = false;
  let json = false;
  const fail = (msg: string): never => {
    console.error(`eval-injection: ${msg}`);
    process.exit(2);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--patterns-only") patternsOnly = true;
    else if (a === "--json") json = true;
    else if (a === "--weights") weights = args[++i] ?? fail("--weights needs a file");
    else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) {
    fail("usage: npm run eval:injection -- FILE.jsonl [FILE2.jsonl …] [--patterns-only] [--weights W.json] [--json]");
  }
  let model: InjectionModel | null | undefined;
  if (patternsOnly) model = null;
  else if (weights) {
    try {
      model = decodeModel(JSON.parse(readFileSync(weights, "utf8")));
    } catch (err) {
      fail(`cannot load weights ${weights}: ${(err as Error).message}`);
    }
  }
  const rows: LabeledRow[] = [];
  for (const file of files) {
    let content = "";
    try {
      content = readFileSync(file, "utf8");
    } catch (err) {
      fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
    try {
      rows.push(...parseLabeledJsonl(content, path.basename(file)));
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const report = evaluateRows(rows, model);
  console.log(json ? JSON.stringify(report) : formatReport(report));
}
