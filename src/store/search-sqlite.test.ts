import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { RANK_WINDOW, toFtsQuery } from "./search-sqlite.js";
import { seedSyntheticHistory } from "./synthetic.js";

describe("toFtsQuery", () => {
  it("quotes every word as a phrase and prefix-matches the last", () => {
    expect(toFtsQuery("react hooks")).toBe('{body title labels} : ("react" "hooks"*)');
  });

  it("drops operators, quotes and parens instead of passing them to FTS5", () => {
    expect(toFtsQuery('NEAR("a" b) OR -c* AND (d')).toBe('{body title labels} : ("NEAR" "a" "b" "OR" "c" "AND" "d")');
    expect(toFtsQuery('"*()-^:{}')).toBeNull();
    expect(toFtsQuery("   ")).toBeNull();
  });

  it("does not prefix-match a single character (too many terms to expand)", () => {
    expect(toFtsQuery("plan a")).toContain('"plan" "a")');
  });
});

describe("history search over a real index", () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await openTempStore();
    await seedSyntheticHistory(t.store, RANK_WINDOW + 500, { end: new Date("2026-01-01T00:00:00Z") });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("never throws, whatever the user types", async () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom('"', '""', "*", "-", "NEAR(", "NEAR/2", "(", ")", "a OR", "^x", "col:x", "{x}", "\u0301", "\0"),
      fc
        .array(fc.constantFrom('"', "*", "-", "NEAR", "(", ")", "AND", "OR", "NOT", ":", "^", "kube", "é"), {
          maxLength: 12,
        })
        .map((parts) => parts.join(" ")),
    );
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.option(fc.constantFrom("sql", "Mar keting", '"'), { nil: undefined }),
        async (text, tag) => {
          const page = await t.store.optimizations.list({ search: text, tag, per_page: 5 });
          expect(page.items.length).toBeLessThanOrEqual(5);
          expect(page.total).toBeGreaterThanOrEqual(page.items.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("counts filtered matches exactly, agreeing with a row-by-row check", async () => {
    const all: { raw: string; status: string; score: number | null; tags: string[]; task: string | undefined }[] = [];
    for await (const r of t.store.optimizations.exportAll()) {
      all.push({
        raw: r.raw_prompt.toLowerCase(),
        status: r.status,
        score: r.validation?.overall ?? null,
        tags: r.tags,
        task: r.analysis?.task_type,
      });
    }
    const hasWord = (raw: string, word: string) => new RegExp(`\\b${word}\\b`).test(raw);
    const cases = [
      { options: { search: "kubernetes" }, expect: (r: (typeof all)[0]) => hasWord(r.raw, "kubernetes") },
      {
        options: { search: "kubernetes", status: "completed" as const },
        expect: (r: (typeof all)[0]) => hasWord(r.raw, "kubernetes") && r.status === "completed",
      },
      {
        options: { search: "kubernetes", min_score: 7.3 },
        expect: (r: (typeof all)[0]) => hasWord(r.raw, "kubernetes") && r.score !== null && r.score >= 7.3,
      },
      {
        options: { tag: "sql", min_score: 8 },
        expect: (r: (typeof all)[0]) => r.tags.includes("sql") && (r.score ?? 0) >= 8,
      },
      {
        options: { tag: "SQL", task_type: "coding" },
        expect: (r: (typeof all)[0]) => r.tags.includes("sql") && r.task === "coding",
      },
    ];
    for (const c of cases) {
      const page = await t.store.optimizations.list({ ...c.options, per_page: 100 });
      expect(page.total, JSON.stringify(c.options)).toBe(all.filter(c.expect).length);
    }
  });

  it("pages through every match exactly once, past the ranking window", async () => {
    const first = await t.store.optimizations.list({ search: "for", per_page: 100 });
    expect(first.total).toBeGreaterThan(RANK_WINDOW);
    const seen = new Set<string>();
    const pages = Math.ceil(first.total / 100);
    for (let page = 1; page <= pages; page++) {
      const { items } = await t.store.optimizations.list({ search: "for", per_page: 100, page });
      for (const item of items) seen.add(item.id);
    }
    expect(seen.size).toBe(first.total);
  });

  it("pages straddling the ranking window with an odd page size stay consistent", async () => {
    const per_page = 7;
    const page = Math.floor(RANK_WINDOW / per_page) + 1; // starts before the window ends, ends after
    const a = await t.store.optimizations.list({ search: "for", per_page, page: page - 1 });
    const b = await t.store.optimizations.list({ search: "for", per_page, page });
    const c = await t.store.optimizations.list({ search: "for", per_page, page: page + 1 });
    const ids = [...a.items, ...b.items, ...c.items].map((r) => r.id);
    expect(ids).toHaveLength(per_page * 3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("rebuilds the index from the table", async () => {
    const before = await t.store.optimizations.list({ search: "kubernetes", status: "completed" });
    await t.store.search.rebuild(t.store.db);
    const after = await t.store.optimizations.list({ search: "kubernetes", status: "completed" });
    expect(after.total).toBe(before.total);
    expect(after.items.map((r) => r.id)).toEqual(before.items.map((r) => r.id));
  });
});
