// A real App on a temporary data directory (real SQLite, or a fresh PostgreSQL database in the
// postgres test project), for use-case and CLI tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { dialectEnv } from "./dialect.js";

export function tempDir(prefix = "pf-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createTempApp(
  env: Record<string, string> = {},
): Promise<{ app: App; dir: string; dispose: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const database = await dialectEnv();
  // LLM_PROVIDER=local: a developer's `claude` on PATH must never be auto-detected in tests.
  const config = loadConfig({ ...database.env, DATA_DIR: dir, LOG_LEVEL: "silent", LLM_PROVIDER: "local", ...env });
  const app = await createApp(config);
  return {
    app,
    dir,
    dispose: async () => {
      await app.close();
      await database.drop();
      cleanup();
    },
  };
}
