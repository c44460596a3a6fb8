import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_DIALECT } from "../../test/helpers/dialect.js";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import {
  attachReadCache,
  cachingStatements,
  READ_CACHE_BYTES,
  READ_CACHE_ENTRIES,
  readCacheOf,
} from "./sqlite-statements.js";

const base = { engine: "local", provider: "local" } as const;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("cachingStatements", () => {
  let sqlite: Database.Database;
  beforeEach(() => {
    sqlite = new Database(":memory:");
    sqlite.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  });
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  it("prepares each SQL text once and hands back the same statement", () => {
    const db = cachingStatements(sqlite);
    const first = db.prepare("SELECT a FROM t WHERE a > ?");
    expect(first.all([1])).toEqual([{ a: 2 }, { a: 3 }]);
    const again = db.prepare("SELECT a FROM t WHERE a > ?");
    expect(again).toBe(first);
    expect(again.all([2])).toEqual([{ a: 3 }]);
    expect(db.size()).toBe(1);
  });

  it("keeps at most `max` statements, dropping the least recently used", () => {
    const db = cachingStatements(sqlite, 2);
    const a = db.prepare("SELECT 1");
    db.prepare("SELECT 2");
    expect(db.prepare("SELECT 1")).toBe(a); // now the most recent
    db.prepare("SELECT 3"); // evicts SELECT 2
    expect(db.size()).toBe(2);
    expect(db.prepare("SELECT 1")).toBe(a);
  });

  it("gives a fresh statement while the cached one is still being iterated", () => {
    const db = cachingStatements(sqlite);
    const streaming = db.prepare("SELECT a FROM t");
    const rows = streaming.iterate([]);
    rows.next();
    const other = db.prepare("SELECT a FROM t");
    expect(other).not.toBe(streaming);
    expect(other.all([])).toHaveLength(3);
    rows.return?.();
  });

  it("closes the database", () => {
    const db = cachingStatements(sqlite);
    db.prepare("SELECT 1");
    db.close();
    expect(sqlite.open).toBe(false);
  });
});

describe("read cache", () => {
  it("keeps a value while the token is unchanged, within its entry and byte bounds", () => {
    const sqlite = new Database(":memory:");
    try {
      const key = {};
      attachReadCache(key, sqlite);
      const cache = readCacheOf(key);
      if (cache === null) throw new Error("no read cache attached");
      const token = cache.token();
      const value = Buffer.from("[1]");
      cache.set("a", token, value);
      expect(cache.get("a", token)).toBe(value);
      expect(cache.get("a", "another token")).toBeUndefined();
      expect(cache.get("a", token)).toBeUndefined(); // the stale entry was dropped

      for (let i = 0; i <= READ_CACHE_ENTRIES; i++) cache.set(`k${i}`, token, Buffer.from(String(i)));
      expect(cache.get("k0", token)).toBeUndefined();
      expect(cache.get(`k${READ_CACHE_ENTRIES}`, token)).toBeDefined();

      cache.set("huge", token, Buffer.alloc(READ_CACHE_BYTES / 4 + 1));
      expect(cache.get("huge", token)).toBeUndefined();
    } finally {
      sqlite.close();
    }
  });

  it("moves its token on this connection's writes at once and on another connection's commits from the next turn", async () => {
    const file = path.join(os.tmpdir(), `pf-token-${process.pid}-${Date.now()}.db`);
    const a = new Database(file);
    const b = new Database(file);
    try {
      a.pragma("journal_mode = WAL");
      a.exec("CREATE TABLE t (a INTEGER)");
      const key = {};
      attachReadCache(key, a);
      const cache = readCacheOf(key);
      if (cache === null) throw new Error("no read cache attached");
      const t0 = cache.token();
      expect(cache.token()).toBe(t0);
      a.prepare("INSERT INTO t VALUES (1)").run();
      const t1 = cache.token();
      expect(t1).not.toBe(t0);
      b.prepare("UPDATE t SET a = 2").run();
      // Another connection's commit is seen from the next event-loop turn on (one data_version
      // check per turn): reads in this turn share the check made before the commit.
      expect(cache.token()).toBe(t1);
      await new Promise((resolve) => setImmediate(resolve));
      const t2 = cache.token();
      expect(t2).not.toBe(t1);
      // And this connection's own writes move it at once, within the turn.
      a.prepare("INSERT INTO t VALUES (3)").run();
      expect(cache.token()).not.toBe(t2);
    } finally {
      a.close();
      b.close();
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
    }
  });

  it("is absent for a database this store did not open", () => {
    expect(readCacheOf({})).toBeNull();
  });
});

describe("OptimizationRepository.listJson", () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("is the JSON of `list`, byte for byte, with filters and search", async () => {
    for (let i = 0; i < 5; i++) {
      t.advance(1000);
      await t.store.optimizations.create({
        raw_prompt: `Summarize report ${i} — “quarterly”`,
        title: `R${i}`,
        ...base,
      });
    }
    for (const options of [{}, { per_page: 2, page: 2 }, { search: "report" }, { sort: "title" as const }]) {
      const bytes = await t.store.optimizations.listJson(options);
      expect(text(bytes)).toBe(JSON.stringify(await t.store.optimizations.list(options)));
    }
  });

  it.runIf(TEST_DIALECT === "sqlite")(
    "SQLite: serves an unchanged page again, and reads afresh after any write (same timestamp too)",
    async () => {
      const created = await t.store.optimizations.create({ raw_prompt: "Summarize the report", ...base });
      const first = await t.store.optimizations.listJson({});
      expect(await t.store.optimizations.listJson({})).toBe(first);

      // The clock does not move: updated_at stays the same, the content does not.
      await t.store.optimizations.update(created.id, { title: "Renamed" });
      const renamed = JSON.parse(text(await t.store.optimizations.listJson({})));
      expect(renamed.items[0].title).toBe("Renamed");
      expect(renamed.items[0].updated_at).toBe(created.updated_at);

      // Another connection on the same file (the CLI, a second server) commits a change.
      const other = new Database(path.join(t.dataDir, "promptforge.db"));
      try {
        other.prepare("UPDATE optimization SET title = ? WHERE id = ?").run("From elsewhere", created.id);
      } finally {
        other.close();
      }
      // Seen from the next event-loop turn (a request arriving after the commit is handled in one).
      await new Promise((resolve) => setImmediate(resolve));
      const external = JSON.parse(text(await t.store.optimizations.listJson({})));
      expect(external.items[0].title).toBe("From elsewhere");

      await t.store.optimizations.delete(created.id);
      expect(JSON.parse(text(await t.store.optimizations.listJson({})))).toMatchObject({ items: [], total: 0 });
    },
  );
});
