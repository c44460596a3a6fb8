// The word-level diff of the Review: jsdiff's change list aligned back onto the exact texts, the
// preserved constraints and placeholders marked in them, and long unchanged runs collapsible.
// Pure functions; jsdiff itself is loaded by the caller with `import("diff")`.

export type PieceKind = "eq" | "ins" | "del";
export type MarkKind = "constraint" | "placeholder";

export interface Piece {
  text: string;
  kind: PieceKind;
  mark?: MarkKind;
  /** What the mark is (the constraint kind, or "placeholder"). */
  label?: string;
}

export interface Change {
  value: string;
  added?: boolean;
  removed?: boolean;
}

export interface Needle {
  text: string;
  mark: MarkKind;
  label: string;
  /** Known offsets in the text (the original prompt's constraint spans). */
  span?: { start: number; end: number };
}

const kindOf = (c: Change): PieceKind => (c.added ? "ins" : c.removed ? "del" : "eq");

/**
 * One side of the diff as pieces whose concatenation is exactly `text` (jsdiff's word diff may
 * move whitespace between tokens; here every piece takes its characters from the text itself).
 */
export function alignSide(changes: Change[], text: string, side: "old" | "new"): Piece[] {
  const pieces: Piece[] = [];
  const push = (t: string, kind: PieceKind) => {
    if (!t) return;
    const last = pieces[pieces.length - 1];
    if (last && last.kind === kind) last.text += t;
    else pieces.push({ text: t, kind });
  };
  let cursor = 0;
  for (const change of changes) {
    if (side === "old" ? change.added : change.removed) continue;
    const core = change.value.trim();
    if (!core) continue;
    const at = text.indexOf(core, cursor);
    if (at < 0) continue;
    push(text.slice(cursor, at), "eq");
    push(core, kindOf(change));
    cursor = at + core.length;
  }
  push(text.slice(cursor), "eq");
  return pieces;
}

/** Both texts in order (deletions before insertions), as jsdiff gives them. */
export function unifiedPieces(changes: Change[]): Piece[] {
  return changes.filter((c) => c.value).map((c) => ({ text: c.value, kind: kindOf(c) }));
}

interface Range {
  start: number;
  end: number;
  mark: MarkKind;
  label: string;
}

function findRanges(text: string, needles: Needle[]): Range[] {
  const ranges: Range[] = [];
  for (const n of needles) {
    if (!n.text) continue;
    if (n.span && text.slice(n.span.start, n.span.end) === n.text) {
      ranges.push({ start: n.span.start, end: n.span.end, mark: n.mark, label: n.label });
      continue;
    }
    let at = text.indexOf(n.text);
    while (at >= 0) {
      ranges.push({ start: at, end: at + n.text.length, mark: n.mark, label: n.label });
      at = text.indexOf(n.text, at + n.text.length);
    }
  }
  // Longest first at the same start; overlapping later ranges are dropped.
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Range[] = [];
  for (const r of ranges) if (!kept.length || r.start >= kept[kept.length - 1]!.end) kept.push(r);
  return kept;
}

/** Splits the pieces at the needles' occurrences and marks the parts inside them. */
export function markPieces(pieces: Piece[], needles: Needle[]): Piece[] {
  const text = pieces.map((p) => p.text).join("");
  const ranges = findRanges(text, needles);
  if (ranges.length === 0) return pieces;
  const out: Piece[] = [];
  let offset = 0;
  let r = 0;
  for (const piece of pieces) {
    const start = offset;
    const end = offset + piece.text.length;
    let pos = start;
    while (pos < end) {
      while (r < ranges.length && ranges[r]!.end <= pos) r++;
      const range = ranges[r];
      if (!range || range.start >= end) {
        out.push({ ...piece, text: text.slice(pos, end) });
        pos = end;
      } else if (range.start > pos) {
        out.push({ ...piece, text: text.slice(pos, range.start) });
        pos = range.start;
      } else {
        const stop = Math.min(range.end, end);
        out.push({ ...piece, text: text.slice(pos, stop), mark: range.mark, label: range.label });
        pos = stop;
      }
    }
    offset = end;
  }
  return out;
}

export type Block =
  | { type: "pieces"; pieces: Piece[] }
  | { type: "context"; id: number; hidden: Piece[]; words: number };

/** Characters of unchanged text kept visible on each side of a collapsed run. */
const CONTEXT = 80;
/** Unchanged runs longer than this collapse. */
const COLLAPSE_OVER = 320;

function slicePieces(pieces: Piece[], from: number, to: number): Piece[] {
  const out: Piece[] = [];
  let offset = 0;
  for (const p of pieces) {
    const s = Math.max(from, offset);
    const e = Math.min(to, offset + p.text.length);
    if (s < e) out.push({ ...p, text: p.text.slice(s - offset, e - offset) });
    offset += p.text.length;
  }
  return out;
}

/** A cut near `at` that falls on whitespace, so no word is split. */
function wordCut(text: string, at: number, direction: 1 | -1): number {
  let i = at;
  while (i > 0 && i < text.length && !/\s/.test(text[i]!)) i += direction;
  return Math.max(0, Math.min(text.length, i));
}

/**
 * Groups the pieces into visible blocks and collapsible runs: an unchanged run longer than
 * COLLAPSE_OVER characters keeps CONTEXT characters at each end and hides the middle.
 */
export function collapse(pieces: Piece[]): Block[] {
  const blocks: Block[] = [];
  let id = 0;
  let run: Piece[] = [];
  const flushRun = (atStart: boolean, atEnd: boolean) => {
    const text = run.map((p) => p.text).join("");
    if (text.length <= COLLAPSE_OVER) {
      if (run.length) blocks.push({ type: "pieces", pieces: run });
    } else {
      const head = atStart ? 0 : wordCut(text, CONTEXT, 1);
      const tail = atEnd ? text.length : wordCut(text, text.length - CONTEXT, -1);
      if (tail - head < CONTEXT) blocks.push({ type: "pieces", pieces: run });
      else {
        if (head > 0) blocks.push({ type: "pieces", pieces: slicePieces(run, 0, head) });
        const hidden = slicePieces(run, head, tail);
        const words = text.slice(head, tail).split(/\s+/).filter(Boolean).length;
        blocks.push({ type: "context", id: id++, hidden, words });
        if (tail < text.length) blocks.push({ type: "pieces", pieces: slicePieces(run, tail, text.length) });
      }
    }
    run = [];
  };
  let seenChange = false;
  for (const p of pieces) {
    if (p.kind === "eq") {
      run.push(p);
      continue;
    }
    if (run.length) flushRun(!seenChange, false);
    seenChange = true;
    const last = blocks[blocks.length - 1];
    if (last?.type === "pieces") last.pieces.push(p);
    else blocks.push({ type: "pieces", pieces: [p] });
  }
  if (run.length) flushRun(!seenChange, true);
  return blocks;
}

/** Counts of inserted and deleted words, for the summary line. */
export function changeCounts(changes: Change[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const c of changes) {
    const words = c.value.split(/\s+/).filter(Boolean).length;
    if (c.added) added += words;
    else if (c.removed) removed += words;
  }
  return { added, removed };
}
