// Format checks: JSON, bullet and numbered lists, sections, title, highlights, tables, code blocks.
// JSON, bullets, sections, title and highlights follow IFEval's strict definitions.
import {
  type Check,
  countOutcome,
  countParam,
  type Outcome,
  optCount,
  optList,
  optStr,
  ParamProblem,
} from "./params.js";
import { bulletLines, escapeRegExp, numberedLines, quote } from "./text.js";

/** IFEval strips a ```json fence (any case of "json") before parsing. */
function unfence(output: string): string {
  let s = output.trim();
  for (const p of ["```json", "```Json", "```JSON", "```"]) {
    if (s.startsWith(p)) {
      s = s.slice(p.length);
      break;
    }
  }
  if (s.endsWith("```")) s = s.slice(0, -3);
  return s.trim();
}

export const checkJson: Check = (c, output) => {
  let value: unknown;
  try {
    value = JSON.parse(unfence(output));
  } catch (e) {
    return { follows: false, detail: `not valid JSON: ${(e as Error).message.slice(0, 80)}` };
  }
  const keys = optList(c, "keys");
  if (keys === undefined) return { follows: true, detail: "valid JSON" };
  const objects = Array.isArray(value) ? value : [value];
  const missing = new Set<string>();
  for (const o of objects) {
    if (o === null || typeof o !== "object" || Array.isArray(o))
      return { follows: false, detail: "JSON is not an object" };
    const have = new Set(Object.keys(o).map((k) => k.toLowerCase()));
    for (const k of keys) if (!have.has(k.toLowerCase())) missing.add(k);
  }
  if (objects.length === 0) return { follows: false, detail: "empty JSON array" };
  return missing.size === 0
    ? { follows: true, detail: `valid JSON with keys ${keys.join(", ")}` }
    : { follows: false, detail: `valid JSON without keys ${[...missing].join(", ")}` };
};

export const checkBullets: Check = (c, output) => {
  const style = optStr(c, "style") ?? "bullets";
  const want = optCount(c);
  const lines = style === "numbered" ? numberedLines(output) : bulletLines(output);
  const noun = style === "numbered" ? "numbered items" : "bullet points";
  if (want !== undefined) return countOutcome(lines.length, noun, want);
  return lines.length > 0
    ? { follows: true, detail: `${lines.length} ${noun}` }
    : { follows: false, detail: `no ${noun}` };
};

/**
 * IFEval's `multiple_sections`: split on "<marker> <number>" (e.g. "SECTION 1"); the pieces after
 * the first are sections. Without a marker, Markdown headings count as section starts.
 */
export const checkSections: Check = (c, output) => {
  const want = countParam(c, "at least");
  const marker = optStr(c, "marker");
  if (marker !== undefined) {
    const word = marker.replace(/\s*(?:X|N|\d{1,2}|\{[A-Za-z]{1,10}\})\s*$/, "").trim();
    if (word === "") throw new ParamProblem(`marker ${JSON.stringify(marker)} has no word`);
    const parts = output.split(new RegExp(`\\s?${escapeRegExp(word)}\\s?\\d+\\s?`));
    return countOutcome(parts.length - 1, `sections marked "${word} N"`, want);
  }
  const headings = output.match(/^#{1,6}[ \t]+\S.*$/gm) ?? [];
  return countOutcome(headings.length, "Markdown headings", want);
};

const TITLE_RE = /<<[^\n]+>>/g;

export const checkTitle: Check = (c, output) => {
  const wrapper = optStr(c, "wrapper");
  if (wrapper === "<<>>") {
    for (const t of output.match(TITLE_RE) ?? []) {
      if (t.replace(/^<+/, "").replace(/>+$/, "").trim() !== "") return { follows: true, detail: `title ${quote(t)}` };
    }
    return { follows: false, detail: "no title in double angular brackets <<…>>" };
  }
  if (wrapper !== undefined) throw new ParamProblem(`unknown title wrapper ${JSON.stringify(wrapper)}`);
  // No wrapper asked: the first non-empty line is a title when it is a heading, bold, <<…>> or a
  // short line without a closing period followed by more text.
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  const first = lines[0]?.trim() ?? "";
  if (first === "") return { follows: false, detail: "empty output" };
  const marked = /^#{1,6}\s+\S/.test(first) || /^\*\*[^*]+\*\*$/.test(first) || /^<<.+>>$/.test(first);
  const short = first.split(/\s+/).length <= 12 && !/[.,;:]$/.test(first) && lines.length > 1;
  return marked || short
    ? { follows: true, detail: `title ${quote(first)}` }
    : { follows: false, detail: `first line ${quote(first)} is not a title` };
};

/** IFEval: `*text*` and `**text**` spans on one line with non-empty content. */
function countHighlights(output: string): number {
  let n = 0;
  for (const h of output.match(/\*[^\n*]*\*/g) ?? []) if (h.replace(/^\*+|\*+$/g, "").trim() !== "") n++;
  for (const h of output.match(/\*\*[^\n*]*\*\*/g) ?? []) if (h.replace(/^\*+|\*+$/g, "").trim() !== "") n++;
  return n;
}

export const checkHighlights: Check = (c, output): Outcome => {
  const want = optCount(c, "at least");
  const n = countHighlights(output);
  if (want !== undefined) return countOutcome(n, "highlighted sections", want);
  return n > 0
    ? { follows: true, detail: `${n} highlighted sections` }
    : { follows: false, detail: "no *highlighted* text" };
};

interface Table {
  header: string[];
}

function markdownTables(output: string): Table[] {
  const lines = output.split("\n");
  const tables: Table[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const sep = lines[i + 1].trim();
    if (lines[i].includes("|") && /^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$/.test(sep) && sep.includes("-")) {
      const header = lines[i]
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((h) => h.replace(/[*_`]/g, "").trim());
      tables.push({ header });
    }
  }
  return tables;
}

function htmlTables(output: string): Table[] {
  const tables: Table[] = [];
  for (const m of output.matchAll(/<table\b[\s\S]*?<\/table>/gi)) {
    const header = [...m[0].matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/gi)].map((h) => h[1].replace(/<[^>]+>/g, "").trim());
    tables.push({ header });
  }
  return tables;
}

export const checkTable: Check = (c, output) => {
  const tables = [...markdownTables(output), ...htmlTables(output)];
  if (tables.length === 0) return { follows: false, detail: "no Markdown or HTML table" };
  const columns = optList(c, "columns");
  if (columns === undefined) return { follows: true, detail: `${tables.length} table(s)` };
  for (const t of tables) {
    const have = t.header.map((h) => h.toLowerCase());
    const missing = columns.filter((col) => !have.includes(col.toLowerCase().trim()));
    if (missing.length === 0) return { follows: true, detail: `table with columns ${columns.join(", ")}` };
    if (t === tables[tables.length - 1]) {
      return { follows: false, detail: `table without columns ${missing.join(", ")} (has ${t.header.join(", ")})` };
    }
  }
  return { follows: false, detail: "no table with the requested columns" };
};

export const checkCode: Check = (_c, output) => {
  const blocks = output.match(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[ \t]*$/gm) ?? [];
  return blocks.length > 0
    ? { follows: true, detail: `${blocks.length} fenced code block(s)` }
    : { follows: false, detail: "no fenced code block (``` … ```)" };
};
