// `npm run bench`: every measurement as one JSON line (name, value, unit, budget where one exists).
// Select groups with BENCH=local,constraints,search,injection,http,httpfloor,providers,soak,web,verify,scale,mcp
// (default: all).
import { runHistorySearchBench } from "./history-search.js";
import { runLocalEngineBench } from "./local-engine.js";
import { emit, type Figure } from "./stats.js";

type Group = { name: string; run: () => Promise<Figure[]> };

const groups: Group[] = [
  { name: "local", run: runLocalEngineBench },
  { name: "search", run: () => runHistorySearchBench() },
  { name: "constraints", run: async () => (await import("./constraints.js")).runConstraintBench() },
  {
    name: "injection",
    run: async () => (await import("./injection.js")).runInjectionBench() as Figure[],
  },
  { name: "http", run: async () => (await import("./http.js")).benchTimeToFirstEvent() },
  { name: "http", run: async () => (await import("./http.js")).benchThroughput() },
  { name: "http", run: async () => (await import("./http.js")).benchHistorySearch() },
  { name: "http", run: async () => (await import("./http.js")).benchStartup() },
  { name: "httpfloor", run: async () => (await import("./http-floor.js")).benchHttpFloor() },
  { name: "providers", run: async () => (await import("./providers.js")).runProviderBench() as Promise<Figure[]> },
  { name: "soak", run: async () => (await import("./soak.js")).benchLoad() },
  { name: "soak", run: async () => (await import("./soak.js")).benchMcpLoad() },
  { name: "soak", run: async () => (await import("./soak.js")).benchSoak() },
  { name: "soak", run: async () => (await import("./soak.js")).benchRestartAfterKill() },
  { name: "web", run: async () => (await import("./web.js")).runWebBench() },
  { name: "verify", run: async () => (await import("./verify.js")).runVerifyBench() },
  { name: "scale", run: async () => (await import("./scale.js")).runScaleBench() },
  { name: "verify", run: async () => (await import("./verify.js")).runPromptTestOverheadBench() },
  { name: "mcp", run: async () => (await import("./mcp.js")).runMcpBench() },
];

const selected = (process.env.BENCH ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
let failed = false;
// autocannon's worker thread does not hold this event loop open; without a handle of our own the
// process can end (exit code 13) while a load run is still in flight.
const keepAlive = setInterval(() => {}, 1_000);
for (const group of groups) {
  if (selected.length > 0 && !selected.includes(group.name)) continue;
  try {
    process.stderr.write(`bench: ${group.name}…\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("did not finish within 10 minutes")), 600_000);
    });
    const figures = await Promise.race([group.run(), timeout]).finally(() => clearTimeout(timer));
    for (const figure of figures) emit(figure);
  } catch (error) {
    failed = true;
    emit({ name: `${group.name}.error`, value: 1, unit: "error", message: String((error as Error)?.message ?? error) });
  }
}
clearInterval(keepAlive);
process.exitCode = failed ? 1 : 0;
