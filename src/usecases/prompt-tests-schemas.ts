// Schemas of prompt tests (requests and records), shared by REST (validation + OpenAPI), MCP and CLI.
import { z } from "zod";
import { ASSERTION_TYPES, AssertionSchema, MAX_CASES, TestCaseSchema } from "../core/prompt-tests/schema.js";
import { promptText } from "./schemas.js";

const IdSchema = z.string().trim().min(1).max(100);
const VersionRef = z.union([z.number().int().min(1), z.literal("current")]);

export const JudgeOptionsSchema = z
  .object({
    provider: z.string().trim().min(1).max(50).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    /** What the judge should value, in the user's words. */
    rubric: z.string().trim().min(1).max(2_000).optional(),
  })
  .strict();

/** Which two prompts a run compares, the cases, the provider and the run's limits. */
export const TestRunOptionsSchema = z
  .object({
    /** Compare an optimization's original (a) and optimized (b) prompt. */
    optimization_id: IdSchema.optional(),
    /** Compare two versions of a project prompt (default: the previous and the current one). */
    prompt_id: IdSchema.optional(),
    versions: z.object({ a: VersionRef, b: VersionRef }).strict().optional(),
    /** Or give both prompts inline. */
    original: promptText("original").optional(),
    optimized: promptText("optimized").optional(),
    /** Inline cases; default the project prompt's stored cases. */
    cases: z.array(TestCaseSchema).min(1).max(MAX_CASES).optional(),
    provider: z.string().trim().min(1).max(50).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    /** Outputs per case and version (1–10). */
    samples: z.number().int().min(1).max(10).default(1),
    /** Provider calls in flight at once (1–8). */
    concurrency: z.number().int().min(1).max(8).default(4),
    /** `true` (same model), or another provider/model, or omitted for no judge. */
    judge: z.union([z.boolean(), JudgeOptionsSchema]).optional(),
    /** Lower this run's call cap below the server's TEST_MAX_CALLS. */
    max_calls: z.number().int().min(1).max(100_000).optional(),
    max_output_tokens: z.number().int().min(16).max(16_000).default(1_024),
    /** Seeds the judge's order; random when omitted (stored with the run). */
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
  })
  .strict();
export type TestRunOptions = z.infer<typeof TestRunOptionsSchema>;

export const TestRunRequestSchema = TestRunOptionsSchema.extend({
  /** Resume this run (interrupted, cancelled or with failed outputs) instead of starting one. */
  resume: IdSchema.optional(),
}).meta({
  id: "TestRunRequest",
  description:
    "Start a prompt test (the two prompts: `optimization_id`, `prompt_id` [+ `versions`], or `original` + " +
    "`optimized`), or `resume` one by id.",
});
export type TestRunRequest = z.infer<typeof TestRunRequestSchema>;

export const TestCaseWriteSchema = TestCaseSchema;
export const TestCaseBatchSchema = z
  .object({ cases: z.array(TestCaseSchema).min(1).max(MAX_CASES) })
  .strict()
  .meta({ id: "TestCaseBatch" });
export const TestCaseImportSchema = z
  .object({
    format: z.enum(["jsonl", "yaml", "auto"]).default("auto"),
    content: z.string().min(1).max(2_000_000),
    /** Replace the prompt's cases instead of appending. */
    replace: z.boolean().default(false),
  })
  .strict()
  .meta({ id: "TestCaseImport" });
export const TestCaseExportQuerySchema = z.object({ format: z.enum(["jsonl", "yaml"]).default("jsonl") });

// ---------------------------------------------------------------------------------------------
// Records

export const StoredTestCaseSchema = TestCaseSchema.extend({
  id: z.string(),
  prompt_id: z.string(),
  position: z.number().int(),
  prompt_version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "StoredTestCase", description: "A test case of a project prompt" });

const RateSchema = z.object({ passed: z.number().int(), total: z.number().int(), rate: z.number().nullable() });
const IntervalSchema = z.object({ low: z.number(), high: z.number() });

export const VersionSummarySchema = z
  .object({
    outputs: z.number().int(),
    failed: z.number().int(),
    constraints: RateSchema.extend({ by_kind: z.record(z.string(), RateSchema), unverifiable: z.number().int() }),
    assertions: RateSchema.extend({ weighted_rate: z.number().nullable() }),
    mean_input_tokens: z.number().nullable(),
    mean_output_tokens: z.number().nullable(),
    mean_latency_ms: z.number().nullable(),
    mean_cost_usd: z.number().nullable(),
  })
  .meta({ id: "TestVersionSummary" });

export const TestSummarySchema = z
  .object({
    a: VersionSummarySchema,
    b: VersionSummarySchema,
    comparison: z.object({
      source: z.enum(["judge", "checks"]),
      wins: z.number().int(),
      losses: z.number().int(),
      ties: z.number().int(),
      win_rate: z.number().nullable(),
      interval: IntervalSchema.nullable(),
      verdict: z.enum(["optimized wins", "optimized loses", "cannot tell"]),
      reason: z.string(),
    }),
  })
  .meta({ id: "TestSummary" });

export const ConstraintVerdictSchema = z
  .object({ kind: z.string(), text: z.string(), follows: z.boolean().nullable(), detail: z.string() })
  .meta({ id: "ConstraintVerdict" });
export const AssertionResultSchema = z
  .object({
    type: z.enum(ASSERTION_TYPES),
    pass: z.boolean(),
    score: z.number(),
    weight: z.number(),
    detail: z.string(),
  })
  .meta({ id: "AssertionResult" });

const ItemStatus = z.enum(["pending", "completed", "failed"]);

export const TestOutputSchema = z
  .object({
    case_index: z.number().int(),
    sample: z.number().int(),
    version: z.enum(["a", "b"]),
    status: ItemStatus,
    text: z.string().nullable(),
    input_tokens: z.number().nullable(),
    output_tokens: z.number().nullable(),
    latency_ms: z.number().nullable(),
    cost_usd: z.number().nullable(),
    verdicts: z.array(ConstraintVerdictSchema).nullable(),
    assertions: z.array(AssertionResultSchema).nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .meta({ id: "TestOutput" });

export const TestJudgmentSchema = z
  .object({
    case_index: z.number().int(),
    sample: z.number().int(),
    position: z.number().int(),
    shown: z.enum(["ab", "ba"]),
    status: ItemStatus,
    score: z.number().nullable(),
    candidate_score: z.number().nullable(),
    pass: z.boolean().nullable(),
    reason: z.string().nullable(),
    latency_ms: z.number().nullable(),
    error_message: z.string().nullable(),
  })
  .meta({ id: "TestJudgment" });

export const TestRunStatusSchema = z.enum(["running", "completed", "cancelled", "interrupted", "error"]);

export const TestRunSchema = z
  .object({
    id: z.string(),
    status: TestRunStatusSchema,
    prompt_id: z.string().nullable(),
    optimization_id: z.string().nullable(),
    labels: z.object({ a: z.string(), b: z.string() }),
    prompts: z.object({ a: z.string(), b: z.string() }),
    cases: z.array(TestCaseSchema),
    provider: z.string(),
    model: z.string().nullable(),
    judge: z.object({ provider: z.string(), model: z.string().nullable(), rubric: z.string().nullable() }).nullable(),
    samples: z.number().int(),
    concurrency: z.number().int(),
    seed: z.number().int(),
    max_calls: z.number().int(),
    estimated_calls: z.number().int(),
    calls_made: z.number().int(),
    progress: z.object({
      outputs_done: z.number().int(),
      outputs_total: z.number().int(),
      judgments_done: z.number().int(),
      judgments_total: z.number().int(),
    }),
    outputs: z.array(TestOutputSchema),
    judgments: z.array(TestJudgmentSchema),
    summary: TestSummarySchema,
    error_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "TestRun", description: "A prompt test run with every output, judgment and the summary" });
export type TestRunRecord = z.infer<typeof TestRunSchema>;

export const TestRunListItemSchema = TestRunSchema.omit({ outputs: true, judgments: true, cases: true, prompts: true })
  .extend({ cases: z.number().int() })
  .meta({ id: "TestRunListItem" });

export const TestEstimateSchema = z
  .object({
    calls: z.number().int(),
    max_calls: z.number().int(),
    cases: z.number().int(),
    samples: z.number().int(),
    judge: z.boolean(),
    within_cap: z.boolean(),
  })
  .meta({ id: "TestEstimate" });
export type TestEstimate = z.infer<typeof TestEstimateSchema>;

export { AssertionSchema, TestCaseSchema };
