// History search at 100 000 records through the store's one search function.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, seedSyntheticHistory } from "../src/store/index.js";
import { type Figure, round, summarize } from "./stats.js";

const QUERIES = [
  "kubernetes",
  "sales report",
  "python decorators",
  "customer churn",
  "write",
  "legal contract clause",
  "marathon",
  "typescript function",
  "renewable energy executives",
  "graph",
  "sourdough",
  "json",
  "onboarding email",
  "jazz history",
  "invoice",
];

export async function runHistorySearchBench(records = 100_000): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pf-bench-search-"));
  const store = await openStore({ dataDir: dir });
  try {
    const seedStart = performance.now();
    await seedSyntheticHistory(store, records);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    for (const q of QUERIES.slice(0, 3)) await store.optimizations.list({ search: q, per_page: 20 });
    const samples: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (const q of QUERIES) {
        const start = performance.now();
        await store.optimizations.list({ search: q, per_page: 20, sort: "relevance" });
        samples.push(performance.now() - start);
      }
    }
    const s = summarize(samples);
    return [
      { name: "history.seed_100k", value: round(seedSeconds, 2), unit: "s", records },
      {
        name: "history.search_100k.p95",
        value: round(s.p95),
        unit: "ms",
        budget: "< 50",
        within_budget: s.p95 < 50,
        records,
        queries: s.count,
        median: round(s.median),
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
