// The History view's state in the URL (`#/history?search=remote&status=completed&page=2`): parse
// the route query into API parameters, and back. Unknown or invalid values are dropped.
import { type HistoryQuery, STATUSES, TASK_TYPES } from "./types";

export interface HistoryFilters {
  search: string;
  project_id: string;
  task_type: string;
  status: string;
  strategy: string;
  tag: string;
  min_score: string;
  /** `<sort>:<order>` or "" for the API's default (relevance when searching, newest first otherwise). */
  sort: string;
  page: number;
  per_page: number;
}

export const PER_PAGE_CHOICES = [10, 20, 50, 100] as const;
const DEFAULT_PER_PAGE = 20;

export const SORTS: { value: string; label: string }[] = [
  { value: "", label: "Best match, else newest" },
  { value: "created_at:desc", label: "Newest first" },
  { value: "created_at:asc", label: "Oldest first" },
  { value: "overall_score:desc", label: "Highest score" },
  { value: "overall_score:asc", label: "Lowest score" },
  { value: "title:asc", label: "Title A–Z" },
  { value: "title:desc", label: "Title Z–A" },
  { value: "relevance:desc", label: "Best match (search)" },
];

/** The filter fields that narrow the result (search included); page, size and sort do not. */
export const FILTER_KEYS = ["search", "project_id", "task_type", "status", "strategy", "tag", "min_score"] as const;

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

export function parseFilters(query: Record<string, string>): HistoryFilters {
  const oneOf = (value: string | undefined, allowed: readonly string[]) =>
    value && allowed.includes(value) ? value : "";
  const minScore = Number(query.min_score);
  const perPage = positiveInt(query.per_page, DEFAULT_PER_PAGE);
  const sort = query.order ? `${query.sort ?? ""}:${query.order}` : query.sort ? `${query.sort}:desc` : "";
  return {
    search: (query.search ?? "").slice(0, 500),
    project_id: query.project_id ?? "",
    task_type: oneOf(query.task_type, TASK_TYPES),
    status: oneOf(query.status, STATUSES),
    strategy: query.strategy ?? "",
    tag: query.tag ?? "",
    min_score: query.min_score && minScore >= 0 && minScore <= 10 ? String(minScore) : "",
    sort: SORTS.some((s) => s.value === sort) ? sort : "",
    page: positiveInt(query.page, 1),
    per_page: (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
  };
}

/** The route query for a filter state (defaults left out so URLs stay short). */
export function toRouteQuery(f: HistoryFilters): Record<string, string | number | undefined> {
  const [sort, order] = f.sort ? f.sort.split(":") : [undefined, undefined];
  return {
    search: f.search.trim() || undefined,
    project_id: f.project_id || undefined,
    task_type: f.task_type || undefined,
    status: f.status || undefined,
    strategy: f.strategy || undefined,
    tag: f.tag.trim() || undefined,
    min_score: f.min_score || undefined,
    sort,
    order,
    page: f.page > 1 ? f.page : undefined,
    per_page: f.per_page !== DEFAULT_PER_PAGE ? f.per_page : undefined,
  };
}

/** The API parameters for a filter state. */
export function toApiQuery(f: HistoryFilters): HistoryQuery {
  const q: HistoryQuery = { page: f.page, per_page: f.per_page };
  if (f.search.trim()) q.search = f.search.trim();
  if (f.project_id) q.project_id = f.project_id;
  if (f.task_type) q.task_type = f.task_type as HistoryQuery["task_type"];
  if (f.status) q.status = f.status as HistoryQuery["status"];
  if (f.strategy) q.strategy = f.strategy;
  if (f.tag.trim()) q.tag = f.tag.trim();
  if (f.min_score) q.min_score = Number(f.min_score);
  if (f.sort) {
    const [sort, order] = f.sort.split(":");
    q.sort = sort as HistoryQuery["sort"];
    q.order = order as HistoryQuery["order"];
  }
  return q;
}

export function hasFilters(f: HistoryFilters): boolean {
  return FILTER_KEYS.some((k) => f[k].trim() !== "");
}
