// Processes starting together on a new SQLite file: Kysely migrates SQLite outside a transaction,
// so without the dialect's lock (BEGIN IMMEDIATE around the whole run) a second process read
// "nothing migrated yet" too and died on `table … already exists`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { TSX_IMPORT } from "../../test/helpers/tsx.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A process that loads the store, waits for the common start instant, then opens (migrates) it. */
function openAt(dataDir: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { openStore } = await import(${JSON.stringify(path.join(root, "src/store/store.ts"))});
    while (Date.now() < ${startAt}) await new Promise((r) => setTimeout(r, 1));
    const store = await openStore({ dataDir: ${JSON.stringify(dataDir)} });
    await store.close();
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX_IMPORT, "--input-type=module", "-e", script], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

// SQLite only: the postgres project (PF_TEST_DIALECT) covers the advisory lock elsewhere.
describe.skipIf(process.env.PF_TEST_DIALECT === "postgres")("SQLite migration lock", () => {
  it("three processes opening a new database at the same instant all succeed, migrated once", async () => {
    for (let round = 0; round < 2; round++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-migrate-race-"));
      dirs.push(dataDir);
      // Far enough ahead for every process to have loaded its modules (tsx compiles on the fly).
      const startAt = Date.now() + 6_000;
      const results = await Promise.all([0, 1, 2].map(() => openAt(dataDir, startAt)));
      for (const result of results) {
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
      }
      const db = new Database(path.join(dataDir, "promptforge.db"), { readonly: true });
      const names = db.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as { name: string }[];
      db.close();
      expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
      expect(names.length).toBeGreaterThanOrEqual(5);
    }
  }, 90_000);
});
