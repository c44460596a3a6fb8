import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteDatabase, SQLITE_CACHE_KIB } from "./database.js";

describe("openSqliteDatabase memory settings", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-db-pragmas-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("bounds the page cache at SQLITE_CACHE_KIB and maps no part of the file into memory", async () => {
    const db = openSqliteDatabase({ dataDir: dir });
    try {
      const cache = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db);
      const mmap = await sql<{ mmap_size: number }>`PRAGMA mmap_size`.execute(db);
      expect(cache.rows[0]?.cache_size).toBe(-SQLITE_CACHE_KIB);
      expect(mmap.rows[0]?.mmap_size).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});
