// The guidance files coding agents already read (CLAUDE.md, AGENTS.md, .cursorrules, Copilot
// instructions, Cursor rules), summarised deterministically into conventions that name their file:
// the directive list items and sentences, ranked, in document order, each clipped.

import { parseBlocks } from "./markdown.js";
import { clip, type Item, type Repo } from "./repo.js";

export const GUIDANCE_FILES = [
  "AGENTS.md",
  "CLAUDE.md",
  ".github/copilot-instructions.md",
  ".cursorrules",
  ".windsurfrules",
];
const PER_FILE = 8;
const TOTAL = 24;
const DIRECTIVE =
  /\b(must|never|always|should|shouldn't|do not|don't|avoid|prefer|uses?|run|keep|make sure|ensure|only|instead|before|after|required?)\b/i;
// Sentences that open with an imperative verb are instructions too.
const IMPERATIVE =
  /^(write|add|put|name|place|follow|document|return|handle|wrap|split|log|commit|check|read|install|create|update|call|test|format|lint|type|import|export)\b/i;
const RELEVANT_HEADING =
  /(convention|style|rule|guideline|standard|test|commit|lint|format|code|do|don't|important|workflow)/i;

/** Guidance files present: the fixed names plus up to five Cursor rule files. */
export function guidancePaths(repo: Repo): string[] {
  const cursorRules = repo.files
    .map((f) => f.path)
    .filter((p) => /^\.cursor\/rules\/[^/]+\.mdc?$/.test(p))
    .sort()
    .slice(0, 5);
  return [...GUIDANCE_FILES.filter((p) => repo.has(p)), ...cursorRules];
}

interface Candidate {
  text: string;
  score: number;
  order: number;
  heading: string;
}

/** Sentences of a paragraph (split after . ! ? followed by a space and a capital or a backtick). */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z`])/).filter((s) => s.trim().length > 0);
}

export function summariseGuidance(path: string, text: string): string[] {
  const blocks = parseBlocks(text);
  const candidates: Candidate[] = [];
  let heading = "";
  let order = 0;
  for (const block of blocks) {
    if (block.kind === "heading") {
      heading = block.level >= 2 ? block.text : "";
      continue;
    }
    if (block.kind === "code") continue;
    const pieces = block.kind === "item" ? [block.text] : sentences(block.text);
    for (const piece of pieces) {
      const t = piece.trim();
      if (t.length < 12 || !/[a-zA-Z]{3}/.test(t) || /^https?:\/\/\S+$/.test(t)) continue;
      const directive = DIRECTIVE.test(t) || IMPERATIVE.test(t);
      // A paragraph sentence counts only when it directs; a list item always can.
      if (block.kind !== "item" && !directive) continue;
      let score = 0;
      if (block.kind === "item") score += 1;
      if (directive) score += 2;
      if (heading && RELEVANT_HEADING.test(heading)) score += 1;
      if (score === 0) continue;
      candidates.push({ text: clip(t, 240), score, order: order++, heading });
    }
  }
  return candidates
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, PER_FILE)
    .sort((a, b) => a.order - b.order)
    .map((c) => `${path}${c.heading && c.heading.length <= 40 ? ` (${c.heading})` : ""}: ${c.text}`)
    .filter((c, i, all) => all.indexOf(c) === i);
}

export function readGuidance(repo: Repo): Item[] {
  const out: Item[] = [];
  for (const path of guidancePaths(repo)) {
    const text = repo.text(path);
    if (text === null) continue;
    for (const value of summariseGuidance(path, text)) {
      if (out.length < TOTAL) out.push({ value, source: path });
    }
  }
  return out;
}
