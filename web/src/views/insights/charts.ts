// Pure shaping of GET /api/history/stats for the Insights charts (no Svelte, no I/O).
import type { paths } from "../../api/client";

export type HistoryStats = paths["/api/history/stats"]["get"]["responses"][200]["content"]["application/json"];
export type Breakdown = HistoryStats["by_strategy"][string];

export interface Bucket {
  label: string;
  count: number;
}

/** The score buckets "1-2" … "9-10" in order (missing ones count 0). */
export function histogram(stats: HistoryStats): Bucket[] {
  const out: Bucket[] = [];
  for (let low = 1; low <= 9; low++) {
    const label = `${low}-${low + 1}`;
    out.push({ label, count: stats.score_distribution[label] ?? 0 });
  }
  return out;
}

export interface Heatmap {
  strategies: string[];
  taskTypes: string[];
  cell(strategy: string, taskType: string): Breakdown | null;
}

/** Strategies (rows, most used first) × task types (columns, most used first) that have records. */
export function heatmap(stats: HistoryStats): Heatmap {
  const cross = stats.by_strategy_task_type ?? {};
  const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || a[0].localeCompare(b[0]);
  const rowTotals = new Map<string, number>();
  const colTotals = new Map<string, number>();
  for (const [strategy, row] of Object.entries(cross)) {
    for (const [taskType, cell] of Object.entries(row)) {
      rowTotals.set(strategy, (rowTotals.get(strategy) ?? 0) + cell.count);
      colTotals.set(taskType, (colTotals.get(taskType) ?? 0) + cell.count);
    }
  }
  return {
    strategies: [...rowTotals].sort(byCount).map(([k]) => k),
    taskTypes: [...colTotals].sort(byCount).map(([k]) => k),
    cell: (strategy, taskType) => cross[strategy]?.[taskType] ?? null,
  };
}

export interface RateRow {
  strategy: string;
  rate: number | null;
  count: number;
}

/** Improvement rate per strategy, best first; strategies without a scored record last. */
export function improvementRates(stats: HistoryStats): RateRow[] {
  return Object.entries(stats.by_strategy)
    .map(([strategy, b]) => ({ strategy, rate: b.improvement_rate ?? null, count: b.count }))
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || b.count - a.count || a.strategy.localeCompare(b.strategy));
}

/** 0.667 → "67%"; null → "—". */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${Math.round(rate * 100)}%`;
}

/** 8.66 → "8.7"; null → "—". */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toFixed(1);
}

/** +1.2 / −0.4 with a sign; null → "—". */
export function signed(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value > 0 ? `+${value.toFixed(1)}` : value < 0 ? `−${Math.abs(value).toFixed(1)}` : "0.0";
}
