// The live lint: the server's own analyzer and strategy selector (src/core, bundled), run in the
// browser on every keystroke — no request, so typing can never touch the optimize rate limit.
// Spans come back in offsets of the *raw* editor text (the analyzer sees the sanitised text).
import { analyzePrompt } from "$core/local/analyzer.js";
import { selectStrategy } from "$core/local/selector.js";
import type { Analysis, StrategyResult } from "$core/pipeline/schemas.js";
import { isStrippedChar, sanitizePrompt } from "$core/safety/sanitize.js";

export interface LintResult {
  analysis: Analysis;
  strategy: StrategyResult | null;
  /** Characters the server will strip (control, zero-width, bidi). */
  removed: number;
  ms: number;
}

/** Maps offsets of the sanitised text back to the raw text (identity when nothing was removed). */
function offsetMapper(raw: string, sanitizedLength: number, removed: number): (offset: number) => number {
  if (removed === 0 && !raw.includes("\r")) return (o) => o;
  const map = new Int32Array(sanitizedLength + 1);
  let j = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x0d) {
      map[j++] = i;
      if (raw.charCodeAt(i + 1) === 0x0a) i++;
    } else if (!isStrippedChar(c)) map[j++] = i;
  }
  map[sanitizedLength] = raw.length;
  return (o) => map[Math.min(o, sanitizedLength)] ?? raw.length;
}

export function lintPrompt(raw: string): LintResult {
  const started = performance.now();
  const { text, removed } = sanitizePrompt(raw);
  const analysis = analyzePrompt(text);
  const strategy = text.trim() ? selectStrategy({ prompt: text, analysis }) : null;
  const toRaw = offsetMapper(raw, text.length, removed);
  const remap = <T extends { span?: { start: number; end: number } }>(item: T): T =>
    item.span ? { ...item, span: { start: toRaw(item.span.start), end: toRaw(item.span.end) } } : item;
  return {
    analysis: { ...analysis, weaknesses: analysis.weaknesses.map(remap), constraints: analysis.constraints.map(remap) },
    strategy,
    removed,
    ms: performance.now() - started,
  };
}

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}
