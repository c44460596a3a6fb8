// Use case: test two prompts on the same inputs. A run renders both prompts (original and optimized,
// or two versions of a project prompt) with every case, asks the model `samples` times per case and
// version with bounded concurrency, checks each output against its prompt's constraints and the
// case's assertions, and optionally has a judge compare each pair in both orders. Every row is
// planned and stored when the run starts, so a run is cancellable and resumable by id.
import { randomInt } from "node:crypto";
import type { Logger } from "pino";
import { AppError, isAbortError, isAppError } from "../core/errors.js";
import { extractConstraints } from "../core/local/constraints.js";
import type { Constraint } from "../core/pipeline/schemas.js";
import { checkAssertions, evaluateAssertions } from "../core/prompt-tests/assertions.js";
import { candidateScore, JudgeReplySchema, judgeMessages, judgeOrders, judgePass } from "../core/prompt-tests/judge.js";
import { compileTemplate } from "../core/prompt-tests/render.js";
import type { TestCase } from "../core/prompt-tests/schema.js";
import { estimateCalls, type SummaryJudgment, type SummaryOutput, summariseRun } from "../core/prompt-tests/summary.js";
import { createMemoryEventBus, type EventBus } from "../events/bus.js";
import { parseModelJson } from "../providers/model-output.js";
import type { Store } from "../store/index.js";
import type { PromptTestRepository, StoredJudgment, StoredOutput, StoredRun } from "../store/prompt-tests.js";
import type { ModelChoice, ModelResolverOptions, TestModel } from "./prompt-tests-model.js";
import { resolveTestModel } from "./prompt-tests-model.js";
import {
  type TestEstimate,
  type TestRunOptions,
  TestRunOptionsSchema,
  type TestRunRecord,
  type TestRunRequest,
  TestRunRequestSchema,
} from "./prompt-tests-schemas.js";
import { parseInput } from "./validate.js";
import { loadVerifier } from "./verifier.js";

export type TestRunEvent =
  | {
      type: "start";
      data: {
        run_id: string;
        resumed: boolean;
        estimated_calls: number;
        outputs_total: number;
        judgments_total: number;
      };
    }
  | { type: "output"; data: { run_id: string; done: number; total: number; output: TestRunRecord["outputs"][number] } }
  | {
      type: "judgment";
      data: { run_id: string; done: number; total: number; judgment: TestRunRecord["judgments"][number] };
    }
  | { type: "waiting"; data: { run_id: string; message: string; retry_after_ms: number } }
  | { type: "complete"; data: TestRunRecord }
  | { type: "error"; data: { run_id: string; code: string; message: string } };

/** Waits until one more provider call is allowed (the optimize-family rate limit), or throws. */
export type CallGate = (signal: AbortSignal, onWait: (retryAfterMs: number) => void) => Promise<void>;

export interface PromptTestRunOptions {
  signal?: AbortSignal;
  emit?: (event: TestRunEvent) => void;
  /** Called once the run exists, before any provider call. */
  onCreated?: (run: StoredRun) => void | Promise<void>;
  apiKey?: string;
  /** Run on this model (MCP sampling) instead of resolving `provider`. */
  model?: TestModel;
  judgeModel?: TestModel;
  acquireCall?: CallGate;
}

export interface PromptTestDeps {
  store: Store;
  tests: PromptTestRepository;
  logger: Logger;
  models: ModelResolverOptions;
  /** TEST_MAX_CALLS: the most provider calls one run may make. */
  maxCalls: number;
}

interface ActiveRun {
  controller: AbortController;
  bus: EventBus<TestRunEvent>;
  done: Promise<unknown>;
}

const SHUTDOWN = "shutdown";

function toOutput(o: StoredOutput): TestRunRecord["outputs"][number] {
  const { id: _id, ...rest } = o;
  return rest as TestRunRecord["outputs"][number];
}
function toJudgment(j: StoredJudgment): TestRunRecord["judgments"][number] {
  const { id: _id, ...rest } = j;
  return rest;
}

export function buildRunRecord(run: StoredRun, outputs: StoredOutput[], judgments: StoredJudgment[]): TestRunRecord {
  const summary = summariseRun(outputs as unknown as SummaryOutput[], judgments as unknown as SummaryJudgment[]);
  return {
    id: run.id,
    status: run.status,
    prompt_id: run.prompt_id,
    optimization_id: run.optimization_id,
    labels: { a: run.label_a, b: run.label_b },
    prompts: { a: run.prompt_a, b: run.prompt_b },
    cases: run.cases as TestCase[],
    provider: run.provider,
    model: run.model,
    judge: run.judge_provider
      ? { provider: run.judge_provider, model: run.judge_model, rubric: run.judge_rubric }
      : null,
    samples: run.samples,
    concurrency: run.concurrency,
    seed: run.seed,
    max_calls: run.max_calls,
    estimated_calls: run.estimated_calls,
    calls_made: run.calls_made,
    progress: {
      outputs_done: outputs.filter((o) => o.status !== "pending").length,
      outputs_total: outputs.length,
      judgments_done: judgments.filter((j) => j.status !== "pending").length,
      judgments_total: judgments.length,
    },
    outputs: outputs.map(toOutput),
    judgments: judgments.map(toJudgment),
    summary: summary as TestRunRecord["summary"],
    error_message: run.error_message,
    created_at: run.created_at,
    updated_at: run.updated_at,
    finished_at: run.finished_at,
  };
}

interface Sources {
  labelA: string;
  labelB: string;
  promptA: string;
  promptB: string;
  promptId: string | null;
  optimizationId: string | null;
}

const safeMessage = (error: unknown) =>
  isAppError(error) ? error.message : "The call failed in an internal step; details are in the server log.";

/**
 * A task of the pool: makes its provider call, then may hand back the rest of its work (checking and
 * storing the output). The slot is freed as soon as the call returns, so the next call is already on
 * its way while the previous output is verified and written.
 */
type PoolTask = () => Promise<(() => Promise<void>) | undefined>;

/** Bounded pool over a queue that may grow while it runs (judgments join when their pair is ready). */
async function runPool(concurrency: number, queue: PoolTask[], signal: AbortSignal): Promise<void> {
  let active = 0;
  let finishing = 0;
  let failure: unknown;
  const fail = (error: unknown) => {
    if (!isAbortError(error) && !signal.aborted) failure ??= error;
  };
  await new Promise<void>((resolve) => {
    const idle = () => active === 0 && finishing === 0;
    const pump = () => {
      if (failure !== undefined || signal.aborted) {
        if (idle()) resolve();
        return;
      }
      while (active < concurrency && queue.length > 0) {
        const task = queue.shift() as PoolTask;
        active++;
        task().then(
          (rest) => {
            active--;
            if (rest) {
              finishing++;
              // After the next call has been started by pump() below.
              setImmediate(() => {
                rest().then(
                  () => {
                    finishing--;
                    pump();
                  },
                  (error: unknown) => {
                    finishing--;
                    fail(error);
                    pump();
                  },
                );
              });
            }
            pump();
          },
          (error: unknown) => {
            active--;
            fail(error);
            pump();
          },
        );
      }
      if (idle() && queue.length === 0) resolve();
    };
    signal.addEventListener("abort", pump, { once: true });
    pump();
  });
  if (failure !== undefined) throw failure;
}

export function createPromptTestService(deps: PromptTestDeps) {
  const active = new Map<string, ActiveRun>();

  async function resolveSources(input: TestRunOptions): Promise<Sources> {
    const given = [input.optimization_id, input.prompt_id, input.original ?? input.optimized].filter(Boolean).length;
    if (given !== 1) {
      throw new AppError(
        "validation_error",
        "Say which two prompts to test: `optimization_id`, or `prompt_id` (with optional `versions`), or both " +
          "`original` and `optimized`.",
      );
    }
    if (input.optimization_id) {
      const record = await deps.store.optimizations.get(input.optimization_id);
      if (!record) throw new AppError("not_found", `Optimization ${input.optimization_id} does not exist.`);
      if (!record.optimized_prompt) {
        throw new AppError("conflict", `Optimization ${record.id} has no optimized prompt (status ${record.status}).`);
      }
      return {
        labelA: "original",
        labelB: "optimized",
        promptA: record.raw_prompt,
        promptB: record.optimized_prompt,
        promptId: record.prompt_id,
        optimizationId: record.id,
      };
    }
    if (input.prompt_id) {
      const prompt = await deps.store.prompts.get(input.prompt_id);
      if (!prompt) throw new AppError("not_found", `Prompt ${input.prompt_id} does not exist.`);
      const snapshots = await deps.store.prompts.versions(prompt.id);
      const contentOf = (ref: number | "current"): { label: string; text: string } => {
        if (ref === "current" || ref === prompt.version)
          return { label: `v${prompt.version} (current)`, text: prompt.content };
        const snap = snapshots.find((s) => s.version === ref);
        if (!snap) {
          throw new AppError("not_found", `Prompt ${prompt.id} has no version ${ref} (versions 1–${prompt.version}).`);
        }
        return { label: `v${ref}`, text: snap.content };
      };
      if (!input.versions && prompt.version < 2) {
        throw new AppError(
          "validation_error",
          "The prompt has only one version: give `versions`, or test `original` against `optimized` inline.",
        );
      }
      const a = contentOf(input.versions?.a ?? prompt.version - 1);
      const b = contentOf(input.versions?.b ?? "current");
      return {
        labelA: a.label,
        labelB: b.label,
        promptA: a.text,
        promptB: b.text,
        promptId: prompt.id,
        optimizationId: null,
      };
    }
    if (!input.original || !input.optimized) {
      throw new AppError("validation_error", "Give both `original` and `optimized` to test two inline prompts.");
    }
    return {
      labelA: "original",
      labelB: "optimized",
      promptA: input.original,
      promptB: input.optimized,
      promptId: null,
      optimizationId: null,
    };
  }

  async function casesFor(input: TestRunOptions, promptId: string | null): Promise<TestCase[]> {
    if (input.cases) return input.cases;
    const stored = promptId ? await deps.tests.listCases(promptId) : [];
    if (stored.length === 0) {
      throw new AppError(
        "validation_error",
        promptId
          ? "The prompt has no test cases: add some (or import a JSONL/YAML file), or send `cases`."
          : "No test cases: send `cases` (each `{vars, assert}`).",
      );
    }
    return stored.map((c) => ({
      ...(c.description ? { description: c.description } : {}),
      vars: c.vars,
      assert: c.assert as TestCase["assert"],
    }));
  }

  function capFor(requested: number | undefined): number {
    return Math.min(deps.maxCalls, requested ?? deps.maxCalls);
  }

  function checkCap(calls: number, cap: number, alreadyMade = 0): void {
    if (alreadyMade + calls > cap) {
      throw new AppError(
        "validation_error",
        `This run needs ${calls} provider calls${alreadyMade ? ` more (after ${alreadyMade} made)` : ""}, over its cap ` +
          `of ${cap} (TEST_MAX_CALLS or max_calls): use fewer cases or samples, or no judge.`,
        { details: { estimated_calls: calls, calls_made: alreadyMade, max_calls: cap } },
      );
    }
  }

  /** Every case rendered for both prompts: a missing var is refused before any call. */
  function renderAll(cases: TestCase[], promptA: string, promptB: string, labels: [string, string]) {
    const a = compileTemplate(promptA);
    const b = compileTemplate(promptB);
    return cases.map((c, i) => {
      checkAssertions(c.assert);
      return {
        a: a.render(c.vars, { caseLabel: `case ${i + 1}`, promptLabel: `the ${labels[0]} prompt` }),
        b: b.render(c.vars, { caseLabel: `case ${i + 1}`, promptLabel: `the ${labels[1]} prompt` }),
      };
    });
  }

  async function estimate(raw: unknown): Promise<TestEstimate> {
    const input = parseInput(TestRunOptionsSchema, raw);
    const sources = await resolveSources(input);
    const cases = await casesFor(input, sources.promptId);
    renderAll(cases, sources.promptA, sources.promptB, [sources.labelA, sources.labelB]);
    const judge = input.judge !== undefined && input.judge !== false;
    const calls = estimateCalls({ cases: cases.length, samples: input.samples, judge });
    const cap = capFor(input.max_calls);
    return { calls, max_calls: cap, cases: cases.length, samples: input.samples, judge, within_cap: calls <= cap };
  }

  async function record(id: string): Promise<TestRunRecord> {
    const run = await deps.tests.getRun(id);
    if (!run) throw new AppError("not_found", `Test run ${id} does not exist.`);
    const [outputs, judgments] = await Promise.all([deps.tests.outputs(id), deps.tests.judgments(id)]);
    return buildRunRecord(run, outputs, judgments);
  }

  /** Executes the pending (and failed) rows of a run; the run row must already be `running`. */
  async function execute(
    run: StoredRun,
    models: { main: TestModel; judge: TestModel | null },
    options: PromptTestRunOptions,
    controller: AbortController,
    bus: EventBus<TestRunEvent>,
    prepared?: Array<{ a: string; b: string }>,
  ): Promise<TestRunRecord> {
    const emit = (event: TestRunEvent) => {
      void bus.publish(event);
      options.emit?.(event);
    };
    const signal = controller.signal;
    const { verifyOutput } = await loadVerifier();
    const cases = run.cases as TestCase[];
    const rendered = prepared ?? renderAll(cases, run.prompt_a, run.prompt_b, [run.label_a, run.label_b]);
    const constraints: Record<"a" | "b", Constraint[]> = {
      a: extractConstraints(run.prompt_a),
      b: extractConstraints(run.prompt_b),
    };
    const outputs = await deps.tests.outputs(run.id);
    const judgments = await deps.tests.judgments(run.id);
    const byPair = new Map<string, { a?: StoredOutput; b?: StoredOutput }>();
    const key = (c: number, s: number) => `${c}:${s}`;
    for (const o of outputs) {
      const pair = byPair.get(key(o.case_index, o.sample)) ?? {};
      pair[o.version] = o;
      byPair.set(key(o.case_index, o.sample), pair);
    }
    let callsMade = run.calls_made;
    let outputsDone = outputs.filter((o) => o.status === "completed").length;
    let judgmentsDone = judgments.filter((j) => j.status === "completed").length;
    const todoOutputs = outputs.filter((o) => o.status !== "completed");
    const todoJudgments = judgments.filter((j) => j.status !== "completed");
    emit({
      type: "start",
      data: {
        run_id: run.id,
        resumed: outputsDone + judgmentsDone > 0 || run.calls_made > 0,
        estimated_calls: run.estimated_calls,
        outputs_total: outputs.length,
        judgments_total: judgments.length,
      },
    });

    const takeCall = async () => {
      if (callsMade >= run.max_calls) {
        throw new AppError("validation_error", `The run reached its cap of ${run.max_calls} provider calls.`);
      }
      callsMade++;
      pendingCalls++;
      await options.acquireCall?.(signal, (retryAfterMs) =>
        emit({
          type: "waiting",
          data: {
            run_id: run.id,
            retry_after_ms: retryAfterMs,
            message: `Rate limit of the optimize family reached; waiting ${Math.ceil(retryAfterMs / 1000)} s.`,
          },
        }),
      );
    };
    // Calls are counted in memory and written with the row that used them (one write per output).
    let pendingCalls = 0;
    const flushCalls = () => {
      const n = pendingCalls;
      pendingCalls = 0;
      return n;
    };

    const judgeTasks = new Map<string, StoredJudgment[]>();
    for (const j of todoJudgments) {
      const list = judgeTasks.get(key(j.case_index, j.sample)) ?? [];
      list.push(j);
      judgeTasks.set(key(j.case_index, j.sample), list);
    }
    const queue: PoolTask[] = [];

    const judgeTask =
      (j: StoredJudgment): PoolTask =>
      async () => {
        if (signal.aborted || !models.judge) return undefined;
        const pair = byPair.get(key(j.case_index, j.sample));
        const a = pair?.a;
        const b = pair?.b;
        let patch: Parameters<PromptTestRepository["updateJudgment"]>[1];
        if (a?.status !== "completed" || b?.status !== "completed") {
          patch = { status: "failed", error_message: "An output of this pair failed, so it was not judged." };
        } else {
          let started = performance.now();
          try {
            await takeCall();
            started = performance.now();
            const messages = judgeMessages({
              task: rendered[j.case_index].a,
              first: (j.shown === "ab" ? a.text : b.text) ?? "",
              second: (j.shown === "ab" ? b.text : a.text) ?? "",
              rubric: run.judge_rubric ?? undefined,
            });
            const reply = await models.judge.complete({
              system: messages.system,
              prompt: messages.user,
              signal,
              maxOutputTokens: 1_024,
            });
            const parsed = parseModelJson(reply.text, JudgeReplySchema);
            const latency = Math.round((performance.now() - started) * 100) / 100;
            patch = parsed.ok
              ? {
                  status: "completed",
                  score: parsed.value.score,
                  candidate_score: candidateScore(parsed.value.score, j.shown),
                  pass: judgePass(parsed.value.score),
                  reason: parsed.value.reason.slice(0, 2_000),
                  latency_ms: latency,
                  error_message: null,
                }
              : {
                  status: "failed",
                  latency_ms: latency,
                  error_message: `The judge's reply was not usable: ${parsed.problem}.`,
                };
          } catch (error) {
            if (signal.aborted || isAbortError(error)) throw error;
            if (!isAppError(error)) deps.logger.error({ err: error, run: run.id }, "prompt test judgment failed");
            patch = { status: "failed", error_message: safeMessage(error) };
          }
        }
        await deps.tests.updateJudgment(j.id, patch, { runId: run.id, calls: flushCalls() });
        Object.assign(j, patch, { pass: patch.pass ?? j.pass });
        judgmentsDone += j.status === "completed" ? 1 : 0;
        emit({
          type: "judgment",
          data: {
            run_id: run.id,
            done: judgments.filter((x) => x.status !== "pending").length,
            total: judgments.length,
            judgment: toJudgment(j),
          },
        });
      };

    const enqueueJudgments = (caseIndex: number, sample: number) => {
      const list = judgeTasks.get(key(caseIndex, sample));
      const pair = byPair.get(key(caseIndex, sample));
      if (!list || !pair?.a || !pair.b) return;
      if (pair.a.status === "pending" || pair.b.status === "pending") return;
      judgeTasks.delete(key(caseIndex, sample));
      for (const j of list) queue.push(judgeTask(j));
    };

    const outputTask =
      (o: StoredOutput): PoolTask =>
      async () => {
        if (signal.aborted) return undefined;
        const prompt = rendered[o.case_index][o.version];
        let started = performance.now();
        let reply: Awaited<ReturnType<TestModel["complete"]>> | null = null;
        let latency = 0;
        let failed: Parameters<PromptTestRepository["updateOutput"]>[1] | null = null;
        try {
          await takeCall();
          started = performance.now();
          reply = await models.main.complete({ prompt, signal, maxOutputTokens: maxOutputTokens(run) });
          latency = Math.round((performance.now() - started) * 100) / 100;
        } catch (error) {
          if (signal.aborted || isAbortError(error)) throw error;
          if (!isAppError(error)) deps.logger.error({ err: error, run: run.id }, "prompt test output failed");
          failed = {
            status: "failed",
            latency_ms: Math.round((performance.now() - started) * 100) / 100,
            error_code: isAppError(error) ? error.code : "internal_error",
            error_message: safeMessage(error),
          };
        }
        return async () => {
          let patch: Parameters<PromptTestRepository["updateOutput"]>[1];
          if (failed !== null || reply === null) {
            patch = failed ?? { status: "failed", error_code: "internal_error", error_message: safeMessage(null) };
          } else {
            const text = reply.text;
            patch = {
              status: "completed",
              text,
              input_tokens: reply.usage?.input_tokens ?? null,
              output_tokens: reply.usage?.output_tokens ?? null,
              latency_ms: latency,
              cost_usd: reply.costUsd,
              verdicts: verifyOutput(constraints[o.version], text, { prompt }).map((v) => ({
                kind: v.kind,
                text: v.text,
                follows: v.follows,
                detail: v.detail,
              })),
              assertions: evaluateAssertions(cases[o.case_index].assert, text),
              error_code: null,
              error_message: null,
            };
          }
          await deps.tests.updateOutput(o.id, patch, { runId: run.id, calls: flushCalls() });
          Object.assign(o, patch);
          if (o.status === "completed") outputsDone++;
          emit({
            type: "output",
            data: {
              run_id: run.id,
              done: outputs.filter((x) => x.status !== "pending").length,
              total: outputs.length,
              output: toOutput(o),
            },
          });
          enqueueJudgments(o.case_index, o.sample);
        };
      };

    for (const o of todoOutputs) {
      if (o.status === "failed") Object.assign(o, { status: "pending" });
      queue.push(outputTask(o));
    }
    for (const j of todoJudgments) if (j.status === "failed") Object.assign(j, { status: "pending" });
    // Pairs whose outputs were already done before a resume can be judged at once.
    for (const pairKey of [...judgeTasks.keys()]) {
      const [c, s] = pairKey.split(":").map(Number);
      enqueueJudgments(c, s);
    }

    try {
      await runPool(run.concurrency, queue, signal);
    } catch (error) {
      deps.logger.error({ err: error, run: run.id }, "prompt test run failed");
      await deps.tests.updateRun(run.id, {
        status: "error",
        error_message: "The run failed in an internal step; details are in the server log.",
        finished: true,
      });
      const failed = await record(run.id);
      emit({ type: "error", data: { run_id: run.id, code: "internal_error", message: failed.error_message ?? "" } });
      return failed;
    }
    if (pendingCalls > 0) await deps.tests.addCalls(run.id, flushCalls());
    const final = signal.aborted ? (signal.reason === SHUTDOWN ? "interrupted" : "cancelled") : "completed";
    // The rows in memory are the rows written; the summary needs no second read.
    const summary = buildRunRecord(run, outputs, judgments).summary;
    await deps.tests.updateRun(run.id, { status: final, summary, finished: true });
    const done = await record(run.id);
    if (final === "completed") emit({ type: "complete", data: done });
    else
      emit({
        type: "error",
        data: {
          run_id: run.id,
          code: "cancelled",
          message:
            final === "interrupted"
              ? "The server is shutting down; resume the run by its id."
              : "The run was cancelled; resume it by its id to finish the rest.",
        },
      });
    return done;
  }

  const maxOutputTokensByRun = new Map<string, number>();
  const maxOutputTokens = (run: StoredRun) => maxOutputTokensByRun.get(run.id) ?? 1_024;

  async function modelsFor(
    choice: ModelChoice,
    judge: TestRunOptions["judge"],
    options: PromptTestRunOptions,
  ): Promise<{ main: TestModel; judge: TestModel | null }> {
    const main = options.model ?? (await resolveTestModel(deps.models, choice));
    if (judge === undefined || judge === false) return { main, judge: null };
    if (options.judgeModel) return { main, judge: options.judgeModel };
    if (judge === true || (!judge.provider && !judge.model)) return { main, judge: main };
    if (!judge.provider && options.model) return { main, judge: main };
    const judgeModel = await resolveTestModel(deps.models, {
      provider: judge.provider ?? choice.provider,
      model: judge.model,
      apiKey: judge.provider && judge.provider !== choice.provider ? undefined : choice.apiKey,
    });
    return { main, judge: judgeModel };
  }

  /** Starts (or resumes) a run and resolves with its final record. */
  async function run(raw: unknown, options: PromptTestRunOptions = {}): Promise<TestRunRecord> {
    const input: TestRunRequest = parseInput(TestRunRequestSchema, raw);
    let stored: StoredRun;
    let models: { main: TestModel; judge: TestModel | null };
    let prepared: Array<{ a: string; b: string }> | undefined;
    if (input.resume) {
      const existing = await deps.tests.getRun(input.resume);
      if (!existing) throw new AppError("not_found", `Test run ${input.resume} does not exist.`);
      if (active.has(existing.id) || existing.status === "running") {
        throw new AppError("conflict", `Test run ${existing.id} is already running.`);
      }
      const [outputs, judgments] = await Promise.all([
        deps.tests.outputs(existing.id),
        deps.tests.judgments(existing.id),
      ]);
      const remaining =
        outputs.filter((o) => o.status !== "completed").length +
        judgments.filter((j) => j.status !== "completed").length;
      if (remaining === 0) throw new AppError("conflict", `Test run ${existing.id} has nothing left to run.`);
      checkCap(remaining, existing.max_calls, existing.calls_made);
      if (existing.provider === "mcp-sampling" && !options.model) {
        throw new AppError(
          "validation_error",
          "This run used MCP sampling: resume it from the MCP client (test_prompt).",
        );
      }
      models = await modelsFor(
        { provider: existing.provider, model: existing.model ?? undefined, apiKey: options.apiKey },
        existing.judge_provider
          ? { provider: existing.judge_provider, model: existing.judge_model ?? undefined }
          : undefined,
        options,
      );
      if (!(await deps.tests.claimForResume(existing.id))) {
        throw new AppError("conflict", `Test run ${existing.id} is already running.`);
      }
      stored = { ...existing, status: "running" };
      if (input.max_output_tokens) maxOutputTokensByRun.set(stored.id, input.max_output_tokens);
    } else {
      const sources = await resolveSources(input);
      const cases = await casesFor(input, sources.promptId);
      prepared = renderAll(cases, sources.promptA, sources.promptB, [sources.labelA, sources.labelB]);
      const judging = input.judge !== undefined && input.judge !== false;
      const calls = estimateCalls({ cases: cases.length, samples: input.samples, judge: judging });
      const cap = capFor(input.max_calls);
      checkCap(calls, cap);
      models = await modelsFor(
        { provider: input.provider, model: input.model, apiKey: options.apiKey },
        input.judge,
        options,
      );
      const seed = input.seed ?? randomInt(0, 2_147_483_647);
      const pairs = cases.flatMap((_, c) => Array.from({ length: input.samples }, (_s, s) => ({ c, s })));
      const orders = judgeOrders(seed, pairs.length);
      stored = await deps.tests.createRun(
        {
          prompt_id: sources.promptId,
          optimization_id: sources.optimizationId,
          label_a: sources.labelA,
          label_b: sources.labelB,
          prompt_a: sources.promptA,
          prompt_b: sources.promptB,
          cases,
          provider: models.main.provider,
          model: models.main.model,
          judge_provider: models.judge?.provider ?? null,
          judge_model: models.judge?.model ?? null,
          judge_rubric: typeof input.judge === "object" ? (input.judge.rubric ?? null) : null,
          samples: input.samples,
          concurrency: input.concurrency,
          seed,
          max_calls: cap,
          estimated_calls: calls,
        },
        {
          outputs: pairs.flatMap(({ c, s }) => [
            { case_index: c, sample: s, version: "a" as const },
            { case_index: c, sample: s, version: "b" as const },
          ]),
          judgments: models.judge
            ? pairs.flatMap(({ c, s }, i) => {
                const first = orders[i];
                const second = first === "ab" ? "ba" : "ab";
                return [
                  { case_index: c, sample: s, position: 0, shown: first },
                  { case_index: c, sample: s, position: 1, shown: second },
                ];
              })
            : [],
        },
      );
      maxOutputTokensByRun.set(stored.id, input.max_output_tokens);
    }

    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(options.signal?.reason === SHUTDOWN ? SHUTDOWN : "cancelled");
    if (options.signal?.aborted) onOuterAbort();
    options.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const bus = createMemoryEventBus<TestRunEvent>({ capacity: 1_000 });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    active.set(stored.id, { controller, bus, done });
    try {
      await options.onCreated?.(stored);
      return await execute(stored, models, options, controller, bus, prepared);
    } finally {
      options.signal?.removeEventListener("abort", onOuterAbort);
      active.delete(stored.id);
      maxOutputTokensByRun.delete(stored.id);
      finish();
      void bus.close();
    }
  }

  return {
    estimate,
    run,
    get: record,
    async list(options: { prompt_id?: string; limit?: number } = {}) {
      const runs = await deps.tests.listRuns({ promptId: options.prompt_id, limit: options.limit });
      return Promise.all(
        runs.map(async (r) => {
          const { outputs, judgments, cases, prompts: _p, ...rest } = await record(r.id);
          void outputs;
          void judgments;
          return { ...rest, cases: cases.length };
        }),
      );
    },
    /** Stops a running run; it ends `cancelled` and can be resumed. */
    async cancel(id: string): Promise<TestRunRecord> {
      const running = active.get(id);
      if (!running) {
        const existing = await deps.tests.getRun(id);
        if (!existing) throw new AppError("not_found", `Test run ${id} does not exist.`);
        throw new AppError("not_running", `Test run ${id} is not running (status ${existing.status}).`);
      }
      running.controller.abort("cancelled");
      await running.done;
      return record(id);
    },
    /** Live events of a running run (replayed after `after`), or null when it is not running here. */
    subscribe(id: string, listener: (id: number, event: TestRunEvent) => void, after?: number): (() => void) | null {
      const running = active.get(id);
      if (!running) return null;
      return running.bus.subscribe((entry) => listener(entry.id, entry.event), { after });
    },
    isRunning: (id: string) => active.has(id),
    /** Start-up recovery: runs a previous process left running become resumable `interrupted` runs. */
    markInterrupted: () => deps.tests.markInterrupted(),
    /** Shutdown: running runs end `interrupted` (resumable). */
    async close(): Promise<void> {
      const runs = [...active.values()];
      for (const r of runs) r.controller.abort(SHUTDOWN);
      await Promise.race([Promise.all(runs.map((r) => r.done)), new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}

export type PromptTestService = ReturnType<typeof createPromptTestService>;
