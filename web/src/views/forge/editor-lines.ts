// Splits the editor text into lines of segments for the underline layer: each segment carries the
// most severe diagnostic covering it. Linear in text length plus spans per line.
import type { Diagnostic } from "$core/pipeline/schemas.js";

export interface Segment {
  text: string;
  diagnostic: Diagnostic | null;
}

export interface EditorLine {
  number: number;
  start: number;
  segments: Segment[];
  /** Diagnostics whose span starts on this line (for the gutter). */
  diagnostics: Diagnostic[];
  severity: "error" | "warning" | "info" | null;
}

const RANK = { info: 1, warning: 2, error: 3 } as const;

export function editorLines(text: string, diagnostics: Diagnostic[]): EditorLine[] {
  const spans = diagnostics.filter((d) => d.span && d.span.end > d.span.start);
  const lines: EditorLine[] = [];
  let start = 0;
  let number = 1;
  while (true) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    const here = spans.filter((d) => d.span!.start < end && d.span!.end > start);
    const onLine = diagnostics.filter((d) => {
      const at = d.span?.start ?? 0;
      return at >= start && (at < end || (at === end && nl < 0) || (at === end && start === end));
    });
    lines.push({
      number,
      start,
      segments: segmentsOf(text, start, end, here),
      diagnostics: onLine,
      severity: onLine.reduce<EditorLine["severity"]>(
        (worst, d) => (worst === null || RANK[d.severity] > RANK[worst] ? d.severity : worst),
        null,
      ),
    });
    if (nl < 0) break;
    start = nl + 1;
    number++;
  }
  return lines;
}

function segmentsOf(text: string, start: number, end: number, spans: Diagnostic[]): Segment[] {
  if (spans.length === 0) return [{ text: text.slice(start, end), diagnostic: null }];
  const cuts = new Set<number>([start, end]);
  for (const d of spans) {
    cuts.add(Math.max(start, d.span!.start));
    cuts.add(Math.min(end, d.span!.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    if (b <= a) continue;
    let best: Diagnostic | null = null;
    for (const d of spans)
      if (d.span!.start <= a && d.span!.end >= b && (!best || RANK[d.severity] > RANK[best.severity])) best = d;
    const last = out[out.length - 1];
    if (last && last.diagnostic === best) last.text += text.slice(a, b);
    else out.push({ text: text.slice(a, b), diagnostic: best });
  }
  return out;
}
