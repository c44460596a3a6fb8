// SQLite full-text search (FTS5) for optimization history: the only module with SQLite-only SQL.
// The index is contentless (the text lives once, in `optimization`) and its rowid is the
// optimization's `seq` (an INTEGER PRIMARY KEY, so stable across VACUUM). Upkeep is explicit:
// the repositories call index/remove inside the same transaction as their write.
//
// Besides the text, each entry carries `facets`: one token per filter value (status, task type,
// strategy, project, prompt, tag, score bucket), hex-encoded so any value is exactly one token.
// Filters then become FTS terms, and a filtered search is counted and ranked inside the index
// without touching table rows.
import { Buffer } from "node:buffer";
import { type Kysely, type SqlBool, sql } from "kysely";
import type { Database } from "./database.js";
import { normalizeTag } from "./optimization-rows.js";
import { chunks, type SearchFilters, type SearchIndex, searchTerms } from "./search.js";

type SqliteSearchTables = {
  optimization_fts: {
    rowid: number;
    optimization_fts: string;
    body: string;
    title: string;
    labels: string;
    facets: string;
  };
};

/** DDL of migration 001 for SQLite. Frozen: change the index through a new migration. */
export async function createSqliteSearchSchema(db: Kysely<unknown>): Promise<void> {
  // body = raw + optimized prompt, labels = tags + project name: few columns keep bm25 cheap.
  // prefix='2 3 4' keeps prefix queries on the last typed word fast.
  await sql`CREATE VIRTUAL TABLE optimization_fts USING fts5(
    body, title, labels, facets,
    content='', contentless_delete=1, prefix='2 3 4', tokenize='unicode61 remove_diacritics 2'
  )`.execute(db);
}

const TEXT_COLUMNS = "{body title labels}";
/** Column weights for bm25: a word in the title or a label says more than one in the body. */
const RANK = sql<number>`-bm25(optimization_fts, 1.0, 4.0, 2.5, 0.0)`;

/**
 * bm25 costs about a microsecond per matching row, so ranking is bounded: relevance orders the
 * newest RANK_WINDOW matches. Below that many matches the order is exact; above it, the words
 * are so common that their bm25 weight carries little signal anyway.
 */
export const RANK_WINDOW = 2_000;
/** Up to this many matches, a re-sorted or filtered query starts from the matches. */
const DRIVE_LIMIT = 5_000;

const hex = (value: string): string => Buffer.from(value, "utf8").toString("hex");

/** The facet tokens of a row, computed in SQL from its flat columns (mirrors facetQuery). */
const FACETS = sql<string>`trim(
  's' || hex(optimization.status)
  || iif(optimization.task_type IS NULL, '', ' t' || hex(optimization.task_type))
  || iif(optimization.strategy IS NULL, '', ' g' || hex(optimization.strategy))
  || iif(optimization.project_id IS NULL, '', ' p' || hex(optimization.project_id))
  || iif(optimization.prompt_id IS NULL, '', ' q' || hex(optimization.prompt_id))
  || iif(optimization.overall_score IS NULL, '', ' n' || CAST(optimization.overall_score AS INTEGER))
  || coalesce((SELECT ' ' || group_concat('x' || hex(value), ' ') FROM json_each(optimization.tags_key)), '')
)`;

/**
 * Quotes every word as an FTS5 phrase (so no operator, quote, paren, `*` or NEAR can reach the
 * parser) and prefix-matches the last one, as people search while typing (from two characters,
 * which the prefix index serves).
 */
export function toFtsQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  const phrases = terms.map((term, i) => {
    const prefix = i === terms.length - 1 && [...term].length >= 2 ? "*" : "";
    return `"${term.replaceAll('"', '""')}"${prefix}`;
  });
  return `${TEXT_COLUMNS} : (${phrases.join(" ")})`;
}

/** FTS terms for the filters, and whether they enforce the filters exactly. */
function facetQuery(filters: SearchFilters): { terms: string[]; exact: boolean } {
  const terms: string[] = [];
  const add = (prefix: string, value: string | undefined) => {
    if (value !== undefined) terms.push(`{facets} : ("${prefix}${hex(value)}")`);
  };
  add("s", filters.status);
  add("t", filters.task_type);
  add("g", filters.strategy);
  add("p", filters.project_id);
  add("q", filters.prompt_id);
  add("x", filters.tag === undefined ? undefined : normalizeTag(filters.tag));
  let exact = true;
  if (filters.min_score !== undefined) {
    // Scores live in 1–10; whole buckets from floor(min) up are exact for a whole-number minimum.
    const low = Math.max(1, Math.floor(filters.min_score));
    const buckets = [];
    for (let b = low; b <= 10; b++) buckets.push(`"n${b}"`);
    terms.push(buckets.length > 0 ? `{facets} : (${buckets.join(" OR ")})` : `{facets} : ("n11")`);
    exact = Number.isInteger(filters.min_score) || filters.min_score < 1;
  }
  return { terms, exact };
}

function searchDb(db: Kysely<Database>): Kysely<Database & SqliteSearchTables> {
  return db.withTables<SqliteSearchTables>();
}

type Scope = { ids: readonly string[] } | { projectId: string } | "all";

async function indexScope(db: Kysely<Database>, scope: Scope): Promise<void> {
  const sdb = searchDb(db);
  const rows = () => {
    const base = sdb.selectFrom("optimization");
    if (scope === "all") return base;
    if ("ids" in scope) return base.where("optimization.id", "in", scope.ids);
    return base.where("optimization.project_id", "=", scope.projectId);
  };
  if (scope !== "all") {
    await sdb.deleteFrom("optimization_fts").where("rowid", "in", rows().select("optimization.seq")).execute();
  }
  await sdb
    .insertInto("optimization_fts")
    .columns(["rowid", "body", "title", "labels", "facets"])
    .expression(
      rows()
        .leftJoin("project", "project.id", "optimization.project_id")
        .select((eb) => [
          "optimization.seq",
          sql<string>`optimization.raw_prompt || char(10) || coalesce(optimization.optimized_prompt, '')`.as("body"),
          eb.fn.coalesce("optimization.title", sql.lit("")).as("title"),
          sql<string>`optimization.tags || char(10) || coalesce(project.name, '')`.as("labels"),
          FACETS.as("facets"),
        ]),
    )
    .execute();
}

async function removeAll(db: Kysely<Database>): Promise<void> {
  await sql`INSERT INTO optimization_fts(optimization_fts) VALUES ('delete-all')`.execute(db);
}

export const sqliteSearch: SearchIndex = {
  rankWindow: RANK_WINDOW,
  async index(db, ids) {
    for (const part of chunks(ids)) await indexScope(db, { ids: part });
  },
  async indexProject(db, projectId) {
    await indexScope(db, { projectId });
  },
  async remove(db, ids) {
    const sdb = searchDb(db);
    for (const part of chunks(ids)) {
      const seqs = sdb.selectFrom("optimization").select("seq").where("id", "in", part);
      await sdb.deleteFrom("optimization_fts").where("rowid", "in", seqs).execute();
    }
  },
  removeAll,
  async rebuild(db) {
    await removeAll(db);
    await indexScope(db, "all");
  },
  async plan(db, text, filters) {
    const words = toFtsQuery(text);
    if (words === null && filters.tag === undefined) return null;
    const facets = facetQuery(filters);
    const query = [...(words === null ? [] : [words]), ...facets.terms].join(" AND ");
    const row = await searchDb(db)
      .selectFrom("optimization_fts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("optimization_fts", "match", query)
      .executeTakeFirstOrThrow();
    const total = Number(row.n);
    // Few matches: drive the query from them (one rowid seek each). Many: let the planner walk
    // an index in the requested order and probe the match set — the unary plus stops SQLite from
    // choosing tens of thousands of seeks followed by a sort.
    const seq = total <= DRIVE_LIMIT ? sql`${sql.ref("optimization.seq")}` : sql`+${sql.ref("optimization.seq")}`;
    const condition = sql<SqlBool>`${seq} IN (SELECT rowid FROM optimization_fts WHERE optimization_fts MATCH ${query})`;
    return { total, exact: facets.exact, ranked: words !== null, condition, query };
  },
  rankedMatches(db, plan, filter) {
    const matches = searchDb(db)
      .selectFrom("optimization_fts")
      .select([sql<number>`optimization_fts.rowid`.as("seq"), RANK.as("relevance")])
      .where("optimization_fts", "match", plan.query);
    // CROSS JOIN keeps the FTS scan as the outer loop (SQLite never reorders it), walking the
    // matches newest first so the window stops early.
    const filtered =
      filter === undefined
        ? matches
        : matches
            .crossJoin("optimization")
            .whereRef("optimization.seq", "=", sql.ref("optimization_fts.rowid"))
            .where((eb) => filter(eb as never));
    return filtered.orderBy(sql`optimization_fts.rowid`, "desc").limit(RANK_WINDOW).as("m");
  },
};
