// Pure helpers of the Review view: code-string escaping, number formatting, the winner rule.
import type { Validation } from "./types";

/**
 * A Python triple-quoted string literal holding `text` exactly: backslashes doubled, and every
 * quote that could close the literal (a third quote in a row, or a quote at the very end) escaped.
 */
export function pythonString(text: string): string {
  let out = "";
  let run = 0;
  const body = text.replace(/\r\n?/g, "\n");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"') {
      run++;
      const last = i === body.length - 1;
      if (run === 3 || last) {
        out += '\\"';
        run = 0;
      } else out += '"';
      continue;
    }
    run = 0;
    out += ch === "\\" ? "\\\\" : ch;
  }
  return `"""${out}"""`;
}

/** A TypeScript template literal holding `text` exactly (`\`, backtick and `${` escaped). */
export function tsString(text: string): string {
  const body = text.replace(/\r\n?/g, "\n").replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
  return `\`${body}\``;
}

/** One decimal: 9 → "9.0". */
export function score(value: number | null | undefined): string {
  return typeof value === "number" ? value.toFixed(1) : "—";
}

/** A delta with its sign: +2.5, −1.0, ±0.0. */
export function delta(value: number | null | undefined): string {
  if (typeof value !== "number") return "—";
  if (Math.abs(value) < 0.05) return "±0.0";
  return value > 0 ? `+${value.toFixed(1)}` : `−${Math.abs(value).toFixed(1)}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "2/2" from a preserved count. */
export function kept(count: { kept: number; total: number } | undefined): string {
  return count ? `${count.kept}/${count.total}` : "—";
}

export interface Contender {
  key: string;
  validation: Validation | null;
}

/** The best contender: the highest overall, ties broken by faithfulness; null when none has scores. */
export function pickWinner<T extends Contender>(rows: T[]): { winner: T; tie: boolean } | null {
  const scored = rows.filter((r) => r.validation);
  if (scored.length === 0) return null;
  const sorted = [...scored].sort(
    (a, b) =>
      b.validation!.overall - a.validation!.overall ||
      b.validation!.optimized_scores.faithfulness - a.validation!.optimized_scores.faithfulness,
  );
  const [first, second] = sorted;
  const tie = !!second && second.validation!.overall === first!.validation!.overall;
  return { winner: first!, tie };
}
