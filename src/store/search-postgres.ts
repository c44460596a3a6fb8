// PostgreSQL full-text search for optimization history: the only module with PostgreSQL-only SQL.
// The text lives once, in `optimization`; a STORED generated `search_vector` column turns it into
// a tsvector (title weight A, tags + project name B, raw + optimized prompt D). The project name
// comes from another table, so the row keeps a copy of it in `search_labels`.
//
// Matching reads a narrow table, `optimization_search` (migration 006): per record the row's
// vector without positions and weights (`strip`) plus the filter columns, ~430 bytes where the
// wide row is ~1.7 KB. GIN has no index-only scan, so a search pays one heap visit per match for
// its exact count; on narrow rows those visits touch ~5 000 pages for a word in 15 % of 100 000
// records instead of 20 000–37 000, and the table stays in shared_buffers. Filters are columns of
// the same narrow rows (exact, and no visit to the wide row). Ranking (ts_rank, which needs the
// weights) reads the full vector of the PG_RANK_WINDOW rows it orders, by primary key. The
// narrow table is kept by the same write paths as SQLite's FTS index (index, indexProject,
// rebuild); an entry goes with its row (ON DELETE CASCADE).
//
// Matching follows the SQLite index: every word must appear (websearch_to_tsquery over the plain
// words, so no operator reaches the parser) and the last word typed also matches as a prefix
// from two characters. Relevance is ts_rank with the same column emphasis as SQLite's bm25.
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

/**
 * Migration 006 for PostgreSQL: the narrow match table, filled from the existing rows, and its GIN
 * index (fastupdate off: a search never scans a pending list, and writes are one row at a time).
 * The GIN index of migration 001 on the wide rows goes: nothing matches through it any more.
 */
export async function createPostgresSearchTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("optimization_search")
    .addColumn("seq", "integer", (c) => c.primaryKey().references("optimization.seq").onDelete("cascade"))
    .addColumn("search_vector", sql`tsvector`, (c) => c.notNull())
    // The filter columns, copied so a filtered search never visits the wide row of each match.
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("task_type", "text")
    .addColumn("strategy", "text")
    .addColumn("project_id", "text")
    .addColumn("prompt_id", "text")
    .addColumn("tags", sql`jsonb`, (c) => c.notNull())
    .addColumn("overall_score", "double precision")
    .execute();
  await sql`INSERT INTO optimization_search (${sql.raw(ENTRY_COLUMNS)})
    SELECT ${sql.raw(ENTRY_VALUES)} FROM optimization`.execute(db);
  await sql`CREATE INDEX optimization_search_match_idx ON optimization_search
    USING gin (search_vector) WITH (fastupdate = off)`.execute(db);
  await sql`DROP INDEX IF EXISTS optimization_search_idx`.execute(db);
}

/** The columns of an `optimization_search` entry and their values from the `optimization` row. */
const ENTRY_COLUMNS = "seq, search_vector, status, task_type, strategy, project_id, prompt_id, tags, overall_score";
const ENTRY_VALUES = `optimization.seq, strip(optimization.search_vector), optimization.status,
  optimization.task_type, optimization.strategy, optimization.project_id, optimization.prompt_id,
  optimization.tags_key::jsonb, optimization.overall_score`;

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

/**
 * The text condition on the narrow table (alias `s`). Its vectors have no positions, and a phrase
 * operator never matches such a vector — and PostgreSQL's parser makes a phrase of one typed word
 * it splits (at a private-use character, say, which FTS5 keeps inside the word). So the narrow
 * table is matched with every phrase operator read as AND, and a query holding one is checked
 * against the row's full vector too. Both are constants of the query: for an ordinary query the
 * planner folds the check away.
 */
function matches(q: PgQuery): Expression<SqlBool> {
  const query = tsquery(q);
  return sql<SqlBool>`(s.search_vector @@ regexp_replace((${query})::text, '<(-|[0-9]+)>', '&', 'g')::tsquery
    AND (strpos((${query})::text, '<') = 0 OR EXISTS (SELECT 1 FROM optimization AS full_row
      WHERE full_row.seq = s.seq AND full_row.search_vector @@ ${query})))`;
}

/**
 * The filters as conditions on `optimization` or on the narrow table `s` (the same columns; the
 * tags as jsonb there), empty for no filter.
 */
function filterConditions(filters: SearchFilters, table: "optimization" | "s"): Expression<SqlBool>[] {
  const parts: Expression<SqlBool>[] = [];
  const eq = (column: string, value: string | undefined) => {
    if (value !== undefined) parts.push(sql<SqlBool>`${sql.ref(`${table}.${column}`)} = ${value}`);
  };
  eq("status", filters.status);
  eq("task_type", filters.task_type);
  eq("strategy", filters.strategy);
  eq("project_id", filters.project_id);
  eq("prompt_id", filters.prompt_id);
  if (filters.tag !== undefined) {
    const tags = table === "s" ? sql`s.tags` : sql`optimization.tags_key::jsonb`;
    parts.push(sql<SqlBool>`${tags} ? ${normalizeTag(filters.tag)}`);
  }
  if (filters.min_score !== undefined) {
    parts.push(sql<SqlBool>`${sql.ref(`${table}.overall_score`)} >= ${filters.min_score}`);
  }
  return parts;
}

const and = (parts: Expression<SqlBool>[]) =>
  parts.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;

/** The plan's condition on the `optimization` table (for re-sorted listings and SQL counts). */
function condition(q: PgQuery | null, filters: SearchFilters): Expression<SqlBool> {
  const parts = filterConditions(filters, "optimization");
  if (q !== null) {
    parts.unshift(sql<SqlBool>`optimization.seq IN (SELECT s.seq FROM optimization_search AS s WHERE ${matches(q)})`);
  }
  return and(parts);
}

/** Refresh the copied project names of the rows `where` selects (only those that changed). */
async function refreshLabels(db: Kysely<Database>, where: Expression<SqlBool>): Promise<void> {
  const name = sql`coalesce((SELECT project.name FROM project WHERE project.id = optimization.project_id), '')`;
  await sql`UPDATE optimization SET search_labels = ${name}
    WHERE ${where} AND optimization.search_labels IS DISTINCT FROM ${name}`.execute(db);
}

/**
 * Copy the entries (stripped vector, filter columns) of the rows `where` selects into the match
 * table. A row whose entry would not change (a progress update, a new updated_at) leaves it alone:
 * no dead tuple, no index write.
 */
async function copyVectors(db: Kysely<Database>, where: Expression<SqlBool>): Promise<void> {
  const updated = ENTRY_COLUMNS.split(", ").slice(1);
  const set = updated.map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  const mine = updated.map((c) => `optimization_search.${c}`).join(", ");
  const theirs = updated.map((c) => `EXCLUDED.${c}`).join(", ");
  await sql`INSERT INTO optimization_search (${sql.raw(ENTRY_COLUMNS)})
    SELECT ${sql.raw(ENTRY_VALUES)} FROM optimization WHERE ${where}
    ON CONFLICT (seq) DO UPDATE SET ${sql.raw(set)}
    WHERE (${sql.raw(mine)}) IS DISTINCT FROM (${sql.raw(theirs)})`.execute(db);
}

async function indexWhere(db: Kysely<Database>, where: Expression<SqlBool>): Promise<void> {
  await refreshLabels(db, where);
  await copyVectors(db, where);
}

export const postgresSearch: SearchIndex = {
  rankWindow: PG_RANK_WINDOW,
  async index(db, ids) {
    for (const part of chunks(ids)) await indexWhere(db, sql<SqlBool>`optimization.id IN (${sql.join(part)})`);
  },
  async indexProject(db, projectId) {
    await indexWhere(db, sql<SqlBool>`optimization.project_id = ${projectId}`);
  },
  // An entry is deleted with its row (ON DELETE CASCADE).
  async remove() {},
  async removeAll() {},
  async rebuild(db) {
    await refreshLabels(db, sql<SqlBool>`true`);
    await sql`DELETE FROM optimization_search`.execute(db);
    await copyVectors(db, sql<SqlBool>`true`);
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
    // One bitmap scan of the narrow table gives the matches' count and the newest PG_RANK_WINDOW,
    // in one aggregate (count and a sorted array of `seq`s: cheaper than a materialized CTE
    // through a window function, which cost a third of the query); the filters are columns of the
    // same narrow rows. ts_rank needs the weighted vector of the wide row, so it runs on those
    // PG_RANK_WINDOW rows only, by primary key.
    const scan = sql`SELECT s.seq FROM optimization_search AS s
      WHERE ${and([matches(q), ...filterConditions(filters, "s")])}`;
    const { rows } = await sql<{ seq: number; relevance: number; total: string }>`
      SELECT u.seq, f.total,
        ts_rank(${sql.raw(`'${WEIGHTS}'`)}::float4[], o.search_vector, ${tsquery(q)}) AS relevance
      FROM (SELECT count(*) AS total,
          (array_agg(found.seq ORDER BY found.seq DESC))[1:${sql.lit(PG_RANK_WINDOW)}] AS seqs
        FROM (${scan}) AS found) AS f
      CROSS JOIN LATERAL unnest(f.seqs) AS u(seq)
      JOIN optimization AS o ON o.seq = u.seq`.execute(db);
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
