/**
 * Trains the prompt-injection classifier and writes src/core/safety/weights/injection-weights.json.
 *
 *   npm run train:injection                       # full run: CV threshold, leave-one-source-out, final fit
 *   npm run train:injection -- --data FILE.jsonl  # another training file (default ../shared/data/injection-train)
 *   npm run train:injection -- --out FILE.json    # write elsewhere
 *
 * Reads the shared training set plus the attack and benign texts we wrote ourselves
 * (src/core/safety/weights/authored-*.jsonl). Never reads the development set. Deterministic: rows are sorted by
 * id, folds and epoch orders come from a fixed-seed PRNG, so the weights file is byte-identical on every run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type LabeledRow, parseLabeledJsonl } from "../src/core/safety/evaluate.js";
import {
  DENSE_FEATURES,
  GROUPS,
  HASH_BITS,
  HASH_DIMS,
  type TokenFeatures,
  tokenFeatures,
  windowScales,
  windowsOf,
} from "../src/core/safety/features.js";
import { INJECTION_THRESHOLD, patternPass } from "../src/core/safety/injection.js";
import { encodeHashed, type InjectionWeightsFile, MODEL_FORMAT } from "../src/core/safety/model.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WEIGHTS_DIR = path.join(root, "src/core/safety/weights");
export const DEFAULT_WEIGHTS_PATH = path.join(WEIGHTS_DIR, "injection-weights.json");
export const DEFAULT_TRAIN_PATH = path.resolve(root, "../shared/data/injection-train/train.jsonl");
export const AUTHORED_FILES = ["authored-attacks.jsonl", "authored-benign.jsonl"];

export const MODEL_VERSION = 2;

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Rows of one source count at most this many times in the loss (template-heavy sources are down-weighted). */
  sourceCap: number;
  /** …and at least this many (small sources are up-weighted). */
  sourceFloor: number;
  /** Per-source multiplier on that weight (our own attack and benign texts cover what the public data lacks). */
  sourceEmphasis: Record<string, number>;
  /** Allowed false-positive rate (mean over benign sources) in the cross-validated scores. */
  targetFpr: number;
  folds: number;
  seed: number;
  loso: boolean;
}

export const DEFAULT_OPTIONS: TrainOptions = {
  epochs: 5,
  learningRate: 0.1,
  l2: 1e-4,
  sourceCap: 400,
  sourceFloor: 200,
  sourceEmphasis: {},
  targetFpr: 0.0175,
  folds: 5,
  seed: 20260101,
  loso: true,
};

/** One row's features: per-token hashed buckets, its windows, the dense vector, and the pattern decision. */
interface Example {
  row: LabeledRow;
  tf: TokenFeatures;
  windows: Array<{ s: number; e: number; word: number; bigram: number; char: number }>;
  dense: Float64Array;
  patternFlagged: boolean;
}

export function featurize(rows: readonly LabeledRow[]): Example[] {
  return rows.map((row) => {
    const pass = patternPass(row.text);
    const tf = tokenFeatures(pass.tokens);
    const windows = windowsOf(pass.tokens).map(([s, e]) => ({ s, e, ...windowScales(tf, s, e) }));
    return { row, tf, windows, dense: pass.dense, patternFlagged: pass.summary.score >= INJECTION_THRESHOLD };
  });
}

/** Mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

interface Fitted {
  hashed: Float64Array;
  dense: Float64Array;
  bias: number;
}

/**
 * Per-row loss weights: each source counts as at least `floor` and at most `cap` rows (small sources such as the
 * clean documents that the embedded attacks were inserted into must not be drowned), then both classes weigh the
 * same in total.
 */
function sampleWeights(
  examples: readonly Example[],
  cap: number,
  floor: number,
  emphasis: Record<string, number>,
): Float64Array {
  const perSource = new Map<string, number>();
  for (const e of examples) perSource.set(e.row.source, (perSource.get(e.row.source) ?? 0) + 1);
  const w = new Float64Array(examples.length);
  const classTotal = [0, 0];
  examples.forEach((e, i) => {
    const n = perSource.get(e.row.source)!;
    w[i] = (Math.min(Math.max(n, floor), cap) / n) * (emphasis[e.row.source] ?? 1);
    classTotal[e.row.label] += w[i];
  });
  const n = examples.length;
  examples.forEach((e, i) => {
    if (classTotal[e.row.label] > 0) w[i] *= n / 2 / classTotal[e.row.label];
  });
  return w;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function windowScore(w: Float64Array, e: Example, k: number): number {
  const win = e.windows[k];
  const { word, bigram, charStart, chars } = e.tf;
  let v = 0;
  for (let i = win.s; i < win.e; i++) {
    v += w[word[i]] * win.word;
    if (i > win.s && bigram[i] >= 0) v += w[bigram[i]] * win.bigram;
    let c = 0;
    for (let q = charStart[i]; q < charStart[i + 1]; q++) c += w[chars[q]];
    v += c * win.char;
  }
  return v;
}

/** Logit of one example and the index of its best window (−1 when it has no words). */
function forward(m: Fitted, e: Example): { z: number; best: number } {
  let z = m.bias;
  for (let k = 0; k < m.dense.length; k++) z += m.dense[k] * e.dense[k];
  let best = -1;
  let bestV = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < e.windows.length; k++) {
    const v = windowScore(m.hashed, e, k);
    if (v > bestV) {
      bestV = v;
      best = k;
    }
  }
  return { z: best >= 0 ? z + bestV : z, best };
}

/**
 * Logistic regression over the best window (multiple-instance learning with max pooling), by AdaGrad SGD with L2
 * applied to the weights a row touches.
 */
export function fitModel(examples: readonly Example[], opts: TrainOptions, seed: number): Fitted {
  const m: Fitted = {
    hashed: new Float64Array(HASH_DIMS),
    dense: new Float64Array(DENSE_FEATURES.length),
    bias: 0,
  };
  const g2 = new Float64Array(HASH_DIMS);
  const g2d = new Float64Array(DENSE_FEATURES.length);
  let g2b = 0;
  const sw = sampleWeights(examples, opts.sourceCap, opts.sourceFloor, opts.sourceEmphasis);
  const rnd = prng(seed);
  const order = examples.map((_, i) => i);
  const lr = opts.learningRate;
  const l2 = opts.l2;
  const w = m.hashed;
  const step = (j: number, gj0: number) => {
    const gj = gj0 + l2 * w[j];
    g2[j] += gj * gj;
    w[j] -= (lr * gj) / Math.sqrt(g2[j] + 1e-8);
  };
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (const i of shuffled(order, rnd)) {
      const e = examples[i];
      const { z, best } = forward(m, e);
      const g = (sigmoid(z) - e.row.label) * sw[i];
      // The first epoch spreads the gradient over every window (mean pooling) so that the max is not decided by
      // the all-zero start; later epochs update the best window only.
      const wins = epoch === 0 ? e.windows.map((_, k) => k) : best >= 0 ? [best] : [];
      const share = epoch === 0 && wins.length > 0 ? g / wins.length : g;
      const { word, bigram, charStart, chars } = e.tf;
      for (const k of wins) {
        const win = e.windows[k];
        for (let t = win.s; t < win.e; t++) {
          step(word[t], share * win.word);
          if (t > win.s && bigram[t] >= 0) step(bigram[t], share * win.bigram);
          for (let q = charStart[t]; q < charStart[t + 1]; q++) step(chars[q], share * win.char);
        }
      }
      for (let k = 0; k < m.dense.length; k++) {
        const gk = g * e.dense[k] + l2 * m.dense[k];
        g2d[k] += gk * gk;
        m.dense[k] -= (lr * gk) / Math.sqrt(g2d[k] + 1e-8);
      }
      g2b += g * g;
      m.bias -= (lr * g) / Math.sqrt(g2b + 1e-8);
    }
  }
  return m;
}

export function probability(m: Fitted, e: Example): number {
  return sigmoid(forward(m, e).z);
}

/** Source-stratified folds: each source's rows are dealt round-robin after a seeded shuffle. */
function foldsOf(examples: readonly Example[], k: number, seed: number): Int32Array {
  const fold = new Int32Array(examples.length);
  const bySource = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const list = bySource.get(e.row.source) ?? [];
    list.push(i);
    bySource.set(e.row.source, list);
  });
  const rnd = prng(seed ^ 0x5bd1e995);
  for (const source of [...bySource.keys()].sort()) {
    shuffled(bySource.get(source)!, rnd).forEach((i, n) => {
      fold[i] = n % k;
    });
  }
  return fold;
}

/**
 * Smallest probability threshold at which the benign sources' cross-validated flag rates — classifier at the
 * threshold OR patterns — average (each source counting once, whatever its size) at most `targetFpr`.
 */
export function chooseThreshold(examples: readonly Example[], scores: Float64Array, targetFpr: number): number {
  const benignBySource = new Map<string, Array<{ score: number; patternFlagged: boolean }>>();
  examples.forEach((e, i) => {
    if (e.row.label !== 0) return;
    const list = benignBySource.get(e.row.source) ?? [];
    list.push({ score: scores[i], patternFlagged: e.patternFlagged });
    benignBySource.set(e.row.source, list);
  });
  const groups = [...benignBySource.values()];
  const macroFpr = (t: number) =>
    groups.reduce((s, g) => s + g.filter((x) => x.score >= t || x.patternFlagged).length / g.length, 0) / groups.length;
  const candidates = [...new Set(groups.flat().map((x) => nextUp(x.score)))].filter((t) => t >= 0.05 && t <= 0.999);
  candidates.sort((a, b) => a - b);
  // macroFpr falls as t rises: binary search for the first candidate that meets the target.
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (macroFpr(candidates[mid]) <= targetFpr) hi = mid;
    else lo = mid + 1;
  }
  return lo < candidates.length ? candidates[lo] : 0.999;
}

function nextUp(x: number): number {
  return Math.round((x + 1e-6) * 1e6) / 1e6 + 1e-6;
}

interface SourceReport {
  source: string;
  label: 0 | 1;
  rows: number;
  /** Recall for attack sources, false-positive rate for benign ones. */
  flag_rate: number;
}

function flagRates(
  examples: readonly Example[],
  scores: Float64Array,
  idxs: readonly number[],
  t: number,
): SourceReport[] {
  const groups = new Map<string, { label: 0 | 1; n: number; flagged: number }>();
  for (const i of idxs) {
    const e = examples[i];
    const key = `${e.row.source}\u0000${e.row.label}`;
    const g = groups.get(key) ?? { label: e.row.label, n: 0, flagged: 0 };
    g.n++;
    if (scores[i] >= t || e.patternFlagged) g.flagged++;
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({
      source: key.split("\u0000")[0],
      label: g.label,
      rows: g.n,
      flag_rate: round(g.flagged / g.n),
    }));
}

function round(x: number, d = 4): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

export interface TrainResult {
  file: InjectionWeightsFile;
  json: string;
  cv: SourceReport[];
  loso: SourceReport[];
}

export function loadTrainingRows(trainPath: string, authoredDir = WEIGHTS_DIR): LabeledRow[] {
  const rows = parseLabeledJsonl(readFileSync(trainPath, "utf8"), path.basename(trainPath));
  for (const f of AUTHORED_FILES) rows.push(...parseLabeledJsonl(readFileSync(path.join(authoredDir, f), "utf8"), f));
  return rows;
}

export function train(
  rowsIn: readonly LabeledRow[],
  opts: TrainOptions = DEFAULT_OPTIONS,
  log: (s: string) => void = () => {},
): TrainResult {
  const rows = rowsIn.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let t0 = performance.now();
  const examples = featurize(rows);
  log(`features: ${examples.length} rows in ${Math.round(performance.now() - t0)} ms`);

  // 1. Cross-validated scores → threshold.
  t0 = performance.now();
  const fold = foldsOf(examples, opts.folds, opts.seed);
  const oof = new Float64Array(examples.length);
  for (let k = 0; k < opts.folds; k++) {
    const trainIdx = examples.flatMap((_, i) => (fold[i] !== k ? [i] : []));
    const m = fitModel(
      trainIdx.map((i) => examples[i]),
      opts,
      opts.seed + k + 1,
    );
    examples.forEach((e, i) => {
      if (fold[i] === k) oof[i] = probability(m, e);
    });
  }
  const threshold = chooseThreshold(examples, oof, opts.targetFpr);
  const all = examples.map((_, i) => i);
  const cv = flagRates(examples, oof, all, threshold);
  log(`cv: ${opts.folds} folds in ${Math.round(performance.now() - t0)} ms, threshold ${threshold}`);

  // 2. Leave-one-source-out at that threshold.
  const loso: SourceReport[] = [];
  if (opts.loso) {
    t0 = performance.now();
    const sources = [...new Set(examples.map((e) => e.row.source))].sort();
    const scores = new Float64Array(examples.length);
    for (const source of sources) {
      const m = fitModel(
        examples.filter((e) => e.row.source !== source),
        opts,
        opts.seed,
      );
      const held = all.filter((i) => examples[i].row.source === source);
      for (const i of held) scores[i] = probability(m, examples[i]);
      loso.push(...flagRates(examples, scores, held, threshold));
    }
    log(`loso: ${sources.length} sources in ${Math.round(performance.now() - t0)} ms`);
  }

  // 3. Final fit on everything.
  const final = fitModel(examples, opts, opts.seed);
  const dense: Record<string, number> = {};
  DENSE_FEATURES.forEach((name, i) => {
    dense[name] = round(final.dense[i], 6);
  });
  const attackLoso = loso.filter((r) => r.label === 1);
  const benignLoso = loso.filter((r) => r.label === 0);
  const file: InjectionWeightsFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    hash_bits: HASH_BITS,
    groups: GROUPS,
    bias: round(final.bias, 6),
    threshold: round(threshold, 6),
    dense,
    hashed: { encoding: "int16le-base64", ...encodeHashed(final.hashed) },
    training: {
      rows: examples.length,
      attacks: examples.filter((e) => e.row.label === 1).length,
      benign: examples.filter((e) => e.row.label === 0).length,
      options: opts,
      rule: "flagged when the classifier probability >= threshold or the pattern score >= 0.5",
      cv_flag_rate_by_source: cv,
      loso_flag_rate_by_source: loso,
      loso_mean_attack_recall: attackLoso.length
        ? round(attackLoso.reduce((s, r) => s + r.flag_rate, 0) / attackLoso.length)
        : null,
      loso_mean_benign_fpr: benignLoso.length
        ? round(benignLoso.reduce((s, r) => s + r.flag_rate, 0) / benignLoso.length)
        : null,
    },
  };
  return { file, json: `${JSON.stringify(file, null, 1)}\n`, cv, loso };
}

function parseArgs(argv: string[]): { data: string; out: string; noLoso: boolean } {
  let data = process.env.INJECTION_TRAIN_PATH ?? DEFAULT_TRAIN_PATH;
  let out = DEFAULT_WEIGHTS_PATH;
  let noLoso = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--data") data = path.resolve(argv[++i] ?? "");
    else if (a === "--out") out = path.resolve(argv[++i] ?? "");
    else if (a === "--no-loso") noLoso = true;
    else throw new Error(`unknown argument ${a} (expected --data FILE, --out FILE, --no-loso)`);
  }
  return { data, out, noLoso };
}

function table(rows: SourceReport[]): string {
  return rows
    .map((r) => `  ${r.source.padEnd(28)} ${r.label ? "recall" : "fpr   "} ${r.flag_rate.toFixed(3)}  (${r.rows} rows)`)
    .join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const started = performance.now();
    const rows = loadTrainingRows(args.data);
    const result = train(rows, { ...DEFAULT_OPTIONS, loso: !args.noLoso }, (s) => console.error(s));
    writeFileSync(args.out, result.json);
    console.log(`cross-validated flag rates (threshold ${result.file.threshold}):\n${table(result.cv)}`);
    if (result.loso.length) console.log(`leave-one-source-out:\n${table(result.loso)}`);
    const t = result.file.training as { loso_mean_attack_recall: number | null; loso_mean_benign_fpr: number | null };
    console.log(`loso mean attack recall ${t.loso_mean_attack_recall}, mean benign fpr ${t.loso_mean_benign_fpr}`);
    console.log(
      `wrote ${path.relative(process.cwd(), args.out)} (${result.json.length} bytes) in ${Math.round((performance.now() - started) / 100) / 10} s`,
    );
  } catch (err) {
    console.error(`train-injection: ${(err as Error).message}`);
    process.exit(1);
  }
}
