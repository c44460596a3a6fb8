// Prompt tests: the test cases of a project prompt, and runs with every output and judgment they
// produce. A run's whole plan (one row per output and per judgment) is written when it starts, so a
// run interrupted by a restart is resumed by id: only the rows still pending or failed are redone.
// Plain Kysely queries over dialect-neutral columns (text ids, ISO-text times, double precision).
import { randomUUID } from "node:crypto";
import type { Kysely, Migration, Selectable } from "kysely";
import type { Clock } from "./context.js";
import { StoreError } from "./errors.js";

export interface PromptTestCaseTable {
  id: string;
  prompt_id: string;
  position: number;
  description: string | null;
  /** JSON object of the case's vars. */
  vars: string;
  /** JSON array of promptfoo-style assertions. */
  assertions: string;
  /** The prompt's version when the case was last written. */
  prompt_version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface PromptTestRunTable {
  id: string;
  status: string;
  prompt_id: string | null;
  optimization_id: string | null;
  label_a: string;
  label_b: string;
  prompt_a: string;
  prompt_b: string;
  /** JSON array of the cases as they were when the run started. */
  cases: string;
  provider: string;
  model: string | null;
  judge_provider: string | null;
  judge_model: string | null;
  judge_rubric: string | null;
  samples: number;
  concurrency: number;
  seed: number;
  max_calls: number;
  estimated_calls: number;
  calls_made: number;
  /** JSON of the latest summary. */
  summary: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** The instance running it (migration 005_run_owners); null for runs of older versions. */
  owner_instance?: string | null;
}

export interface PromptTestOutputTable {
  id: string;
  run_id: string;
  case_index: number;
  sample: number;
  /** "a" (baseline, e.g. original) or "b" (candidate, e.g. optimized). */
  version: string;
  status: string;
  text: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
  /** JSON array of constraint verdicts. */
  verdicts: string | null;
  /** JSON array of assertion results. */
  assertion_results: string | null;
  error_code: string | null;
  error_message: string | null;
  updated_at: string;
}

export interface PromptTestJudgmentTable {
  id: string;
  run_id: string;
  case_index: number;
  sample: number;
  /** 0 = the seeded random order, 1 = the swap. */
  position: number;
  /** "ab": version a was shown as Response A. */
  shown: string;
  status: string;
  score: number | null;
  candidate_score: number | null;
  pass: number | null;
  reason: string | null;
  latency_ms: number | null;
  error_message: string | null;
  updated_at: string;
}

export interface PromptTestTables {
  prompt_test_case: PromptTestCaseTable;
  prompt_test_run: PromptTestRunTable;
  prompt_test_output: PromptTestOutputTable;
  prompt_test_judgment: PromptTestJudgmentTable;
}

/** Migration 005: the four prompt-test tables (Kysely schema builder only, dialect-neutral). */
export function promptTestsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("prompt_test_case")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("prompt_id", "text", (c) => c.notNull().references("prompt.id").onDelete("cascade"))
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("vars", "text", (c) => c.notNull())
        .addColumn("assertions", "text", (c) => c.notNull())
        .addColumn("prompt_version", "integer", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("deleted_at", "text")
        .execute();
      await db.schema
        .createIndex("prompt_test_case_prompt_idx")
        .on("prompt_test_case")
        .columns(["prompt_id", "position"])
        .execute();

      await db.schema
        .createTable("prompt_test_run")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("prompt_id", "text")
        .addColumn("optimization_id", "text")
        .addColumn("label_a", "text", (c) => c.notNull())
        .addColumn("label_b", "text", (c) => c.notNull())
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("model", "text")
        .addColumn("judge_provider", "text")
        .addColumn("judge_model", "text")
        .addColumn("samples", "integer", (c) => c.notNull())
        .addColumn("concurrency", "integer", (c) => c.notNull())
        .addColumn("seed", "integer", (c) => c.notNull())
        .addColumn("max_calls", "integer", (c) => c.notNull())
        .addColumn("estimated_calls", "integer", (c) => c.notNull())
        .addColumn("calls_made", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error_message", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("judge_rubric", "text")
        .addColumn("summary", "text")
        .addColumn("cases", "text", (c) => c.notNull())
        .addColumn("prompt_a", "text", (c) => c.notNull())
        .addColumn("prompt_b", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("prompt_test_run_status_idx").on("prompt_test_run").column("status").execute();
      await db.schema
        .createIndex("prompt_test_run_prompt_idx")
        .on("prompt_test_run")
        .columns(["prompt_id", "created_at"])
        .execute();

      await db.schema
        .createTable("prompt_test_output")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("run_id", "text", (c) => c.notNull().references("prompt_test_run.id").onDelete("cascade"))
        .addColumn("case_index", "integer", (c) => c.notNull())
        .addColumn("sample", "integer", (c) => c.notNull())
        .addColumn("version", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("input_tokens", "integer")
        .addColumn("output_tokens", "integer")
        .addColumn("latency_ms", "double precision")
        .addColumn("cost_usd", "double precision")
        .addColumn("error_code", "text")
        .addColumn("error_message", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("verdicts", "text")
        .addColumn("assertion_results", "text")
        .addColumn("text", "text")
        .addUniqueConstraint("prompt_test_output_unique", ["run_id", "case_index", "sample", "version"])
        .execute();

      await db.schema
        .createTable("prompt_test_judgment")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("run_id", "text", (c) => c.notNull().references("prompt_test_run.id").onDelete("cascade"))
        .addColumn("case_index", "integer", (c) => c.notNull())
        .addColumn("sample", "integer", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("shown", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("score", "double precision")
        .addColumn("candidate_score", "double precision")
        .addColumn("pass", "integer")
        .addColumn("latency_ms", "double precision")
        .addColumn("error_message", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addUniqueConstraint("prompt_test_judgment_unique", ["run_id", "case_index", "sample", "position"])
        .execute();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Records as the use case sees them (JSON columns parsed).

export interface StoredTestCase {
  id: string;
  prompt_id: string;
  position: number;
  description: string | null;
  vars: Record<string, string | number | boolean>;
  assert: unknown[];
  prompt_version: number;
  created_at: string;
  updated_at: string;
}

export type RunStatus = "running" | "completed" | "cancelled" | "interrupted" | "error";
export type ItemStatus = "pending" | "completed" | "failed";

export interface StoredRun {
  id: string;
  status: RunStatus;
  prompt_id: string | null;
  optimization_id: string | null;
  label_a: string;
  label_b: string;
  prompt_a: string;
  prompt_b: string;
  cases: unknown[];
  provider: string;
  model: string | null;
  judge_provider: string | null;
  judge_model: string | null;
  judge_rubric: string | null;
  samples: number;
  concurrency: number;
  seed: number;
  max_calls: number;
  estimated_calls: number;
  calls_made: number;
  summary: unknown;
  error_message: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface StoredOutput {
  id: string;
  case_index: number;
  sample: number;
  version: "a" | "b";
  status: ItemStatus;
  text: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
  verdicts: unknown[] | null;
  assertions: unknown[] | null;
  error_code: string | null;
  error_message: string | null;
}

export interface StoredJudgment {
  id: string;
  case_index: number;
  sample: number;
  position: number;
  shown: "ab" | "ba";
  status: ItemStatus;
  score: number | null;
  candidate_score: number | null;
  pass: boolean | null;
  reason: string | null;
  latency_ms: number | null;
  error_message: string | null;
}

/** What a new run is created with: a stored run minus what the store fills in as it goes. */
export type NewRun = Omit<
  StoredRun,
  "id" | "status" | "calls_made" | "summary" | "error_message" | "created_at" | "updated_at" | "finished_at"
>;

export interface OutputPatch {
  status: ItemStatus;
  text?: string | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  latency_ms?: number | null;
  cost_usd?: number | null;
  verdicts?: unknown[] | null;
  assertions?: unknown[] | null;
  error_code?: string | null;
  error_message?: string | null;
}

export interface JudgmentPatch {
  status: ItemStatus;
  score?: number | null;
  candidate_score?: number | null;
  pass?: boolean | null;
  reason?: string | null;
  latency_ms?: number | null;
  error_message?: string | null;
}

export interface CaseInput {
  description?: string | null;
  vars: Record<string, string | number | boolean>;
  assert: unknown[];
}

const parse = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};
const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toCase(row: Selectable<PromptTestCaseTable>): StoredTestCase {
  return {
    id: row.id,
    prompt_id: row.prompt_id,
    position: Number(row.position),
    description: row.description,
    vars: parse(row.vars, {}),
    assert: parse(row.assertions, []),
    prompt_version: Number(row.prompt_version),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toRun(full: Selectable<PromptTestRunTable>): StoredRun {
  const { owner_instance: _owner, ...row } = full;
  return {
    ...row,
    status: row.status as RunStatus,
    cases: parse(row.cases, []),
    samples: Number(row.samples),
    concurrency: Number(row.concurrency),
    seed: Number(row.seed),
    max_calls: Number(row.max_calls),
    estimated_calls: Number(row.estimated_calls),
    calls_made: Number(row.calls_made),
    summary: parse(row.summary, null),
  };
}

function toOutput(row: Selectable<PromptTestOutputTable>): StoredOutput {
  return {
    id: row.id,
    case_index: Number(row.case_index),
    sample: Number(row.sample),
    version: row.version as "a" | "b",
    status: row.status as ItemStatus,
    text: row.text,
    input_tokens: num(row.input_tokens),
    output_tokens: num(row.output_tokens),
    latency_ms: num(row.latency_ms),
    cost_usd: num(row.cost_usd),
    verdicts: parse(row.verdicts, null),
    assertions: parse(row.assertion_results, null),
    error_code: row.error_code,
    error_message: row.error_message,
  };
}

function toJudgment(row: Selectable<PromptTestJudgmentTable>): StoredJudgment {
  return {
    id: row.id,
    case_index: Number(row.case_index),
    sample: Number(row.sample),
    position: Number(row.position),
    shown: row.shown as "ab" | "ba",
    status: row.status as ItemStatus,
    score: num(row.score),
    candidate_score: num(row.candidate_score),
    pass: row.pass === null ? null : Number(row.pass) === 1,
    reason: row.reason,
    latency_ms: num(row.latency_ms),
    error_message: row.error_message,
  };
}

const json = (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v));

export interface PromptTestRepositoryOptions {
  clock?: Clock;
  newId?: () => string;
  /** This process's instance id: runs it starts or resumes are owned by it (recovery spares them). */
  instanceId?: string;
}

export interface PlannedJudgment {
  case_index: number;
  sample: number;
  position: number;
  shown: "ab" | "ba";
}

/** Rows inserted per statement (keeps well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 50;

export class PromptTestRepository {
  private readonly db: Kysely<PromptTestTables>;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly instanceId: string | null;

  /** `db` is the store's database (any Kysely whose schema includes migration 005). */
  // biome-ignore lint/suspicious/noExplicitAny: the store's Database type does not list these tables.
  constructor(db: Kysely<any>, options: PromptTestRepositoryOptions = {}) {
    this.db = db as Kysely<PromptTestTables>;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.instanceId = options.instanceId ?? null;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  // --- test cases ------------------------------------------------------------------------------

  async listCases(promptId: string): Promise<StoredTestCase[]> {
    const rows = await this.db
      .selectFrom("prompt_test_case")
      .selectAll()
      .where("prompt_id", "=", promptId)
      .where("deleted_at", "is", null)
      .orderBy("position", "asc")
      .orderBy("created_at", "asc")
      .execute();
    return rows.map(toCase);
  }

  async getCase(id: string): Promise<StoredTestCase | null> {
    const row = await this.db
      .selectFrom("prompt_test_case")
      .selectAll()
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    return row === undefined ? null : toCase(row);
  }

  /** Appends cases after the prompt's last one, in one transaction. */
  async addCases(promptId: string, promptVersion: number, cases: readonly CaseInput[]): Promise<StoredTestCase[]> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom("prompt_test_case")
        .select((eb) => eb.fn.max("position").as("position"))
        .where("prompt_id", "=", promptId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      let position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
      const rows = cases.map((c) => ({
        id: this.newId(),
        prompt_id: promptId,
        position: position++,
        description: c.description ?? null,
        vars: JSON.stringify(c.vars),
        assertions: JSON.stringify(c.assert),
        prompt_version: promptVersion,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      }));
      const out: StoredTestCase[] = [];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted = await trx
          .insertInto("prompt_test_case")
          .values(rows.slice(i, i + INSERT_CHUNK))
          .returningAll()
          .execute();
        out.push(...inserted.map(toCase));
      }
      return out;
    });
  }

  async updateCase(id: string, promptVersion: number, input: CaseInput): Promise<StoredTestCase> {
    const row = await this.db
      .updateTable("prompt_test_case")
      .set({
        description: input.description ?? null,
        vars: JSON.stringify(input.vars),
        assertions: JSON.stringify(input.assert),
        prompt_version: promptVersion,
        updated_at: this.now(),
      })
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new StoreError("not_found", "test case not found");
    return toCase(row);
  }

  /** Soft delete; false when there is no live case with this id. */
  async deleteCase(id: string): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable("prompt_test_case")
      .set({ deleted_at: now, updated_at: now })
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- runs ------------------------------------------------------------------------------------

  /** Creates the run with its whole plan: every output and judgment starts pending. */
  async createRun(
    input: NewRun,
    plan: { outputs: Array<{ case_index: number; sample: number; version: "a" | "b" }>; judgments: PlannedJudgment[] },
  ): Promise<StoredRun> {
    const now = this.now();
    const id = this.newId();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("prompt_test_run")
        .values({
          id,
          status: "running",
          ...input,
          owner_instance: this.instanceId,
          cases: JSON.stringify(input.cases),
          calls_made: 0,
          summary: null,
          error_message: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const outputs = plan.outputs.map((o) => ({
        id: this.newId(),
        run_id: id,
        ...o,
        status: "pending",
        text: null,
        input_tokens: null,
        output_tokens: null,
        latency_ms: null,
        cost_usd: null,
        verdicts: null,
        assertion_results: null,
        error_code: null,
        error_message: null,
        updated_at: now,
      }));
      for (let i = 0; i < outputs.length; i += INSERT_CHUNK) {
        await trx
          .insertInto("prompt_test_output")
          .values(outputs.slice(i, i + INSERT_CHUNK))
          .execute();
      }
      const judgments = plan.judgments.map((j) => ({
        id: this.newId(),
        run_id: id,
        ...j,
        status: "pending",
        score: null,
        candidate_score: null,
        pass: null,
        reason: null,
        latency_ms: null,
        error_message: null,
        updated_at: now,
      }));
      for (let i = 0; i < judgments.length; i += INSERT_CHUNK) {
        await trx
          .insertInto("prompt_test_judgment")
          .values(judgments.slice(i, i + INSERT_CHUNK))
          .execute();
      }
      return toRun(row);
    });
  }

  async getRun(id: string): Promise<StoredRun | null> {
    const row = await this.db.selectFrom("prompt_test_run").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : toRun(row);
  }

  async listRuns(options: { promptId?: string; limit?: number } = {}): Promise<StoredRun[]> {
    let query = this.db.selectFrom("prompt_test_run").selectAll();
    if (options.promptId) query = query.where("prompt_id", "=", options.promptId);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(options.limit ?? 20)
      .execute();
    return rows.map(toRun);
  }

  async outputs(runId: string): Promise<StoredOutput[]> {
    const rows = await this.db
      .selectFrom("prompt_test_output")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("case_index", "asc")
      .orderBy("sample", "asc")
      .orderBy("version", "asc")
      .execute();
    return rows.map(toOutput);
  }

  async judgments(runId: string): Promise<StoredJudgment[]> {
    const rows = await this.db
      .selectFrom("prompt_test_judgment")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("case_index", "asc")
      .orderBy("sample", "asc")
      .orderBy("position", "asc")
      .execute();
    return rows.map(toJudgment);
  }

  /** Writes an output; `calls` made for it are added to the run's count in the same transaction. */
  async updateOutput(id: string, patch: OutputPatch, calls?: { runId: string; calls: number }): Promise<void> {
    if (calls && calls.calls > 0) {
      await this.db.transaction().execute(async (trx) => {
        await new PromptTestRepository(trx, { clock: this.clock, newId: this.newId }).updateOutput(id, patch);
        await new PromptTestRepository(trx, { clock: this.clock, newId: this.newId }).addCalls(
          calls.runId,
          calls.calls,
        );
      });
      return;
    }
    await this.db
      .updateTable("prompt_test_output")
      .set({
        status: patch.status,
        ...(patch.text !== undefined ? { text: patch.text } : {}),
        ...(patch.input_tokens !== undefined ? { input_tokens: patch.input_tokens } : {}),
        ...(patch.output_tokens !== undefined ? { output_tokens: patch.output_tokens } : {}),
        ...(patch.latency_ms !== undefined ? { latency_ms: patch.latency_ms } : {}),
        ...(patch.cost_usd !== undefined ? { cost_usd: patch.cost_usd } : {}),
        ...(patch.verdicts !== undefined ? { verdicts: json(patch.verdicts) } : {}),
        ...(patch.assertions !== undefined ? { assertion_results: json(patch.assertions) } : {}),
        ...(patch.error_code !== undefined ? { error_code: patch.error_code } : {}),
        ...(patch.error_message !== undefined ? { error_message: patch.error_message } : {}),
        updated_at: this.now(),
      })
      .where("id", "=", id)
      .execute();
  }

  async updateJudgment(id: string, patch: JudgmentPatch, calls?: { runId: string; calls: number }): Promise<void> {
    if (calls && calls.calls > 0) {
      await this.db.transaction().execute(async (trx) => {
        await new PromptTestRepository(trx, { clock: this.clock, newId: this.newId }).updateJudgment(id, patch);
        await new PromptTestRepository(trx, { clock: this.clock, newId: this.newId }).addCalls(
          calls.runId,
          calls.calls,
        );
      });
      return;
    }
    await this.db
      .updateTable("prompt_test_judgment")
      .set({
        status: patch.status,
        ...(patch.score !== undefined ? { score: patch.score } : {}),
        ...(patch.candidate_score !== undefined ? { candidate_score: patch.candidate_score } : {}),
        ...(patch.pass !== undefined ? { pass: patch.pass === null ? null : patch.pass ? 1 : 0 } : {}),
        ...(patch.reason !== undefined ? { reason: patch.reason } : {}),
        ...(patch.latency_ms !== undefined ? { latency_ms: patch.latency_ms } : {}),
        ...(patch.error_message !== undefined ? { error_message: patch.error_message } : {}),
        updated_at: this.now(),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Adds provider calls to the run's count. */
  async addCalls(runId: string, calls: number): Promise<void> {
    await this.db
      .updateTable("prompt_test_run")
      .set((eb) => ({ calls_made: eb("calls_made", "+", calls), updated_at: this.now() }))
      .where("id", "=", runId)
      .execute();
  }

  async updateRun(
    id: string,
    patch: { status?: RunStatus; summary?: unknown; error_message?: string | null; finished?: boolean },
  ): Promise<void> {
    const now = this.now();
    await this.db
      .updateTable("prompt_test_run")
      .set({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.summary !== undefined ? { summary: JSON.stringify(patch.summary) } : {}),
        ...(patch.error_message !== undefined ? { error_message: patch.error_message } : {}),
        ...(patch.finished === true ? { finished_at: now } : patch.finished === false ? { finished_at: null } : {}),
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Moves the run to running if it is not running already (resume); false when it was running. */
  async claimForResume(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable("prompt_test_run")
      .set({
        status: "running",
        finished_at: null,
        error_message: null,
        updated_at: this.now(),
        owner_instance: this.instanceId,
      })
      .where("id", "=", id)
      .where("status", "!=", "running")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Recovery: runs left running by an instance whose lease is gone (or by a version that named no
   * owner) become interrupted (resumable). Runs of live instances — another `serve` on the same
   * data directory — are never touched.
   */
  async markInterrupted(): Promise<number> {
    const now = this.now();
    const db = this.db as unknown as Kysely<PromptTestTables & { instance: { id: string; expires_at: string } }>;
    const live = db.selectFrom("instance").select("instance.id").where("instance.expires_at", ">", now);
    const result = await db
      .updateTable("prompt_test_run")
      .set({ status: "interrupted", updated_at: now })
      .where("status", "=", "running")
      .where((eb) => eb.or([eb("owner_instance", "is", null), eb("owner_instance", "not in", live)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
