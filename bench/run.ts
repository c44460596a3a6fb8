// `npm run bench`: every measurement as one JSON line (name, value, unit, budget where one exists).
// Select groups with BENCH=local,search,injection,http,providers (default: all).
import { runHistorySearchBench } from "./history-search.js";
import { runLocalEngineBench } from "./local-engine.js";
import { emit, type Figure } from "./stats.js";

type Group = { name: string; run: () => Promise<Figure[]> };

const groups: Group[] = [
  { name: "local", run: runLocalEngineBench },
  { name: "search", run: () => runHistorySearchBench() },
  {
    name: "injection",
    run: async () => (await import("./injection.js")).runInjectionBench() as Figure[],
  },
  { name: "http", run: async () => (await import("./http.js")).runHttpBench() as Promise<Figure[]> },
  { name: "providers", run: async () => (await import("./providers.js")).runProviderBench() as Promise<Figure[]> },
];

const selected = (process.env.BENCH ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
let failed = false;
for (const group of groups) {
  if (selected.length > 0 && !selected.includes(group.name)) continue;
  try {
    for (const figure of await group.run()) emit(figure);
  } catch (error) {
    failed = true;
    emit({ name: `${group.name}.error`, value: 1, unit: "error", message: String((error as Error)?.message ?? error) });
  }
}
process.exitCode = failed ? 1 : 0;
