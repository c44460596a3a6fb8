import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrationProvider, pendingMigrations } from "./migrations.js";
import { openStore, type Store } from "./store.js";

const dirs: string[] = [];
const stores: Store[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-open-"));
  dirs.push(dir);
  return dir;
}

async function open(options: Parameters<typeof openStore>[0]): Promise<Store> {
  const store = await openStore(options);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("openStore", () => {
  it("creates a missing data directory and the database file in it", async () => {
    const dataDir = path.join(tempDir(), "nested", "data");
    await open({ dataDir });
    expect(fs.existsSync(path.join(dataDir, "promptforge.db"))).toBe(true);
  });

  it("turns on WAL, foreign keys, NORMAL sync and a busy timeout", async () => {
    const store = await open({ dataDir: tempDir() });
    const pragma = async (name: string) => {
      const result = await sql<Record<string, unknown>>`${sql.raw(`PRAGMA ${name}`)}`.execute(store.db);
      return Object.values(result.rows[0])[0];
    };
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("foreign_keys")).toBe(1);
    expect(await pragma("synchronous")).toBe(1);
    expect(await pragma("busy_timeout")).toBe(5000);
  });

  it("migrates once and reopens an existing database without re-running or losing data", async () => {
    const dataDir = tempDir();
    const first = await open({ dataDir, filename: "pf.db" });
    expect(await pendingMigrations(first.db)).toEqual([]);
    const record = await first.optimizations.create({ raw_prompt: "keep me", engine: "local", provider: "local" });
    await first.close();

    const second = await open({ dataDir, filename: "pf.db" });
    expect(await pendingMigrations(second.db)).toEqual([]);
    expect((await second.optimizations.get(record.id))?.raw_prompt).toBe("keep me");
    const migrations = await sql<{ n: number }>`SELECT count(*) AS n FROM kysely_migration`.execute(second.db);
    const known = Object.keys(await migrationProvider("sqlite").getMigrations());
    expect(migrations.rows[0].n).toBe(known.length);
  });

  it("opens read-only: reads work, writes fail, and an unmigrated file is refused", async () => {
    const dataDir = tempDir();
    const writer = await open({ dataDir });
    await writer.settings.set("theme", "dark");
    await writer.close();

    const reader = await open({ dataDir, readonly: true });
    expect(await reader.settings.get("theme")).toBe("dark");
    await expect(reader.settings.set("theme", "light")).rejects.toThrow(/readonly/i);

    const emptyDir = tempDir();
    fs.writeFileSync(path.join(emptyDir, "promptforge.db"), "");
    await expect(openStore({ dataDir: emptyDir, readonly: true })).rejects.toThrow();
  });

  it("keeps settings as text values with upsert and delete", async () => {
    const store = await open({ dataDir: tempDir() });
    expect(await store.settings.get("missing")).toBeNull();
    await store.settings.set("engine", "local");
    await store.settings.set("engine", "anthropic");
    expect(await store.settings.get("engine")).toBe("anthropic");
    expect(await store.settings.all()).toEqual({ engine: "anthropic" });
    expect(await store.settings.delete("engine")).toBe(true);
    expect(await store.settings.delete("engine")).toBe(false);
  });
});
