// Run ownership in the store (issue 17 item 1): recovery marks only the runs of instances whose
// lease is gone — optimizations and prompt-test runs alike — and a live instance's runs never.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { PromptTestRepository } from "./prompt-tests.js";

const TTL = 30_000;

function newRun(promptId: string) {
  return {
    prompt_id: promptId,
    optimization_id: null,
    label_a: "original",
    label_b: "optimized",
    prompt_a: "A {{name}}",
    prompt_b: "B {{name}}",
    cases: [{ vars: { name: "x" }, assert: [] }],
    provider: "openai",
    model: "gpt-4.1",
    judge_provider: null,
    judge_model: null,
    judge_rubric: null,
    samples: 1,
    concurrency: 1,
    seed: 1,
    max_calls: 10,
    estimated_calls: 2,
  };
}
const plan = { outputs: [{ case_index: 0, sample: 0, version: "a" as const }], judgments: [] };

describe("run recovery by owner lease", () => {
  let t: TempStore;
  let promptId: string;
  beforeEach(async () => {
    t = await openTempStore();
    const project = await t.store.projects.create({ name: "Owners" });
    promptId = (await t.store.prompts.add(project.id, { content: "Say hi to {{name}}" })).id;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("spares the prompt-test runs of a live instance and recovers those of a gone one", async () => {
    const clock = { clock: () => t.now() };
    await t.store.instances.register("live", TTL);
    await t.store.instances.register("gone", TTL);
    const live = new PromptTestRepository(t.store.db, { ...clock, instanceId: "live" });
    const gone = new PromptTestRepository(t.store.db, { ...clock, instanceId: "gone" });
    const ownerless = new PromptTestRepository(t.store.db, clock);
    const a = await live.createRun(newRun(promptId), plan);
    const b = await gone.createRun(newRun(promptId), plan);
    const c = await ownerless.createRun(newRun(promptId), plan);
    // A second process (a CLI command, the stdio MCP server) runs recovery while both are live.
    const second = new PromptTestRepository(t.store.db, { ...clock, instanceId: "second" });
    expect(await second.markInterrupted()).toBe(1);
    expect((await live.getRun(a.id))?.status).toBe("running");
    expect((await live.getRun(b.id))?.status).toBe("running");
    expect((await live.getRun(c.id))?.status).toBe("interrupted");
    // "gone" stops heartbeating; "live" keeps its lease. After the TTL only b is recovered.
    t.advance(TTL / 2);
    await t.store.instances.heartbeat("live", TTL);
    t.advance(TTL / 2 + 1);
    expect(await second.markInterrupted()).toBe(1);
    expect((await live.getRun(a.id))?.status).toBe("running");
    expect((await live.getRun(b.id))?.status).toBe("interrupted");
    // The owner is not part of the run as the API shows it.
    expect(Object.keys((await live.getRun(a.id)) ?? {})).not.toContain("owner_instance");
  });

  it("a resumed run belongs to the instance that resumed it", async () => {
    const clock = { clock: () => t.now() };
    const old = new PromptTestRepository(t.store.db, clock);
    const run = await old.createRun(newRun(promptId), plan);
    expect(await old.markInterrupted()).toBe(1);
    await t.store.instances.register("resumer", TTL);
    const resumer = new PromptTestRepository(t.store.db, { ...clock, instanceId: "resumer" });
    expect(await resumer.claimForResume(run.id)).toBe(true);
    expect(await new PromptTestRepository(t.store.db, clock).markInterrupted()).toBe(0);
    expect((await resumer.getRun(run.id))?.status).toBe("running");
  });

  it("stillOpen names the runs that were neither cancelled, finished nor deleted", async () => {
    const base = { raw_prompt: "Write a haiku", engine: "local", provider: "local", status: "running" as const };
    const [a, b, c] = await Promise.all([
      t.store.optimizations.create(base),
      t.store.optimizations.create(base),
      t.store.optimizations.create(base),
    ]);
    await t.store.optimizations.update(b.id, { status: "cancelled" });
    await t.store.optimizations.delete(c.id);
    expect([...(await t.store.optimizations.stillOpen([a.id, b.id, c.id]))]).toEqual([a.id]);
  });
});
