// PostgreSQL full-text search for optimization history: the only module with PostgreSQL-only SQL.
// The text lives once, in `optimization`; a STORED generated `search_vector` column turns it into
// a tsvector (title weight A, tags + project name B, raw + optimized prompt D) with a GIN index.
// The project name comes from another table, so the index keeps a copy of it in
// `search_labels` (the only upkeep: index/indexProject refresh that copy; everything else follows
// from the row itself). Filters are plain column conditions, so every plan is exact.
//
// Matching follows the SQLite index: every word must appear (websearch_to_tsquery over the plain
// words, so no operator reaches the parser) and the last word typed also matches as a prefix
// from two characters. Relevance is ts_rank with the same column emphasis as SQLite's bm25.
//
// Cost: the heap visit of every GIN match is what a search pays (GIN has no index-only count), so
// a text search visits them once: one query counts the matches (`count(*) OVER ()`), keeps the
// newest PG_RANK_WINDOW of them and ranks only those, and the page is then read by `seq` from that
// ranked list (rankedMatches hands it over as a parameter array, not as a second scan).
import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import type { Database } from "./database.js";
import { normalizeTag } from "./optimization-rows.js";
import {
  chunks,
  type SearchFilters,
  type SearchIndex,
  type SearchMatch,
  type SearchPlan,
  searchTerms,
} from "./search.js";

type PostgresSearchColumns = {
  optimization: Database["optimization"] & { search_labels: string; search_vector: string };
};

/** DDL of migration 001 for PostgreSQL. Frozen: change the index through a new migration. */
export async function createPostgresSearchSchema(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE optimization ADD COLUMN search_labels text NOT NULL DEFAULT ''`.execute(db);
  await sql`ALTER TABLE optimization ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple', tags || ' ' || search_labels), 'B')
    || setweight(to_tsvector('simple', raw_prompt || ' ' || coalesce(optimized_prompt, '')), 'D')
  ) STORED`.execute(db);
  await sql`CREATE INDEX optimization_search_idx ON optimization USING gin (search_vector)`.execute(db);
}

/** Same windowed ranking as SQLite: relevance orders the newest RANK_WINDOW matches. */
export const PG_RANK_WINDOW = 2_000;
/** Weights {D, C, B, A}: body 1, labels 2.5, title 4 (SQLite's bm25 column weights). */
const WEIGHTS = "{0.25, 0, 0.625, 1.0}";

/** A plan with its ranked window already read (text searches); see plan(). */
interface PgSearchPlan extends SearchPlan {
  /** The newest PG_RANK_WINDOW matches, newest first, with their relevance. */
  window?: { seqs: number[]; relevance: number[] };
}

interface PgQuery {
  /** Words that must all appear. */
  words: string[];
  /** The last word, matched as a prefix, or null. */
  prefix: string | null;
}

function toPgQuery(text: string): PgQuery | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  const last = terms[terms.length - 1];
  if ([...last].length >= 2) return { words: terms.slice(0, -1), prefix: last };
  return { words: terms, prefix: null };
}

/** The tsquery of a plan; words are plain letters and digits (searchTerms), never operators. */
function tsquery(q: PgQuery): Expression<unknown> {
  const parts = [];
  if (q.words.length > 0) parts.push(sql`websearch_to_tsquery('simple', ${q.words.join(" ")})`);
  if (q.prefix !== null) parts.push(sql`to_tsquery('simple', ${`'${q.prefix.toLowerCase()}':*`})`);
  return sql`(${sql.join(parts, sql` && `)})`;
}

function pgDb(db: Kysely<Database>): Kysely<PostgresSearchColumns> {
  return db as unknown as Kysely<PostgresSearchColumns>;
}

function condition(q: PgQuery | null, filters: SearchFilters): Expression<SqlBool> {
  const parts = [];
  if (q !== null) parts.push(sql`optimization.search_vector @@ ${tsquery(q)}`);
  const eq = (column: string, value: string | undefined) => {
    if (value !== undefined) parts.push(sql`${sql.ref(`optimization.${column}`)} = ${value}`);
  };
  eq("status", filters.status);
  eq("task_type", filters.task_type);
  eq("strategy", filters.strategy);
  eq("project_id", filters.project_id);
  eq("prompt_id", filters.prompt_id);
  if (filters.tag !== undefined) parts.push(sql`optimization.tags_key::jsonb ? ${normalizeTag(filters.tag)}`);
  if (filters.min_score !== undefined) parts.push(sql`optimization.overall_score >= ${filters.min_score}`);
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

/** Refresh the copied project names of the rows `where` selects (only those that changed). */
async function refreshLabels(db: Kysely<Database>, where: Expression<SqlBool>): Promise<void> {
  const name = sql`coalesce((SELECT project.name FROM project WHERE project.id = optimization.project_id), '')`;
  await sql`UPDATE optimization SET search_labels = ${name}
    WHERE ${where} AND optimization.search_labels IS DISTINCT FROM ${name}`.execute(db);
}

export const postgresSearch: SearchIndex = {
  rankWindow: PG_RANK_WINDOW,
  async index(db, ids) {
    for (const part of chunks(ids)) {
      await refreshLabels(db, sql<SqlBool>`optimization.id IN (${sql.join(part)})`);
    }
  },
  async indexProject(db, projectId) {
    await refreshLabels(db, sql<SqlBool>`optimization.project_id = ${projectId}`);
  },
  // The vector is part of the row: deleting the row removes it.
  async remove() {},
  async removeAll() {},
  async rebuild(db) {
    await refreshLabels(db, sql<SqlBool>`true`);
  },
  async plan(db, text, filters): Promise<PgSearchPlan | null> {
    const q = toPgQuery(text);
    if (q === null && filters.tag === undefined) return null;
    const where = condition(q, filters);
    const query = JSON.stringify(q);
    if (q === null) {
      const row = await pgDb(db)
        .selectFrom("optimization")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where(where)
        .executeTakeFirstOrThrow();
      return { total: Number(row.n), exact: true, ranked: false, condition: where, query };
    }
    // One (bitmap) scan of the matches gives their count and the newest PG_RANK_WINDOW: only `seq`
    // goes through the window, so it stays in memory, and the CTE is materialized so the planner
    // cannot trade it for a backward walk of the whole table in `seq` order (the LIMIT does not
    // stop a count). ts_rank reads each tsvector, so it runs on those rows only, by primary key.
    const { rows } = await sql<{ seq: number; relevance: number; total: string }>`
      WITH matches AS MATERIALIZED (SELECT optimization.seq FROM optimization WHERE ${where}),
      w AS (SELECT seq, count(*) OVER () AS total FROM matches ORDER BY seq DESC LIMIT ${PG_RANK_WINDOW})
      SELECT w.seq, w.total,
        ts_rank(${sql.raw(`'${WEIGHTS}'`)}::float4[], o.search_vector, ${tsquery(q)}) AS relevance
      FROM w JOIN optimization AS o ON o.seq = w.seq`.execute(db);
    return {
      total: rows.length === 0 ? 0 : Number(rows[0]?.total),
      exact: true,
      ranked: true,
      condition: where,
      query,
      window: { seqs: rows.map((r) => Number(r.seq)), relevance: rows.map((r) => Number(r.relevance)) },
    };
  },
  rankedMatches(db, plan, filter) {
    const window = (plan as PgSearchPlan).window;
    if (window !== undefined && filter === undefined) {
      // The window read by plan(): the page joins these rows by primary key.
      return sql<SearchMatch>`(SELECT * FROM unnest(${window.seqs}::integer[], ${window.relevance}::float8[]) AS u(seq, relevance))`.as(
        "m",
      );
    }
    // A filter plan() did not see (retry_of): the newest matches passing it, ranked after the LIMIT.
    const q = JSON.parse(plan.query) as PgQuery | null;
    const newest = pgDb(db)
      .selectFrom("optimization")
      .select(["optimization.seq", "optimization.search_vector"])
      .where(plan.condition)
      .$if(filter !== undefined, (qb) => qb.where((eb) => filter!(eb as never)))
      .orderBy("optimization.seq", "desc")
      .limit(PG_RANK_WINDOW)
      .as("w");
    const rank =
      q === null
        ? sql<number>`0`
        : sql<number>`ts_rank(${sql.raw(`'${WEIGHTS}'`)}::float4[], w.search_vector, ${tsquery(q)})`;
    return pgDb(db)
      .selectFrom(newest)
      .select([sql<number>`w.seq`.as("seq"), rank.as("relevance")])
      .as("m") as unknown as ReturnType<SearchIndex["rankedMatches"]>;
  },
};
