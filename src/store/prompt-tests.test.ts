import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { PromptTestRepository } from "./prompt-tests.js";

describe("PromptTestRepository", () => {
  let t: TempStore;
  let repo: PromptTestRepository;
  let promptId: string;

  beforeEach(async () => {
    t = await openTempStore();
    repo = new PromptTestRepository(t.store.db, { clock: () => t.now() });
    const project = await t.store.projects.create({ name: "Tests" });
    promptId = (await t.store.prompts.add(project.id, { content: "Say hi to {{name}}" })).id;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("keeps a prompt's cases in order with the prompt version, and soft-deletes them", async () => {
    const added = await repo.addCases(promptId, 1, [
      { vars: { name: "Ann" }, assert: [{ type: "contains", value: "Ann" }] },
      { description: "second", vars: { name: "Bo" }, assert: [] },
    ]);
    expect(added.map((c) => c.position)).toEqual([0, 1]);
    const more = await repo.addCases(promptId, 2, [{ vars: { name: "Cy" }, assert: [] }]);
    expect(more[0].position).toBe(2);
    expect(more[0].prompt_version).toBe(2);
    const updated = await repo.updateCase(added[1].id, 2, { vars: { name: "Bob" }, assert: [] });
    expect(updated.vars).toEqual({ name: "Bob" });
    expect(updated.description).toBeNull();
    expect(await repo.deleteCase(added[0].id)).toBe(true);
    expect(await repo.deleteCase(added[0].id)).toBe(false);
    const list = await repo.listCases(promptId);
    expect(list.map((c) => c.vars.name)).toEqual(["Bob", "Cy"]);
    expect(list[0].assert).toEqual([]);
  });

  it("deleting the prompt's project row cascades to its cases", async () => {
    await repo.addCases(promptId, 1, [{ vars: { name: "Ann" }, assert: [] }]);
    await t.store.db.deleteFrom("prompt_version").execute();
    await t.store.db.deleteFrom("prompt").where("id", "=", promptId).execute();
    expect(await repo.listCases(promptId)).toEqual([]);
  });

  it("stores a run's whole plan, updates rows and survives a reopen as interrupted", async () => {
    const run = await repo.createRun(
      {
        prompt_id: promptId,
        optimization_id: null,
        label_a: "original",
        label_b: "optimized",
        prompt_a: "A {{name}}",
        prompt_b: "B {{name}}",
        cases: [{ vars: { name: "x" }, assert: [] }],
        provider: "openai",
        model: "gpt-4.1",
        judge_provider: "openai",
        judge_model: "gpt-4.1",
        judge_rubric: null,
        samples: 1,
        concurrency: 2,
        seed: 1234567,
        max_calls: 200,
        estimated_calls: 4,
      },
      {
        outputs: [
          { case_index: 0, sample: 0, version: "a" },
          { case_index: 0, sample: 0, version: "b" },
        ],
        judgments: [
          { case_index: 0, sample: 0, position: 0, shown: "ba" },
          { case_index: 0, sample: 0, position: 1, shown: "ab" },
        ],
      },
    );
    expect(run.status).toBe("running");
    const outputs = await repo.outputs(run.id);
    expect(outputs.map((o) => [o.version, o.status])).toEqual([
      ["a", "pending"],
      ["b", "pending"],
    ]);
    await repo.updateOutput(outputs[0].id, {
      status: "completed",
      text: "hello",
      input_tokens: 5,
      output_tokens: 2,
      latency_ms: 12.5,
      verdicts: [{ kind: "custom", text: "x", follows: null, detail: "d" }],
      assertions: [],
    });
    await repo.updateOutput(outputs[1].id, { status: "failed", error_code: "provider_error", error_message: "boom" });
    const judgments = await repo.judgments(run.id);
    await repo.updateJudgment(judgments[0].id, {
      status: "completed",
      score: 0.8,
      candidate_score: 0.2,
      pass: true,
      reason: "A is better",
    });
    await repo.addCalls(run.id, 3);

    const [a, b] = await repo.outputs(run.id);
    expect(a).toMatchObject({ status: "completed", text: "hello", latency_ms: 12.5, input_tokens: 5 });
    expect(a.verdicts).toHaveLength(1);
    expect(b).toMatchObject({ status: "failed", error_code: "provider_error" });
    expect((await repo.judgments(run.id))[0]).toMatchObject({ pass: true, candidate_score: 0.2, shown: "ba" });

    expect(await repo.markInterrupted()).toBe(1);
    const after = await repo.getRun(run.id);
    expect(after).toMatchObject({ status: "interrupted", calls_made: 3, seed: 1234567 });
    expect(await repo.claimForResume(run.id)).toBe(true);
    expect(await repo.claimForResume(run.id)).toBe(false);
    await repo.updateRun(run.id, { status: "completed", summary: { ok: 1 }, finished: true });
    expect((await repo.getRun(run.id))?.summary).toEqual({ ok: 1 });
    expect((await repo.listRuns({ promptId })).map((r) => r.id)).toEqual([run.id]);
  });
});
