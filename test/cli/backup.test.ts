// Backup and restore at size (issue 17 item 7): the README's backup — `promptforge export` to a
// file and `promptforge import FILE` on a fresh data directory — moves thousands of records with
// their projects, prompts and versions, and every link (record → project, record → prompt,
// retry_of) points at a row that exists after the restore. The REST import's body limit does not
// apply (the old README one-liner failed with 413 at ~380 records).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { cliInProcess as cli } from "../helpers/cli-in-process.js";

const RECORDS = 3_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-backup-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const envOf = (dataDir: string) => ({ DATA_DIR: dataDir, LOG_LEVEL: "silent", LLM_PROVIDER: "local" });

describe("promptforge export / import as the backup", () => {
  it(`restores ${RECORDS} records with their projects, prompts, versions and links`, async () => {
    const source = tempDir();
    const app = await createApp(loadConfig(envOf(source)));
    const store = app.deps.store;
    const project = await store.projects.create({ name: "Backed up" });
    const prompt = await store.prompts.add(project.id, { content: "Say hello to {{name}}" });
    await store.prompts.update(prompt.id, { content: "Say hello warmly to {{name}}" });
    const first = await store.optimizations.create({
      raw_prompt: "seed record",
      engine: "local",
      provider: "local",
      project_id: project.id,
      prompt_id: prompt.id,
    });
    for (let i = 1; i < RECORDS; i++) {
      await store.optimizations.create({
        raw_prompt: `record ${i} ${"text ".repeat(40)}`,
        engine: "local",
        provider: "local",
        project_id: i % 2 === 0 ? project.id : null,
        prompt_id: i % 10 === 0 ? prompt.id : null,
        retry_of: i % 7 === 0 ? first.id : null,
      });
    }
    await app.close();

    const file = path.join(tempDir(), "backup.jsonl");
    const out = await cli(["export", "--out", file], envOf(source));
    expect(out.code, out.err).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000); // far over the REST body limit

    const target = tempDir();
    const imported = await cli(["import", file], envOf(target));
    expect(imported.code, imported.err).toBe(0);

    const restored = await createApp(loadConfig(envOf(target)));
    cleanups.push(() => restored.close());
    const db = restored.deps.store.db;
    const count = async (table: "optimization" | "project" | "prompt" | "prompt_version") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count("optimization")).toBe(RECORDS);
    expect(await count("project")).toBe(1);
    expect(await count("prompt")).toBe(1);
    expect(await count("prompt_version")).toBe(1);
    const rows = await db.selectFrom("optimization").select(["id", "project_id", "prompt_id", "retry_of"]).execute();
    const ids = new Set(rows.map((r) => r.id));
    for (const row of rows) {
      if (row.project_id !== null) expect(row.project_id).toBe(project.id);
      if (row.prompt_id !== null) expect(row.prompt_id).toBe(prompt.id);
      if (row.retry_of !== null) expect(ids.has(row.retry_of)).toBe(true);
    }
    const forges = await restored.projects.promptForges(project.id, prompt.id);
    expect(forges.total).toBe(1 + Math.floor((RECORDS - 1) / 10));
  }, 180_000);
});
