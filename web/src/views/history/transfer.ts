// Export and import of the history as JSON Lines: reading a backup file line by line (bad lines are
// reported by number and never sent), splitting it into requests under the body limit, and saving
// a download.

import { api, unwrap } from "../../api/client";
import { saveFile } from "../../lib/save-file";
import type { ImportResult } from "./types";

export interface ParsedLines {
  records: Record<string, unknown>[];
  /** The 1-based file line of each record, to map the server's per-record errors back to the file. */
  lines: number[];
  bad: { line: number; message: string }[];
}

export function parseJsonLines(text: string): ParsedLines {
  const out: ParsedLines = { records: [], lines: [], bad: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.bad.push({ line: i + 1, message: "not valid JSON" });
      return;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      out.bad.push({ line: i + 1, message: "not a JSON object" });
      return;
    }
    out.records.push(value as Record<string, unknown>);
    out.lines.push(i + 1);
  });
  return out;
}

/** Keeps each request well under the server's default 1 MiB body limit and its 10 000 records. */
const CHUNK_CHARS = 700_000;
const CHUNK_RECORDS = 5_000;

export interface ImportSummary {
  inserted: number;
  skipped: number;
  /** Problems by file line: lines that were not sent, and records the server refused. */
  problems: { line: number; message: string }[];
}

/** Sends the parsed records in chunks; the server's `line` (position in a chunk) becomes the file line. */
export async function importRecords(parsed: ParsedLines, signal?: AbortSignal): Promise<ImportSummary> {
  const summary: ImportSummary = { inserted: 0, skipped: 0, problems: [...parsed.bad] };
  let start = 0;
  while (start < parsed.records.length) {
    let end = start;
    let size = 0;
    while (end < parsed.records.length && end - start < CHUNK_RECORDS) {
      const length = JSON.stringify(parsed.records[end]).length;
      if (end > start && size + length > CHUNK_CHARS) break;
      size += length;
      end++;
    }
    const result: ImportResult = await unwrap(
      api.POST("/api/history/import", { body: { records: parsed.records.slice(start, end) }, signal }),
    );
    summary.inserted += result.inserted;
    summary.skipped += result.skipped;
    for (const e of result.errors) {
      summary.problems.push({ line: parsed.lines[start + e.line - 1] ?? e.line, message: e.message });
    }
    start = end;
  }
  summary.problems.sort((a, b) => a.line - b.line);
  return summary;
}

export function exportFileName(date = new Date()): string {
  return `promptforge-history-${date.toISOString().slice(0, 10)}.jsonl`;
}

/** Downloads every record as JSON Lines; returns how many lines it held. */
export async function exportHistory(): Promise<number> {
  const text = await unwrap(api.GET("/api/history/export", { parseAs: "text" }));
  saveFile(exportFileName(), text);
  return text.split("\n").filter((l) => l.trim() !== "").length;
}
