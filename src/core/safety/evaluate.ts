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
