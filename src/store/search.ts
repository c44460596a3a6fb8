// The one search contract the repositories use. Each dialect implements it in its own module
// (SQLite FTS5 in search-sqlite.ts; a PostgreSQL tsvector version can slot in beside it), so
// dialect-specific SQL never leaks into the repositories.
import type { AliasedExpression, Expression, ExpressionBuilder, Kysely, SqlBool } from "kysely";
import type { Database } from "./database.js";

/** One matching optimization by its row number; `relevance` is higher for better matches. */
export interface SearchMatch {
  seq: number;
  relevance: number;
}

/** The history filters a search index may fold into its own query. */
export interface SearchFilters {
  project_id?: string;
  prompt_id?: string;
  task_type?: string;
  status?: string;
  strategy?: string;
  /** One tag, compared after normalizeTag. Only the search index filters by tag. */
  tag?: string;
  min_score?: number;
}

export interface SearchPlan {
  /** Optimizations selected by `condition`. */
  total: number;
  /** True when `condition` enforces every filter, so `total` is the final count. */
  exact: boolean;
  /** True when the text held words, so ordering by relevance means something. */
  ranked: boolean;
  /** Condition on the `optimization` table selecting the matches. */
  condition: Expression<SqlBool>;
  /** The dialect's compiled query, for rankedMatches. */
  query: string;
}

/** Extra conditions on the optimization row (the list filters). */
export type OptimizationFilter = (eb: ExpressionBuilder<Database, "optimization">) => Expression<SqlBool>;

export interface SearchIndex {
  /** Index (insert or replace) the given optimizations from their current rows. */
  index(db: Kysely<Database>, ids: readonly string[]): Promise<void>;
  /** Re-index every optimization of a project (its name is part of the indexed text). */
  indexProject(db: Kysely<Database>, projectId: string): Promise<void>;
  remove(db: Kysely<Database>, ids: readonly string[]): Promise<void>;
  removeAll(db: Kysely<Database>): Promise<void>;
  /** Drop and rebuild the whole index from the optimization table. */
  rebuild(db: Kysely<Database>): Promise<void>;
  /**
   * Plans a search for user-typed `text` under `filters`. Null when there is nothing for the
   * index to do (no searchable word and no tag). Never throws on any input.
   */
  plan(db: Kysely<Database>, text: string, filters: SearchFilters): Promise<SearchPlan | null>;
  /**
   * The plan's matches that also pass `filter`, with relevance, as a subquery to join on
   * `optimization.seq`. A dialect may bound the ranking work: see rankWindow.
   */
  rankedMatches(
    db: Kysely<Database>,
    plan: SearchPlan,
    filter?: OptimizationFilter,
  ): AliasedExpression<SearchMatch, "m">;
  /**
   * How many of the newest matches rankedMatches orders by relevance (the rest follow newest
   * first); null when ranking is exact over all matches.
   */
  readonly rankWindow: number | null;
}

const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 100;

/**
 * Splits user input into plain search words (letters, digits, marks), dropping every operator
 * character. Dialect modules quote these words for their own query syntax.
 */
export function searchTerms(text: string): string[] {
  const words = text.normalize("NFKC").match(/[\p{L}\p{N}\p{M}\p{Co}]+/gu) ?? [];
  return words.slice(0, MAX_TERMS).map((word) => word.slice(0, MAX_TERM_LENGTH));
}

/** Work through ids in chunks that stay under every dialect's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
