// SQLite full-text search (FTS5) for optimization history: the only module with SQLite-only SQL.
// The index is contentless (the text lives once, in `optimization`) and its rowid is the
// optimization's `seq` (an INTEGER PRIMARY KEY, so stable across VACUUM). Upkeep is explicit:
// the repositories call index/remove inside the same transaction as their write.
import { type Kysely, type SqlBool, sql } from "kysely";
import type { Database } from "./database.js";
import { chunks, type SearchIndex, searchTerms } from "./search.js";

type SqliteSearchTables = {
  optimization_fts: {
    rowid: number;
    optimization_fts: string;
    raw_prompt: string;
    optimized_prompt: string;
    title: string;
    tags: string;
    project_name: string;
  };
};

/** DDL of migration 001 for SQLite. Frozen: change the index through a new migration. */
export async function createSqliteSearchSchema(db: Kysely<unknown>): Promise<void> {
  // prefix='2 3' keeps prefix queries on the last typed word fast.
  await sql`CREATE VIRTUAL TABLE optimization_fts USING fts5(
    raw_prompt, optimized_prompt, title, tags, project_name,
    content='', contentless_delete=1, prefix='2 3', tokenize='unicode61 remove_diacritics 2'
  )`.execute(db);
}

/** Column weights for bm25: a word in the title or tags says more than one in the body. */
const RANK = sql<number>`-bm25(optimization_fts, 1.0, 1.0, 4.0, 3.0, 2.0)`;

/**
 * bm25 costs about a microsecond per matching row, so ranking is bounded: relevance orders the
 * newest RANK_WINDOW matches (that pass the filters). Below that many matches the order is exact;
 * above it, the words are so common that their bm25 weight carries almost no signal anyway.
 */
export const RANK_WINDOW = 5_000;

/**
 * Quotes every word as an FTS5 phrase (so no operator, quote, paren, `*` or NEAR can reach the
 * parser) and prefix-matches the last one, as people search while typing (from two characters,
 * which the prefix index serves).
 */
export function toFtsQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms
    .map((term, i) => {
      const prefix = i === terms.length - 1 && [...term].length >= 2 ? "*" : "";
      return `"${term.replaceAll('"', '""')}"${prefix}`;
    })
    .join(" ");
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
    await sdb
      .deleteFrom("optimization_fts")
      .where("rowid", "in", rows().select("optimization.seq"))
      .execute();
  }
  await sdb
    .insertInto("optimization_fts")
    .columns(["rowid", "raw_prompt", "optimized_prompt", "title", "tags", "project_name"])
    .expression(
      rows()
        .leftJoin("project", "project.id", "optimization.project_id")
        .select((eb) => [
          "optimization.seq",
          "optimization.raw_prompt",
          eb.fn.coalesce("optimization.optimized_prompt", sql.lit("")).as("optimized_prompt"),
          eb.fn.coalesce("optimization.title", sql.lit("")).as("title"),
          "optimization.tags",
          eb.fn.coalesce("project.name", sql.lit("")).as("project_name"),
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
  matchCondition(text) {
    const query = toFtsQuery(text);
    if (query === null) return null;
    return sql<SqlBool>`${sql.ref("optimization.seq")} IN (SELECT rowid FROM optimization_fts WHERE optimization_fts MATCH ${query})`;
  },
  rankedMatches(db, text, filter) {
    const query = toFtsQuery(text);
    if (query === null) return null;
    const matches = searchDb(db)
      .selectFrom("optimization_fts")
      .select([sql<number>`optimization_fts.rowid`.as("seq"), RANK.as("relevance")])
      .where("optimization_fts", "match", query);
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
  async countMatches(db, text) {
    const query = toFtsQuery(text);
    if (query === null) return null;
    const row = await searchDb(db)
      .selectFrom("optimization_fts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("optimization_fts", "match", query)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
