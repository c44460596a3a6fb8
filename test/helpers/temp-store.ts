// A real store in a fresh temporary directory, with a controllable clock: SQLite, or a fresh
// PostgreSQL database in the postgres test project (test/helpers/dialect.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ScoreSet, StrategyName, TaskType } from "../../src/core/pipeline/schemas.js";
import { computeOverall } from "../../src/core/pipeline/schemas.js";
import type { OptimizationPatch } from "../../src/store/optimization-rows.js";
import { openStore, type Store } from "../../src/store/store.js";
import { freshPostgresDatabase, TEST_DIALECT, type TestDialect } from "./dialect.js";

export interface TempStore {
  store: Store;
  dataDir: string;
  dialect: TestDialect;
  /** PostgreSQL URL of the store's database (postgres only). */
  databaseUrl?: string;
  /** Moves the store's clock forward. */
  advance(ms: number): void;
  now(): Date;
  cleanup(): Promise<void>;
}

export async function openTempStore(
  start = "2026-01-01T00:00:00.000Z",
  dialect: TestDialect = TEST_DIALECT,
): Promise<TempStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-store-"));
  const pg = dialect === "postgres" ? await freshPostgresDatabase() : null;
  let now = Date.parse(start);
  const store = await openStore({ dataDir, databaseUrl: pg?.url, clock: () => new Date(now) });
  return {
    store,
    dataDir,
    dialect,
    databaseUrl: pg?.url,
    advance: (ms) => {
      now += ms;
    },
    now: () => new Date(now),
    cleanup: async () => {
      await store.close().catch(() => undefined);
      await pg?.drop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const scores = (value: number): ScoreSet => ({
  clarity: value,
  specificity: value,
  structure: value,
  faithfulness: value,
  conciseness: value,
});

/** The patch a finished pipeline would write, with `overall` equal to `score`. */
export function completedPatch(
  options: { score?: number; original?: number; task_type?: TaskType; strategy?: StrategyName } = {},
): OptimizationPatch {
  const score = options.score ?? 7;
  const overall = computeOverall(scores(score));
  return {
    status: "completed",
    optimized_prompt: "# Role\nYou are an expert.\n\n# Task\nDo the thing well.",
    analysis: {
      task_type: options.task_type ?? "coding",
      complexity: "medium",
      weaknesses: [],
      strengths: ["clear goal"],
      constraints: [],
      placeholders: [],
    },
    strategy: {
      strategy: options.strategy ?? "co-star",
      secondary_frameworks: [],
      reasoning: "fits the task",
      confidence: 0.8,
    },
    framework_applied: options.strategy ?? "co-star",
    changes_made: ["Added a role"],
    validation: {
      original_scores: scores(options.original ?? 5),
      optimized_scores: scores(score),
      deltas: {},
      overall,
      is_improvement: true,
      verdict: "better",
      preserved: { constraints: { kept: 0, total: 0 }, placeholders: { kept: 0, total: 0 } },
    },
    duration_ms: 12.5,
    token_usage: { input_tokens: 10, output_tokens: 20 },
  };
}
