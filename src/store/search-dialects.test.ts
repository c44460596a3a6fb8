// The same history, searched on SQLite (FTS5) and PostgreSQL (tsvector): the same hits, the same
// totals and the same filter semantics for the same queries. Runs in the postgres test project
// (it needs both databases); the sqlite project leaves it to that one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECT } from "../../test/helpers/dialect.js";
import { completedPatch, openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import type { OptimizationListOptions } from "./optimization-list.js";
import { seedSyntheticHistory } from "./synthetic.js";

const END = new Date("2026-03-01T00:00:00.000Z");

async function populate(t: TempStore): Promise<void> {
  await seedSyntheticHistory(t.store, 800, { seed: 7, end: END });
  // Hand-made records for the cases the synthetic text lacks: tag case, prefixes, a project
  // rename reaching the index, punctuation and operator characters.
  const project = await t.store.projects.create({ name: "Zephyr Launch" });
  const add = async (raw: string, extra: Record<string, unknown> = {}) => {
    t.advance(1000);
    const r = await t.store.optimizations.create({ raw_prompt: raw, engine: "local", provider: "local", ...extra });
    await t.store.optimizations.update(r.id, completedPatch({ score: 8 }));
  };
  await add("Summarize the kubernetes rollout plan", { tags: ["Ops", "URGENT"], title: "Rollout" });
  await add("explain quantum-entanglement to children", { tags: ["science"], project_id: project.id });
  await add("C++ templates: don't over-engineer", { title: "Template advice" });
  await add("NEAR AND OR NOT * ( ) \" ' : ^ - +", { tags: ["operators"] });
  // A private-use character: one word for FTS5, a two-word phrase for PostgreSQL's parser.
  await add("private ab\uE000cd glyph", { title: "Glyph" });
  await add("ab and then cd apart");
  await t.store.projects.update(project.id, { name: "Aurora Launch" });
}

const QUERIES: OptimizationListOptions[] = [
  { search: "kubernetes" },
  { search: "sales report" },
  { search: "typescript function" },
  { search: "Kubern" }, // the last word matches as a prefix
  { search: "k" }, // one letter: no prefix match
  { search: "write", status: "completed" },
  { search: "invoice", task_type: "coding" },
  { search: "legal", strategy: "co-star" },
  { search: "onboarding email", min_score: 7 },
  { search: "report", min_score: 6.5 },
  { search: "marathon", tag: "draft" },
  { tag: "urgent" }, // tag alone, any case
  { tag: "URGENT", search: "rollout" },
  { search: "aurora" }, // the renamed project's name
  { search: "zephyr" }, // the old name is gone from the index
  { search: "entanglement" },
  { search: "don't" },
  { search: '"NEAR" OR * (' }, // operators are words, never syntax
  { search: "!!! ??? ---" }, // no searchable word: no search at all
  { search: "nosuchwordanywhere" },
  { search: "ab\uE000cd" }, // one word with a private-use character inside
];

describe.skipIf(TEST_DIALECT !== "postgres")("history search: SQLite and PostgreSQL agree", () => {
  let sqlite: TempStore;
  let postgres: TempStore;
  beforeAll(async () => {
    sqlite = await openTempStore("2026-03-02T00:00:00.000Z", "sqlite");
    postgres = await openTempStore("2026-03-02T00:00:00.000Z", "postgres");
    await populate(sqlite);
    await populate(postgres);
  }, 120_000);
  afterAll(async () => {
    await sqlite?.cleanup();
    await postgres?.cleanup();
  });

  /** Every hit as (created_at, raw prompt): ids differ between the two seeded stores. */
  async function hits(t: TempStore, q: OptimizationListOptions, sort: "created_at" | "relevance") {
    const out: string[] = [];
    let total = -1;
    for (let page = 1; ; page++) {
      const p = await t.store.optimizations.list({ ...q, sort, per_page: 100, page });
      total = p.total;
      out.push(...p.items.map((r) => `${r.created_at} ${r.raw_prompt}`));
      if (p.items.length < 100) break;
    }
    return { total, out };
  }

  it.each(QUERIES.map((q) => [JSON.stringify(q), q] as const))("%s", async (_name, q) => {
    const a = await hits(sqlite, q, "created_at");
    const b = await hits(postgres, q, "created_at");
    expect(b.total).toBe(a.total);
    expect(b.out).toEqual(a.out);
    expect(a.out.length).toBe(a.total);
    // Ranked paging returns the same set of hits, each once (the order may differ by rank formula).
    const ra = await hits(sqlite, q, "relevance");
    const rb = await hits(postgres, q, "relevance");
    expect(new Set(rb.out).size).toBe(rb.out.length);
    expect([...rb.out].sort()).toEqual([...ra.out].sort());
    expect([...ra.out].sort()).toEqual([...a.out].sort());
  });

  it("finds something for the queries meant to match (the comparison is not vacuous)", async () => {
    for (const q of [
      QUERIES[0],
      QUERIES[3],
      QUERIES[11],
      QUERIES[13],
      QUERIES[15],
      QUERIES[16],
      QUERIES[17],
      QUERIES[20],
    ]) {
      expect((await postgres.store.optimizations.list(q)).total, JSON.stringify(q)).toBeGreaterThan(0);
    }
    expect((await postgres.store.optimizations.list(QUERIES[14])).total).toBe(0);
    expect((await postgres.store.optimizations.list(QUERIES[4])).total).toBe(0);
  });

  it("ranks a title match above a body-only match on both", async () => {
    for (const t of [sqlite, postgres]) {
      const top = await t.store.optimizations.list({ search: "rollout", per_page: 1 });
      expect(top.items[0].title).toBe("Rollout");
    }
  });
});
