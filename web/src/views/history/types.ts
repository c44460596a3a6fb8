// Shapes of the History view, taken from the generated API types (so they follow the spec).
import { TASK_TYPES as CORE_TASK_TYPES } from "$core/pipeline/schemas.js";
import type { paths } from "../../api/client";

export type HistoryPage = paths["/api/history"]["get"]["responses"][200]["content"]["application/json"];
export type HistoryRecord = HistoryPage["items"][number];
export type HistoryQuery = NonNullable<paths["/api/history"]["get"]["parameters"]["query"]>;
export type RecordStatus = HistoryRecord["status"];
export type TaskType = NonNullable<HistoryQuery["task_type"]>;
export type ImportResult = paths["/api/history/import"]["post"]["responses"][200]["content"]["application/json"];
export type ProjectItem =
  paths["/api/projects"]["get"]["responses"][200]["content"]["application/json"]["items"][number];
export type StrategyInfo = paths["/api/strategies"]["get"]["responses"][200]["content"]["application/json"][number];

export const STATUSES = [
  "pending",
  "running",
  "completed",
  "error",
  "cancelled",
] as const satisfies readonly RecordStatus[];

/** The task types of the core (the same list the server validates against). */
export const TASK_TYPES: readonly TaskType[] = CORE_TASK_TYPES;

/** The first words of a record, for tables and labels. */
export function excerpt(record: Pick<HistoryRecord, "title" | "raw_prompt">, max = 90): string {
  const text = (record.title?.trim() || record.raw_prompt).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
