/**
 * The trained injection classifier: a logistic regression over ./features.ts, shipped as one versioned JSON file
 * (`weights/injection-weights.json`, written by `npm run train:injection`). Pure inference, no runtime dependency.
 *
 * The file stores the hashed weights as little-endian int16 (base64) with one scale, the dense weights by name, the
 * bias, and the decision threshold chosen by cross-validation. {@link modelScore} shifts the logit by the threshold,
 * so a text is flagged exactly when the returned score is ≥ 0.5 (the same rule as the pattern score).
 */
import {
  bigramBucket,
  charBuckets,
  DENSE_FEATURES,
  GROUPS,
  HASH_BITS,
  HASH_DIMS,
  windowsOf,
  wordHash,
} from "./features.js";
import type { Token } from "./normalize.js";

export const MODEL_FORMAT = "promptforge-injection-lr";

export interface InjectionWeightsFile {
  format: typeof MODEL_FORMAT;
  version: number;
  hash_bits: number;
  groups: readonly string[];
  bias: number;
  /** Probability at or above which a text is flagged (chosen by cross-validation on the training data). */
  threshold: number;
  dense: Record<string, number>;
  hashed: { encoding: "int16le-base64"; scale: number; data: string };
  training?: unknown;
}

export interface InjectionModel {
  version: number;
  bias: number;
  threshold: number;
  /** logit(threshold): subtracted so that the threshold maps to 0.5. */
  offset: number;
  dense: Float64Array;
  hashed: Float32Array;
}

/** Validates and decodes a weights file; throws an Error naming the problem. */
export function decodeModel(file: InjectionWeightsFile): InjectionModel {
  if (!file || file.format !== MODEL_FORMAT) throw new Error(`injection weights: format is not ${MODEL_FORMAT}`);
  if (file.hash_bits !== HASH_BITS)
    throw new Error(`injection weights: hash_bits ${file.hash_bits}, expected ${HASH_BITS}`);
  if (GROUPS.some((g, i) => file.groups[i] !== g)) throw new Error("injection weights: feature groups differ");
  if (!(file.threshold > 0 && file.threshold < 1)) throw new Error("injection weights: threshold must be in (0, 1)");
  const dense = new Float64Array(DENSE_FEATURES.length);
  DENSE_FEATURES.forEach((name, i) => {
    const w = file.dense[name];
    if (typeof w !== "number") throw new Error(`injection weights: dense weight ${name} is missing`);
    dense[i] = w;
  });
  const bin = atob(file.hashed.data);
  if (bin.length !== HASH_DIMS * 2)
    throw new Error(`injection weights: ${bin.length / 2} hashed weights, expected ${HASH_DIMS}`);
  const hashed = new Float32Array(HASH_DIMS);
  const scale = file.hashed.scale;
  for (let i = 0; i < HASH_DIMS; i++) {
    let q = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    if (q >= 0x8000) q -= 0x10000;
    hashed[i] = q * scale;
  }
  return {
    version: file.version,
    bias: file.bias,
    threshold: file.threshold,
    offset: Math.log(file.threshold / (1 - file.threshold)),
    dense,
    hashed,
  };
}

/** Quantises float weights into the file encoding (training side). Returns the scale and base64 data. */
export function encodeHashed(w: ArrayLike<number>): { scale: number; data: string } {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]));
  const scale = max > 0 ? max / 32767 : 1;
  const bytes: string[] = [];
  let chunk = "";
  for (let i = 0; i < w.length; i++) {
    let q = Math.round(w[i] / scale);
    if (q < 0) q += 0x10000;
    chunk += String.fromCharCode(q & 0xff, q >>> 8);
    if (chunk.length >= 8192) {
      bytes.push(chunk);
      chunk = "";
    }
  }
  bytes.push(chunk);
  return { scale, data: btoa(bytes.join("")) };
}

export interface ModelScore {
  /** Calibrated so that 0.5 is the decision threshold. */
  score: number;
  /** Raw logistic probability. */
  probability: number;
  /** The window that scored highest, in original offsets (null for a text without words). */
  span: { start: number; end: number } | null;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Scores normalised tokens plus the dense features with `model`: the logit is bias + dense·w + the best window's
 * hashed score. Per-token sums and prefix sums make every window O(1), so scoring is linear in the tokens.
 */
export function modelScore(model: InjectionModel, toks: readonly Token[], dense: Float64Array): ModelScore {
  const n = toks.length;
  const w = model.hashed;
  // Prefix sums of raw weights and occurrence counts per group.
  const pw = new Float64Array(n + 1);
  const pb = new Float64Array(n + 1);
  const pc = new Float64Array(n + 1);
  const nb = new Int32Array(n + 1);
  const nc = new Int32Array(n + 1);
  const bigramW = new Float64Array(n);
  const hasBigram = new Uint8Array(n);
  const memo = new Map<string, { sum: number; count: number }>();
  let prevHash = 0;
  let prevSent = -1;
  for (let i = 0; i < n; i++) {
    const t = toks[i];
    const f = t.leet;
    const h = wordHash(f);
    let bw = 0;
    if (t.sent === prevSent) {
      bw = w[bigramBucket(prevHash, h)];
      hasBigram[i] = 1;
    }
    bigramW[i] = bw;
    prevHash = h;
    prevSent = t.sent;
    let c = memo.get(f);
    if (!c) {
      c = charSum(w, f);
      memo.set(f, c);
    }
    pw[i + 1] = pw[i] + w[h & (HASH_DIMS - 1)];
    pb[i + 1] = pb[i] + bw;
    nb[i + 1] = nb[i] + hasBigram[i];
    pc[i + 1] = pc[i] + c.sum;
    nc[i + 1] = nc[i] + c.count;
  }
  let z = model.bias;
  for (let k = 0; k < dense.length; k++) z += dense[k] * model.dense[k];
  let best = Number.NEGATIVE_INFINITY;
  let bestStart = -1;
  let bestEnd = -1;
  if (n > 0) {
    for (const [s, e] of windowsOf(toks)) {
      // The bigram ending at the window's first token belongs to the previous window.
      const bCount = nb[e] - nb[s] - hasBigram[s];
      const bSum = pb[e] - pb[s] - bigramW[s];
      const cCount = nc[e] - nc[s];
      let v = (pw[e] - pw[s]) / Math.sqrt(e - s);
      if (bCount > 0) v += bSum / Math.sqrt(bCount);
      if (cCount > 0) v += (pc[e] - pc[s]) / Math.sqrt(cCount);
      if (v > best) {
        best = v;
        bestStart = s;
        bestEnd = e - 1;
      }
    }
    z += best;
  }
  return {
    score: sigmoid(z - model.offset),
    probability: sigmoid(z),
    span: bestStart >= 0 ? { start: toks[bestStart].s, end: toks[bestEnd].e } : null,
  };
}

const scratch: number[] = [];

function charSum(w: Float32Array, f: string): { sum: number; count: number } {
  scratch.length = 0;
  charBuckets(f, scratch);
  let sum = 0;
  for (const b of scratch) sum += w[b];
  return { sum, count: scratch.length };
}
