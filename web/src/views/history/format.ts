// Small display helpers shared by the History tables.
import type { HistoryRecord } from "./types";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** "12 s", "3 min 4 s" since `iso`. */
export function elapsed(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function score(record: HistoryRecord): number | null {
  return record.validation?.overall ?? null;
}

export function strategyName(record: HistoryRecord): string | null {
  return record.strategy?.strategy ?? record.framework_applied ?? null;
}
