// Splits the user's own words into the parts of the rewrite without paraphrasing any of them: the
// instruction, trailing material (code, pasted text, placeholders) and constraint sentences that
// move verbatim into Requirements. Only the edges of the instruction are ever normalised.
import type { Constraint } from "../pipeline/schemas.js";

export interface TaskParts {
  /** The instruction text: verbatim, edges possibly normalised (capital first letter, final period). */
  instruction: string;
  /** Verbatim trailing material: pasted code or text the instruction works on. */
  material: string | null;
  /** Language hint for fencing unfenced code material; null when the material is prose. */
  materialFence: string | null;
  /** Constraint sentences moved out of the instruction, verbatim, in order. */
  movedSentences: string[];
  /** Indexes (into analysis.constraints) of the constraints covered by a moved sentence. */
  movedConstraints: Set<number>;
}

const PARAGRAPH_BREAK_RE = /\n[ \t]*\n/;
const CODE_LINE_RE =
  /^\s*(?:def |class |function\b|const |let |var |import |from \S+ import|return\b|select\b|if\s*\(|for\s*\(|while\s*\(|#include|public |private |[{}]\s*$)|[;{}]\s*$|=>|\w+\([^)]*\)\s*[:{]|^\s*[\^$]?\(.*\)[*+?]?\$?$/i;
const PLACEHOLDER_ONLY_RE = /^\s*(?:\{\{[^{}\n]+\}\}|\{[^{}\n]+\}|\[[^[\]\n]+\]|<[^<>\n]+>)\s*$/;

function looksLikeCode(paragraph: string): boolean {
  if (PLACEHOLDER_ONLY_RE.test(paragraph)) return false;
  const lines = paragraph.split("\n").filter((l) => l.trim().length > 0);
  if (lines.length === 0) return false;
  const codeLines = lines.filter((l) => CODE_LINE_RE.test(l)).length;
  return codeLines / lines.length >= 0.5;
}

function guessFence(code: string): string {
  if (/\bdef \w+\(|^\s*import \w+$|:\s*$/m.test(code)) return "python";
  if (/\bselect\b[\s\S]*\bfrom\b/i.test(code)) return "sql";
  if (/\b(?:function|const|let|=>)\b/.test(code)) return "javascript";
  return "";
}

/** Sentence spans of a single paragraph; never splits inside double quotes. */
export function sentenceSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  const re = /[.!?]+["'”’)\]]*(?=\s|$)/g;
  let start = 0;
  let quotes = 0;
  let scanned = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    for (let i = scanned; i < end; i++) if (text.charCodeAt(i) === 34) quotes++;
    scanned = end;
    if (quotes % 2 === 1) continue;
    // "e.g." and single-letter initials are not sentence ends.
    if (/\b(?:e\.g|i\.e|etc|vs|mr|mrs|dr|[a-z])\.$/i.test(text.slice(Math.max(start, end - 5), end))) continue;
    spans.push({ start, end });
    start = end;
    while (start < text.length && /\s/.test(text[start])) start++;
  }
  if (start < text.length) spans.push({ start, end: text.length });
  return spans;
}

function normaliseEdges(text: string, protectedItems: readonly string[]): string {
  let out = text;
  if (/^[a-z]/.test(out)) out = out[0].toUpperCase() + out.slice(1);
  if (/[\p{L}\p{N}]$/u.test(out) && !out.includes("\n")) out += ".";
  return protectedItems.every((p) => out.includes(p)) ? out : text;
}

export function splitTask(args: {
  prompt: string;
  constraints: readonly Constraint[];
  protectedItems: readonly string[];
}): TaskParts {
  const prompt = args.prompt;
  const parts: TaskParts = {
    instruction: prompt,
    material: null,
    materialFence: null,
    movedSentences: [],
    movedConstraints: new Set(),
  };
  if (prompt.includes("```")) return parts;

  // Trailing material: paragraphs after the first that are code, pasted text after a colon, or a lone placeholder.
  const firstBreak = PARAGRAPH_BREAK_RE.exec(prompt);
  let instruction = prompt;
  if (firstBreak) {
    const head = prompt.slice(0, firstBreak.index).trimEnd();
    const rest = prompt.slice(firstBreak.index + firstBreak[0].length);
    const restTrimmed = rest.trim();
    const isCode = looksLikeCode(restTrimmed);
    const afterColon = /:\s*$/.test(head) && !PARAGRAPH_BREAK_RE.test(restTrimmed);
    if (
      restTrimmed.length > 0 &&
      !PARAGRAPH_BREAK_RE.test(head) &&
      (isCode || afterColon || PLACEHOLDER_ONLY_RE.test(restTrimmed))
    ) {
      instruction = head;
      parts.material = restTrimmed;
      parts.materialFence = isCode ? guessFence(restTrimmed) : null;
    }
  }

  // Constraint sentences after the first move verbatim to Requirements; the first sentence is the ask.
  if (!instruction.includes("\n")) {
    const spans = sentenceSpans(instruction);
    const movedIdx = new Set<number>();
    args.constraints.forEach((c, ci) => {
      const at = instruction.indexOf(c.text);
      if (at < 0) return;
      const si = spans.findIndex((s) => at >= s.start && at + c.text.length <= s.end);
      if (si > 0) {
        movedIdx.add(si);
        parts.movedConstraints.add(ci);
      }
    });
    // Reordering a longer narrative would change how it reads: there only a trailing run may move.
    const isSuffix = [...movedIdx].every((i) => i >= spans.length - movedIdx.size);
    if (movedIdx.size > 0 && movedIdx.size < spans.length && (spans.length <= 4 || isSuffix)) {
      parts.movedSentences = [...movedIdx]
        .sort((a, b) => a - b)
        .map((i) => instruction.slice(spans[i].start, spans[i].end));
      instruction = spans
        .filter((_, i) => !movedIdx.has(i))
        .map((s) => instruction.slice(s.start, s.end))
        .join(" ");
    } else {
      parts.movedConstraints.clear();
    }
  }

  const inInstruction = args.protectedItems.filter((p) => instruction.includes(p));
  parts.instruction = instruction.includes("\n") ? instruction : normaliseEdges(instruction, inInstruction);
  return parts;
}
