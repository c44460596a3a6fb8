// History queries over optimizations: filtered, sorted, paginated listing with full-text search,
// and the aggregate statistics. Kept apart from the write path in optimizations.ts.
import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { OptimizationRecord, OptimizationStatus } from "../core/records.js";
import type { Database } from "./database.js";
import { StoreError } from "./errors.js";
import { type OptimizationRow, rowToRecord } from "./optimization-rows.js";
import { pgReadCacheOf } from "./pg-read-cache.js";
import type { OptimizationFilter, SearchIndex, SearchPlan } from "./search.js";
import { readCacheOf } from "./sqlite-statements.js";

export const OPTIMIZATION_SORTS = ["created_at", "overall_score", "title", "relevance"] as const;
export type OptimizationSort = (typeof OPTIMIZATION_SORTS)[number];
export type SortOrder = "asc" | "desc";
export const MAX_PER_PAGE = 100;

export interface OptimizationListOptions {
  page?: number;
  /** 1–100, default 20. */
  per_page?: number;
  /** Full-text search over raw and optimized prompt, title, tags and project name. */
  search?: string;
  project_id?: string;
  prompt_id?: string;
  task_type?: string;
  status?: OptimizationStatus;
  strategy?: string;
  /** One tag, matched case-insensitively. */
  tag?: string;
  /** Minimum overall score (inclusive). */
  min_score?: number;
  /** Only the records whose `retry_of` is this optimization id (exact match). */
  retry_of?: string;
  /** Default: relevance when searching, else created_at. */
  sort?: OptimizationSort;
  /** Default: desc (asc for title). For relevance, desc means best match first. */
  order?: SortOrder;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface Breakdown {
  count: number;
  avg_overall: number | null;
  /** Share (0–1, three decimals) of scored records that beat their original prompt. */
  improvement_rate: number | null;
}

export interface OptimizationStats {
  total: number;
  by_status: Record<OptimizationStatus, number>;
  /** Mean overall score of scored records, one decimal. */
  avg_overall: number | null;
  /** Mean of (overall − overall of the original prompt), one decimal. */
  avg_improvement: number | null;
  improvement_rate: number | null;
  by_strategy: Record<string, Breakdown>;
  by_task_type: Record<string, Breakdown>;
  /** strategy → task type → breakdown (the heatmap of mean score per pair). */
  by_strategy_task_type: Record<string, Record<string, Breakdown>>;
  /** Buckets "1-2" … "9-10" of overall scores; 10 falls in "9-10". */
  score_distribution: Record<string, number>;
}

export function pageBounds(options: { page?: number; per_page?: number }): { page: number; per_page: number } {
  const page = options.page ?? 1;
  const per_page = options.per_page ?? 20;
  if (!Number.isSafeInteger(page) || page < 1) throw new StoreError("validation_error", "page must be an integer ≥ 1");
  if (!Number.isSafeInteger(per_page) || per_page < 1 || per_page > MAX_PER_PAGE) {
    throw new StoreError("validation_error", `per_page must be an integer from 1 to ${MAX_PER_PAGE}`);
  }
  return { page, per_page };
}

/**
 * The filters every dialect applies in SQL; the tag filter belongs to the search index, and
 * `retry_of` belongs to SQL alone (no index facet encodes it).
 */
function filters(eb: ExpressionBuilder<Database, "optimization">, o: OptimizationListOptions) {
  const conditions = [];
  if (o.project_id !== undefined) conditions.push(eb("optimization.project_id", "=", o.project_id));
  if (o.prompt_id !== undefined) conditions.push(eb("optimization.prompt_id", "=", o.prompt_id));
  if (o.task_type !== undefined) conditions.push(eb("optimization.task_type", "=", o.task_type));
  if (o.status !== undefined) conditions.push(eb("optimization.status", "=", o.status));
  if (o.strategy !== undefined) conditions.push(eb("optimization.strategy", "=", o.strategy));
  if (o.min_score !== undefined) conditions.push(eb("optimization.overall_score", ">=", o.min_score));
  if (o.retry_of !== undefined) conditions.push(eb("optimization.retry_of", "=", o.retry_of));
  return eb.and(conditions);
}

function hasSqlFilters(o: OptimizationListOptions): boolean {
  return (
    hasSqlOnlyFilters(o) ||
    [o.project_id, o.prompt_id, o.task_type, o.status, o.strategy, o.min_score].some((v) => v !== undefined)
  );
}

/** Filters outside SearchFilters: a search plan never enforces them, however `exact` it is. */
function hasSqlOnlyFilters(o: OptimizationListOptions): boolean {
  return o.retry_of !== undefined;
}

export async function listOptimizations(
  db: Kysely<Database>,
  search: SearchIndex,
  options: OptimizationListOptions,
): Promise<Page<OptimizationRecord>> {
  const { page, per_page } = pageBounds(options);
  const offset = (page - 1) * per_page;
  // Text without a searchable word (only punctuation, say) searches nothing: it lists everything.
  const plan = await search.plan(db, options.search ?? "", options);
  const sort = options.sort ?? (plan?.ranked ? "relevance" : "created_at");
  const dir: SortOrder = options.order ?? (sort === "title" ? "asc" : "desc");
  // When the plan enforces every filter, the rows need no second look; a filter the plan never
  // sees (retry_of) always takes the SQL conditions, and then the total is counted in SQL too.
  const sqlFiltered = hasSqlOnlyFilters(options) || (hasSqlFilters(options) && !plan?.exact);
  const where = (eb: ExpressionBuilder<Database, "optimization">) => filters(eb, options);
  const base = db
    .selectFrom("optimization")
    .$if(sqlFiltered, (qb) => qb.where(where))
    .$if(plan !== null, (qb) => qb.where(plan!.condition));

  let rows: OptimizationRow[];
  if (plan?.ranked && sort === "relevance") {
    rows = await rankedPage(db, search, { plan, where: sqlFiltered ? where : undefined, dir, offset, per_page });
    const window = search.rankWindow;
    if (window !== null && rows.length < per_page && offset + per_page > window) {
      // Past the ranking window, the remaining matches follow newest first.
      const tail = await base
        .selectAll()
        .orderBy("optimization.seq", "desc")
        .limit(per_page - rows.length)
        .offset(Math.max(offset, window))
        .execute();
      rows = rows.concat(tail);
    }
  } else {
    rows = await orderBy(base.selectAll(), sort, dir).limit(per_page).offset(offset).execute();
  }

  const total =
    plan !== null && !sqlFiltered
      ? plan.total
      : Number((await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  return { items: rows.map(rowToRecord), total, page, per_page };
}

/**
 * Every option that shapes a page: the read-cache key of a listing. A Record over the options'
 * keys, so a new option that is not part of the key fails to compile.
 */
const LIST_KEY_FIELDS: Record<keyof OptimizationListOptions, true> = {
  page: true,
  per_page: true,
  search: true,
  project_id: true,
  prompt_id: true,
  task_type: true,
  status: true,
  strategy: true,
  tag: true,
  min_score: true,
  retry_of: true,
  sort: true,
  order: true,
};
const LIST_KEYS = Object.keys(LIST_KEY_FIELDS) as Array<keyof OptimizationListOptions>;

function listKey(options: OptimizationListOptions): string {
  return `optimization.list${JSON.stringify(LIST_KEYS.map((k) => options[k] ?? null))}`;
}

/**
 * `listOptimizations` as the UTF-8 JSON of the page (what GET /api/history sends). The bytes are
 * kept while the database did not change — SQLite: no row changed (sqlite-statements.ts);
 * PostgreSQL: the WAL position did not move (pg-read-cache.ts) — so a page polled again is read,
 * serialised and encoded once. Any write — here, by another process or another instance — reads afresh.
 */
export async function listOptimizationsJson(
  db: Kysely<Database>,
  search: SearchIndex,
  options: OptimizationListOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const cache = readCacheOf(db) ?? pgReadCacheOf(db);
  if (cache === null) return Buffer.from(JSON.stringify(await listOptimizations(db, search, options)));
  // The token is read before the query: a write landing in between leaves the entry keyed by the
  // older token, so it is never served.
  const token = await cache.token();
  const key = listKey(options);
  const hit = cache.get(key, token);
  if (hit !== undefined) return hit;
  const bytes = Buffer.from(JSON.stringify(await listOptimizations(db, search, options)));
  cache.set(key, token, bytes);
  return bytes;
}

async function rankedPage(
  db: Kysely<Database>,
  search: SearchIndex,
  o: { plan: SearchPlan; where?: OptimizationFilter; dir: SortOrder; offset: number; per_page: number },
): Promise<OptimizationRow[]> {
  const window = search.rankWindow ?? Number.POSITIVE_INFINITY;
  if (o.offset >= window) return [];
  const ranked = search.rankedMatches(db, o.plan, o.where);
  // The page's matches first, then only their rows (not every row of the ranked window).
  const page = db
    .selectFrom(ranked)
    .select(["m.seq", "m.relevance"])
    .orderBy("m.relevance", o.dir)
    .orderBy("m.seq", "desc")
    .limit(Math.min(o.per_page, window - o.offset))
    .offset(o.offset)
    .as("p");
  return db
    .selectFrom(page)
    .innerJoin("optimization", "optimization.seq", "p.seq")
    .selectAll("optimization")
    .orderBy("p.relevance", o.dir)
    .orderBy("p.seq", "desc")
    .execute();
}

/** Nulls sort last in both directions and both dialects; ties break on newest first. */
function orderBy<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  sort: OptimizationSort,
  dir: SortOrder,
): SelectQueryBuilder<DB, TB, O> {
  const by = (column: string) => sql.ref(`optimization.${column}`);
  if (sort === "created_at" || sort === "relevance") {
    return qb.orderBy(by("created_at"), dir).orderBy(by("id"), dir);
  }
  const column = by(sort === "title" ? "title_key" : "overall_score");
  return qb
    .orderBy(column, (ob) => (dir === "asc" ? ob.asc() : ob.desc()).nullsLast())
    .orderBy(by("created_at"), "desc")
    .orderBy(by("id"), "desc");
}

const round1 = (value: number | null): number | null => (value === null ? null : Math.round(Number(value) * 10) / 10);
const round3 = (value: number | null): number | null =>
  value === null ? null : Math.round(Number(value) * 1000) / 1000;

export async function optimizationStats(
  db: Kysely<Database>,
  scope: { project_id?: string } = {},
): Promise<OptimizationStats> {
  const base = db
    .selectFrom("optimization")
    .$if(scope.project_id !== undefined, (qb) => qb.where("project_id", "=", scope.project_id as string));
  const totals = await base
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.avg<number | null>("overall_score").as("avg_overall"),
      eb.fn.avg<number | null>("overall_delta").as("avg_delta"),
      eb.fn.avg<number | null>("is_improvement").as("improvement_rate"),
    ])
    .executeTakeFirstOrThrow();
  const by_status: Record<OptimizationStatus, number> = {
    pending: 0,
    running: 0,
    completed: 0,
    error: 0,
    cancelled: 0,
  };
  const statuses = await base
    .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  for (const row of statuses) by_status[row.status as OptimizationStatus] = Number(row.n);

  const toBreakdown = (row: { n: unknown; avg: unknown; rate: unknown }): Breakdown => ({
    count: Number(row.n),
    avg_overall: round1(row.avg as number | null),
    improvement_rate: round3(row.rate as number | null),
  });
  const breakdown = async (column: "strategy" | "task_type") => {
    const rows = await base
      .select((eb) => [
        eb.ref(column).as("key"),
        eb.fn.countAll<number>().as("n"),
        eb.fn.avg<number | null>("overall_score").as("avg"),
        eb.fn.avg<number | null>("is_improvement").as("rate"),
      ])
      .where(column, "is not", null)
      .groupBy(column)
      .execute();
    const out: Record<string, Breakdown> = {};
    for (const row of rows) out[String(row.key)] = toBreakdown(row);
    return out;
  };
  const crossBreakdown = async () => {
    const rows = await base
      .select((eb) => [
        "strategy",
        "task_type",
        eb.fn.countAll<number>().as("n"),
        eb.fn.avg<number | null>("overall_score").as("avg"),
        eb.fn.avg<number | null>("is_improvement").as("rate"),
      ])
      .where("strategy", "is not", null)
      .where("task_type", "is not", null)
      .groupBy(["strategy", "task_type"])
      .execute();
    const out: Record<string, Record<string, Breakdown>> = {};
    for (const row of rows) {
      const inner = out[String(row.strategy)] ?? {};
      out[String(row.strategy)] = inner;
      inner[String(row.task_type)] = toBreakdown(row);
    }
    return out;
  };

  // Scores are stored at one decimal, so grouping by value is small; bucketing in code keeps the
  // SQL free of dialect-specific rounding.
  const score_distribution: Record<string, number> = {};
  for (let low = 1; low <= 9; low++) score_distribution[`${low}-${low + 1}`] = 0;
  const scores = await base
    .select((eb) => ["overall_score", eb.fn.countAll<number>().as("n")])
    .where("overall_score", "is not", null)
    .groupBy("overall_score")
    .execute();
  for (const row of scores) {
    const low = Math.min(9, Math.max(1, Math.floor(Number(row.overall_score))));
    score_distribution[`${low}-${low + 1}`] += Number(row.n);
  }

  return {
    total: Number(totals.total),
    by_status,
    avg_overall: round1(totals.avg_overall),
    avg_improvement: round1(totals.avg_delta),
    improvement_rate: round3(totals.improvement_rate),
    by_strategy: await breakdown("strategy"),
    by_task_type: await breakdown("task_type"),
    by_strategy_task_type: await crossBreakdown(),
    score_distribution,
  };
}
