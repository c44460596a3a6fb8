import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completedPatch, openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import type { OptimizationRecord } from "../core/records.js";
import { isStoreError } from "./errors.js";
import { openStore } from "./store.js";

let t: TempStore;
beforeEach(async () => {
  t = await openTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

const base = { engine: "local", provider: "local" } as const;

async function add(raw: string, extra: Partial<Parameters<typeof t.store.optimizations.create>[0]> = {}) {
  t.advance(1000);
  return t.store.optimizations.create({ raw_prompt: raw, ...base, ...extra });
}

describe("OptimizationRepository: create and get", () => {
  it("creates a pending record with defaults and reads it back identically", async () => {
    const created = await add("Summarize this report", { title: "Report", tags: ["Work", "q3"] });
    expect(created).toMatchObject({
      status: "pending",
      title: "Report",
      tags: ["Work", "q3"],
      optimized_prompt: null,
      changes_made: [],
      warnings: [],
      iterations: 0,
      created_at: "2026-01-01T00:00:01.000Z",
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.store.optimizations.get(created.id)).toEqual(created);
    expect(await t.store.optimizations.get("missing")).toBeNull();
  });

  it("refuses to create a record in a final status", async () => {
    await expect(
      t.store.optimizations.create({ raw_prompt: "x", ...base, status: "completed" as never }),
    ).rejects.toSatisfy((e) => isStoreError(e, "validation_error"));
  });

  it("round-trips every nested field of a completed record", async () => {
    const created = await add("Write tests", { status: "running", codebase_context: { language: "TypeScript" } });
    const { record, applied } = await t.store.optimizations.update(created.id, {
      ...completedPatch({ score: 8 }),
      warnings: [{ code: "PF-X", message: "careful" }],
      notes: "ok",
      iterations: 2,
    });
    expect(applied).toBe(true);
    expect(record.validation?.overall).toBe(8);
    expect(record.strategy?.strategy).toBe("co-star");
    expect(record.analysis?.task_type).toBe("coding");
    expect(record.token_usage).toEqual({ input_tokens: 10, output_tokens: 20 });
    expect(record.codebase_context).toEqual({ language: "TypeScript" });
    expect(record.warnings).toEqual([{ code: "PF-X", message: "careful" }]);
    expect(await t.store.optimizations.get(created.id)).toEqual(record);
  });
});

describe("OptimizationRepository: update guard", () => {
  it("never lets a late completion overwrite a cancellation", async () => {
    const created = await add("long job", { status: "running" });
    const cancel = await t.store.optimizations.update(created.id, { status: "cancelled" });
    expect(cancel.applied).toBe(true);

    const late = await t.store.optimizations.update(created.id, completedPatch());
    expect(late.applied).toBe(false);
    expect(late.record.status).toBe("cancelled");
    expect(late.record.optimized_prompt).toBeNull();
  });

  it("leaves completed and error records alone unless explicitly allowed", async () => {
    const done = await add("done");
    await t.store.optimizations.update(done.id, completedPatch());
    expect((await t.store.optimizations.update(done.id, { title: "renamed" })).applied).toBe(false);
    const forced = await t.store.optimizations.update(done.id, { title: "renamed" }, { allowFinal: true });
    expect(forced.applied).toBe(true);
    expect(forced.record.title).toBe("renamed");
    expect(forced.record.status).toBe("completed");
  });

  it("throws not_found for an unknown id", async () => {
    await expect(t.store.optimizations.update("nope", { title: "x" })).rejects.toSatisfy((e) =>
      isStoreError(e, "not_found"),
    );
  });

  it("stamps updated_at from the injected clock", async () => {
    const created = await add("tick");
    t.advance(60_000);
    const { record } = await t.store.optimizations.update(created.id, { status: "running" });
    expect(record.updated_at).toBe("2026-01-01T00:01:01.000Z");
    expect(record.created_at).toBe(created.created_at);
  });
});

describe("OptimizationRepository: list", () => {
  async function seed(): Promise<OptimizationRecord[]> {
    const specs = [
      { raw: "Explain kubernetes pods", score: 9, task: "coding", strategy: "co-star", tags: ["infra"], title: "Pods" },
      {
        raw: "Write a poem about autumn",
        score: 6,
        task: "creative",
        strategy: "risen",
        tags: ["fun", "Poetry"],
        title: "Autumn",
      },
      {
        raw: "Summarize kubernetes release notes",
        score: 7.5,
        task: "writing",
        strategy: "co-star",
        tags: ["infra", "docs"],
        title: "Notes",
      },
      {
        raw: "Classify support tickets",
        score: 4,
        task: "classification",
        strategy: "structured-output",
        tags: [],
        title: null,
      },
    ] as const;
    const out: OptimizationRecord[] = [];
    for (const s of specs) {
      const r = await add(s.raw, { title: s.title, tags: [...s.tags] });
      out.push(
        (
          await t.store.optimizations.update(
            r.id,
            completedPatch({ score: s.score, task_type: s.task, strategy: s.strategy }),
          )
        ).record,
      );
    }
    out.push(await add("Still waiting on kubernetes", { title: "Pending one" }));
    return out;
  }

  it("pages newest first with a total", async () => {
    const all = await seed();
    const first = await t.store.optimizations.list({ per_page: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((r) => r.id)).toEqual([all[4].id, all[3].id]);
    const third = await t.store.optimizations.list({ per_page: 2, page: 3 });
    expect(third.items.map((r) => r.id)).toEqual([all[0].id]);
    const oldest = await t.store.optimizations.list({ sort: "created_at", order: "asc", per_page: 1 });
    expect(oldest.items[0].id).toBe(all[0].id);
  });

  it("rejects out-of-range paging", async () => {
    for (const bad of [{ per_page: 0 }, { per_page: 101 }, { page: 0 }, { page: 1.5 }]) {
      await expect(t.store.optimizations.list(bad)).rejects.toSatisfy((e) => isStoreError(e, "validation_error"));
    }
  });

  it("filters by status, task type, strategy, tag, min score and project", async () => {
    const all = await seed();
    const ids = async (o: Parameters<typeof t.store.optimizations.list>[0]) => {
      const page = await t.store.optimizations.list(o);
      expect(page.total).toBe(page.items.length);
      return page.items.map((r) => r.title);
    };
    expect(await ids({ status: "pending" })).toEqual(["Pending one"]);
    expect(await ids({ task_type: "creative" })).toEqual(["Autumn"]);
    expect(await ids({ strategy: "co-star" })).toEqual(["Notes", "Pods"]);
    expect(await ids({ tag: "INFRA " })).toEqual(["Notes", "Pods"]);
    expect(await ids({ tag: "poetry" })).toEqual(["Autumn"]);
    expect(await ids({ tag: "nope" })).toEqual([]);
    expect(await ids({ min_score: 7.5 })).toEqual(["Notes", "Pods"]);
    expect(await ids({ min_score: 7 })).toEqual(["Notes", "Pods"]);
    expect(await ids({ min_score: 7.6 })).toEqual(["Pods"]);
    expect(await ids({ tag: "infra", min_score: 8 })).toEqual(["Pods"]);

    const project = await t.store.projects.create({ name: "Infra" });
    await t.store.optimizations.update(all[1].id, { project_id: project.id }, { allowFinal: true });
    expect(await ids({ project_id: project.id })).toEqual(["Autumn"]);
  });

  it("filters by retry_of exactly, alone and with search, facets, tag and every sort", async () => {
    const all = await seed();
    const pods = all[0];
    const retry = async (strategy: "risen" | "step-by-step", score: number, tags: string[] = []) => {
      const r = await add(pods.raw_prompt, { title: null, tags, retry_of: pods.id });
      return (await t.store.optimizations.update(r.id, completedPatch({ score, task_type: "coding", strategy })))
        .record;
    };
    const first = await retry("risen", 5);
    const second = await retry("step-by-step", 8, ["infra"]);
    const running = await add(pods.raw_prompt, { retry_of: pods.id, status: "running" });
    // A retry of another record, with the same words, must not count.
    const other = await add(pods.raw_prompt, { retry_of: all[2].id });
    const list = async (o: Parameters<typeof t.store.optimizations.list>[0]) => {
      const page = await t.store.optimizations.list(o);
      return { total: page.total, ids: page.items.map((r) => r.id) };
    };

    expect(await list({ retry_of: pods.id })).toEqual({ total: 3, ids: [running.id, second.id, first.id] });
    expect(await list({ retry_of: all[2].id })).toEqual({ total: 1, ids: [other.id] });
    expect(await list({ retry_of: "no-such-id" })).toEqual({ total: 0, ids: [] });
    expect(await list({ retry_of: pods.id, status: "completed" })).toEqual({
      total: 2,
      ids: [second.id, first.id],
    });
    // The search path: ranked, re-sorted, with facets the index enforces exactly, and a tag.
    const searched = await list({ retry_of: pods.id, search: "kubernetes" });
    expect(searched.total).toBe(3);
    expect(searched.ids.sort()).toEqual([first.id, second.id, running.id].sort());
    expect(await list({ retry_of: pods.id, search: "kubernetes", status: "completed", sort: "created_at" })).toEqual({
      total: 2,
      ids: [second.id, first.id],
    });
    expect(await list({ retry_of: pods.id, search: "pods", sort: "overall_score" })).toEqual({
      total: 3,
      ids: [second.id, first.id, running.id],
    });
    expect(await list({ retry_of: pods.id, search: "kube", strategy: "risen" })).toEqual({
      total: 1,
      ids: [first.id],
    });
    expect(await list({ retry_of: pods.id, tag: "infra" })).toEqual({ total: 1, ids: [second.id] });
    expect(await list({ retry_of: pods.id, search: "autumn" })).toEqual({ total: 0, ids: [] });
    expect(await list({ retry_of: "no-such-id", search: "kubernetes", status: "completed" })).toEqual({
      total: 0,
      ids: [],
    });
    // Paging keeps the total.
    expect(await list({ retry_of: pods.id, search: "kubernetes", per_page: 2, page: 2 })).toMatchObject({ total: 3 });
    expect((await list({ retry_of: pods.id, search: "kubernetes", per_page: 2, page: 2 })).ids).toHaveLength(1);
  });

  it("sorts by score and title with missing values last", async () => {
    await seed();
    const byScore = await t.store.optimizations.list({ sort: "overall_score" });
    expect(byScore.items.map((r) => r.validation?.overall ?? null)).toEqual([9, 7.5, 6, 4, null]);
    const byScoreAsc = await t.store.optimizations.list({ sort: "overall_score", order: "asc" });
    expect(byScoreAsc.items.map((r) => r.validation?.overall ?? null)).toEqual([4, 6, 7.5, 9, null]);
    const byTitle = await t.store.optimizations.list({ sort: "title" });
    expect(byTitle.items.map((r) => r.title)).toEqual(["Autumn", "Notes", "Pending one", "Pods", null]);
  });

  it("searches raw prompt, optimized prompt, title, tags and project name, ranked", async () => {
    const all = await seed();
    const search = async (text: string, extra = {}) =>
      (await t.store.optimizations.list({ search: text, ...extra })).items.map((r) => r.title);
    expect((await search("kubernetes")).sort()).toEqual(["Notes", "Pending one", "Pods"]);
    expect(await search("kubernetes", { status: "completed", sort: "created_at" })).toEqual(["Notes", "Pods"]);
    expect(await search("autumn")).toEqual(["Autumn"]);
    expect(await search("poetry")).toEqual(["Autumn"]); // tag
    expect(await search("expert")).toHaveLength(4); // optimized prompt
    expect(await search("kube")).toHaveLength(3); // prefix on the last word
    expect(await search("pods kube")).toEqual(["Pods"]);

    const project = await t.store.projects.create({ name: "Galaxy Brain" });
    await t.store.optimizations.update(all[3].id, { project_id: project.id }, { allowFinal: true });
    expect(await search("galaxy")).toEqual([null]);

    // A title hit outranks a body hit.
    const titled = await add("something unrelated", { title: "Zebra crossing" });
    await add("a zebra in the body text only");
    const ranked = await t.store.optimizations.list({ search: "zebra" });
    expect(ranked.items[0].id).toBe(titled.id);
    expect(ranked.total).toBe(2);
  });

  it("treats text without a searchable word as no search", async () => {
    await seed();
    const page = await t.store.optimizations.list({ search: '"*()' });
    expect(page.total).toBe(5);
  });

  it("keeps the index in sync on update, delete, project rename", async () => {
    const r = await add("alpha beta");
    expect((await t.store.optimizations.list({ search: "alpha" })).total).toBe(1);
    await t.store.optimizations.update(r.id, { raw_prompt: "gamma delta" });
    expect((await t.store.optimizations.list({ search: "alpha" })).total).toBe(0);
    expect((await t.store.optimizations.list({ search: "gamma" })).total).toBe(1);

    const project = await t.store.projects.create({ name: "Orion" });
    await t.store.optimizations.update(r.id, { project_id: project.id });
    expect((await t.store.optimizations.list({ search: "orion" })).total).toBe(1);
    await t.store.projects.update(project.id, { name: "Lyra" });
    expect((await t.store.optimizations.list({ search: "orion" })).total).toBe(0);
    expect((await t.store.optimizations.list({ search: "lyra" })).total).toBe(1);

    // Facets follow status changes too.
    expect((await t.store.optimizations.list({ search: "gamma", status: "pending" })).total).toBe(1);
    await t.store.optimizations.update(r.id, { status: "cancelled" });
    expect((await t.store.optimizations.list({ search: "gamma", status: "pending" })).total).toBe(0);
    expect((await t.store.optimizations.list({ search: "gamma", status: "cancelled" })).total).toBe(1);

    expect(await t.store.optimizations.delete(r.id)).toBe(true);
    expect((await t.store.optimizations.list({ search: "gamma" })).total).toBe(0);
    expect(await t.store.optimizations.delete(r.id)).toBe(false);
  });
});

describe("OptimizationRepository: bulk operations", () => {
  it("bulk-deletes the given ids and counts only real deletions", async () => {
    const a = await add("one");
    const b = await add("two");
    await add("three");
    expect(await t.store.optimizations.bulkDelete([a.id, b.id, b.id, "missing"])).toBe(2);
    expect((await t.store.optimizations.list()).total).toBe(1);
    expect(await t.store.optimizations.deleteAll()).toBe(1);
    expect((await t.store.optimizations.list({ search: "three" })).total).toBe(0);
  });

  it("marks records left pending or running as interrupted errors", async () => {
    const pending = await add("p");
    const running = await add("r", { status: "running" });
    const done = await add("d");
    await t.store.optimizations.update(done.id, completedPatch());
    expect(await t.store.optimizations.markInterrupted()).toBe(2);
    for (const id of [pending.id, running.id]) {
      expect(await t.store.optimizations.get(id)).toMatchObject({ status: "error", error_message: "interrupted" });
    }
    expect((await t.store.optimizations.get(done.id))?.status).toBe("completed");
    expect((await t.store.optimizations.list({ status: "error", search: "p" })).total).toBe(1);
    expect(await t.store.optimizations.markInterrupted()).toBe(0);
  });

  it("finds a duplicate title case-insensitively within one project", async () => {
    const project = await t.store.projects.create({ name: "P" });
    const inProject = await add("x", { title: "Weekly Report", project_id: project.id });
    await add("y", { title: "Loose" });
    expect((await t.store.optimizations.findTitle({ title: "  weekly report ", project_id: project.id }))?.id).toBe(
      inProject.id,
    );
    expect(await t.store.optimizations.findTitle({ title: "weekly report" })).toBeNull();
    expect(await t.store.optimizations.findTitle({ title: "LOOSE" })).not.toBeNull();
  });

  it("exports in created order and imports into a fresh store idempotently", async () => {
    const first = await add("first");
    await t.store.optimizations.update(first.id, completedPatch());
    await add("second", { status: "running", tags: ["x"] });
    await add("third");
    const exported: OptimizationRecord[] = [];
    for await (const r of t.store.optimizations.exportAll(2)) exported.push(r);
    expect(exported.map((r) => r.raw_prompt)).toEqual(["first", "second", "third"]);

    const fresh = await openTempStore();
    try {
      expect(await fresh.store.optimizations.importRecords(exported)).toEqual({ inserted: 3, skipped: 0 });
      expect(await fresh.store.optimizations.importRecords(exported)).toEqual({ inserted: 0, skipped: 3 });
      const imported = await fresh.store.optimizations.get(first.id);
      expect(imported).toEqual(exported[0]);
      // A record that was still running cannot resume in another process.
      expect((await fresh.store.optimizations.get(exported[1].id))?.status).toBe("error");
      expect((await fresh.store.optimizations.list({ search: "second", tag: "x" })).total).toBe(1);
      await expect(
        fresh.store.optimizations.importRecords([{ ...exported[0], id: "new", status: "weird" } as never]),
      ).rejects.toSatisfy((e) => isStoreError(e, "validation_error"));
    } finally {
      await fresh.cleanup();
    }
  });

  it("reports stats: totals, averages, breakdowns and score distribution", async () => {
    const mk = async (score: number, strategy: "co-star" | "risen", task: "coding" | "writing", improved = true) => {
      const r = await add(`p${score}`);
      const patch = completedPatch({ score, original: 5, strategy, task_type: task });
      if (!improved && patch.validation) patch.validation = { ...patch.validation, is_improvement: false };
      await t.store.optimizations.update(r.id, patch);
    };
    await mk(9, "co-star", "coding");
    await mk(7, "co-star", "writing", false);
    await mk(10, "risen", "coding");
    await add("pending");
    const stats = await t.store.optimizations.stats();
    expect(stats.total).toBe(4);
    expect(stats.by_status).toEqual({ pending: 1, running: 0, completed: 3, error: 0, cancelled: 0 });
    expect(stats.avg_overall).toBe(8.7);
    expect(stats.avg_improvement).toBe(3.7);
    expect(stats.improvement_rate).toBe(0.667);
    expect(stats.by_strategy).toEqual({
      "co-star": { count: 2, avg_overall: 8, improvement_rate: 0.5 },
      risen: { count: 1, avg_overall: 10, improvement_rate: 1 },
    });
    expect(stats.by_task_type.coding).toEqual({ count: 2, avg_overall: 9.5, improvement_rate: 1 });
    expect(stats.by_strategy_task_type).toEqual({
      "co-star": {
        coding: { count: 1, avg_overall: 9, improvement_rate: 1 },
        writing: { count: 1, avg_overall: 7, improvement_rate: 0 },
      },
      risen: { coding: { count: 1, avg_overall: 10, improvement_rate: 1 } },
    });
    expect(stats.score_distribution["9-10"]).toBe(2);
    expect(stats.score_distribution["7-8"]).toBe(1);
    expect(stats.score_distribution["1-2"]).toBe(0);
  });
});

describe("OptimizationRepository: persistence", () => {
  it("keeps records and the search index across a reopen", async () => {
    const r = await add("persisted words here");
    await t.store.close();
    const reopened = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    try {
      expect((await reopened.optimizations.get(r.id))?.raw_prompt).toBe("persisted words here");
      expect((await reopened.optimizations.list({ search: "persisted" })).total).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
