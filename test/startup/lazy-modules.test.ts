// Start-up cost (issue 12: restart after kill -9 < 2 s, start-up to healthy < 1.5 s): modules that
// only some commands need must not be loaded by the CLI that `serve` runs. A child process imports
// the CLI entry (src/cli/main.ts, as `npm start` does through bin/promptforge.js) with a module
// hook that records every ES module loaded, then reports the list. (CommonJS `require` calls do not
// pass through the hook on Node 20, so pg and ioredis, loaded with createRequire, are not checked here.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "pf-lazy-modules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** URLs of every module loaded by importing `entry` (relative to the repository) in a fresh process. */
function modulesLoadedBy(entry: string): string[] {
  const hooks = path.join(dir, "hooks.mjs");
  const log = path.join(dir, "loaded.txt");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\n` +
      `export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`,
  );
  const register = path.join(dir, "register.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, "");
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      pathToFileURL(register).href,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(pathToFileURL(path.join(ROOT, entry)).href)});`,
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 },
  );
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("modules loaded by the CLI before any command runs", () => {
  const loaded = modulesLoadedBy("src/cli/main.ts");

  it("records the CLI's own graph (the hook works)", () => {
    expect(loaded.some((u) => u.endsWith("/src/cli/main.ts"))).toBe(true);
    expect(loaded.some((u) => u.includes("/src/server/serve.ts"))).toBe(true);
    expect(loaded.some((u) => u.includes("/node_modules/kysely/"))).toBe(true);
  });

  it.each([
    ["tinyld (language detector, builds n-gram tables when loaded)", /\/node_modules\/tinyld\//],
    ["the output verifier", /\/src\/core\/verify\//],
    ["yaml (workspace extractor, prompt-test files)", /\/node_modules\/yaml\//],
    ["the prompt-test file reader", /\/src\/core\/prompt-tests\/files\.ts$/],
    ["the MCP SDK (loaded after the API listens)", /\/node_modules\/@modelcontextprotocol\//],
  ])("does not load %s", (_what, pattern) => {
    expect(loaded.filter((u) => pattern.test(u))).toEqual([]);
  });
});
