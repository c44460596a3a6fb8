import { detectInjection } from "./injection.js";

export interface LabeledText {
  text: string;
  label: 0 | 1;
}

export interface DetectorMetrics {
  precision: number;
  recall: number;
  false_positive_rate: number;
  f1: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Confusion-matrix metrics of a binary detector (defaults to {@link detectInjection}) over labelled rows. */
export function evaluateDetector(
  rows: readonly LabeledText[],
  detect: (text: string) => boolean = (t) => detectInjection(t).flagged,
): DetectorMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const r of rows) {
    const flagged = detect(r.text);
    if (r.label === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  return metricsFromCounts(tp, fp, tn, fn);
}

export function metricsFromCounts(tp: number, fp: number, tn: number, fn: number): DetectorMetrics {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const false_positive_rate = fp + tn === 0 ? 0 : fp / (fp + tn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, false_positive_rate, f1, tp, fp, tn, fn };
}

export interface LabeledRow extends LabeledText {
  id: string;
  source: string;
}

/**
 * Parses labelled JSON Lines (`{"id"?, "source"?, "text", "label": 0|1}` per line; blank lines skipped). Throws an
 * Error naming the line and the problem; `source` defaults to "unknown" and `id` to `<name>:<line>`.
 */
export function parseLabeledJsonl(content: string, name = "input"): LabeledRow[] {
  const rows: LabeledRow[] = [];
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${name} line ${i + 1}: not valid JSON`);
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj))
      throw new Error(`${name} line ${i + 1}: not a JSON object`);
    const o = obj as Record<string, unknown>;
    if (typeof o.text !== "string") throw new Error(`${name} line ${i + 1}: "text" must be a string`);
    if (o.label !== 0 && o.label !== 1) throw new Error(`${name} line ${i + 1}: "label" must be 0 or 1`);
    rows.push({
      id: typeof o.id === "string" ? o.id : `${name}:${i + 1}`,
      source: typeof o.source === "string" && o.source ? o.source : "unknown",
      text: o.text,
      label: o.label,
    });
  }
  return rows;
}
