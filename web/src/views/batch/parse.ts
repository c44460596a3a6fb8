// Reads the pasted or uploaded batch: one prompt per line, or JSON Lines (`{"prompt": …}` per line),
// detected from the first non-empty line. Problems name their line, and nothing is sent while any
// exists.
export const BATCH_MAX = 20;
export const PROMPT_MAX_CHARS = 100_000;

export interface BatchProblem {
  /** 1-based line of the text, or null for the batch as a whole. */
  line: number | null;
  message: string;
}

export interface ParsedBatch {
  mode: "lines" | "jsonl";
  prompts: string[];
  /** The text line of each prompt. */
  lines: number[];
  problems: BatchProblem[];
  /** JSON Lines fields other than `prompt` (the batch applies the shared options to every prompt). */
  ignoredFields: string[];
}

export function parseBatch(text: string): ParsedBatch {
  const rows = text.split(/\r?\n/);
  const firstNonEmpty = rows.find((r) => r.trim() !== "")?.trim() ?? "";
  const mode = firstNonEmpty.startsWith("{") ? "jsonl" : "lines";
  const out: ParsedBatch = { mode, prompts: [], lines: [], problems: [], ignoredFields: [] };
  const ignored = new Set<string>();

  rows.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "") return;
    let prompt: string;
    if (mode === "jsonl") {
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        out.problems.push({ line, message: "not valid JSON (JSON Lines mode: every line must be one JSON object)" });
        return;
      }
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        out.problems.push({ line, message: "not a JSON object" });
        return;
      }
      const record = value as Record<string, unknown>;
      if (typeof record.prompt !== "string" || record.prompt.trim() === "") {
        out.problems.push({ line, message: 'needs a non-empty "prompt" string' });
        return;
      }
      for (const key of Object.keys(record)) if (key !== "prompt") ignored.add(key);
      prompt = record.prompt;
    } else {
      prompt = trimmed;
    }
    if (prompt.length > PROMPT_MAX_CHARS) {
      out.problems.push({
        line,
        message: `the prompt is ${prompt.length} characters; the limit is ${PROMPT_MAX_CHARS}`,
      });
      return;
    }
    out.prompts.push(prompt);
    out.lines.push(line);
  });

  const count = out.prompts.length + out.problems.filter((p) => p.line !== null).length;
  if (count > BATCH_MAX) {
    out.problems.unshift({
      line: null,
      message: `${count} prompts: a batch takes at most ${BATCH_MAX}. Remove ${count - BATCH_MAX} or split them into several batches.`,
    });
  }
  out.ignoredFields = [...ignored].sort();
  return out;
}
