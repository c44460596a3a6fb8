// PostgreSQL only: history search matches through the narrow table of migration 006
// (`optimization_search`), so that table must follow every write path — create, a text update,
// a project rename, import, delete, delete-all — and an upgraded database must find the records
// written before the migration. (search-dialects.test.ts compares the hits with SQLite.)
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { TEST_DIALECT } from "../../test/helpers/dialect.js";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { migrateToLatest, migrationProvider } from "./migrations.js";
import { openStore } from "./store.js";

describe.skipIf(TEST_DIALECT !== "postgres")("PostgreSQL search table", () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const ids = async (search: string) => (await t.store.optimizations.list({ search })).items.map((r) => r.id).sort();
  const entries = async () =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM optimization_search`.execute(t.store.db)).rows[0].n);
  /** The row version of an entry: unchanged when a write left the entry alone. */
  const version = async (id: string) =>
    (
      await sql<{ v: string }>`SELECT s.xmin::text AS v FROM optimization_search AS s
        JOIN optimization AS o ON o.seq = s.seq WHERE o.id = ${id}`.execute(t.store.db)
    ).rows[0]?.v;

  it("follows create, text updates, project renames, delete and delete-all", async () => {
    const project = await t.store.projects.create({ name: "Foxtrot" });
    const a = await t.store.optimizations.create({
      raw_prompt: "alpha bravo",
      title: "Charlie",
      engine: "local",
      provider: "local",
    });
    const b = await t.store.optimizations.create({
      raw_prompt: "delta bravo",
      project_id: project.id,
      engine: "local",
      provider: "local",
    });
    expect(await entries()).toBe(2);
    expect(await ids("bravo")).toEqual([a.id, b.id].sort());
    expect(await ids("charlie")).toEqual([a.id]);

    // An update that changes nothing the entry holds leaves it alone; a status change (a filter
    // column) and a title change replace it.
    const before = await version(a.id);
    await t.store.optimizations.update(a.id, { title: "Charlie" });
    expect(await version(a.id)).toBe(before);
    await t.store.optimizations.update(a.id, { status: "running" });
    expect(await version(a.id)).not.toBe(before);
    expect((await t.store.optimizations.list({ search: "bravo", status: "running" })).items.map((r) => r.id)).toEqual([
      a.id,
    ]);
    await t.store.optimizations.update(a.id, { title: "Echo", tags: ["Hotel"] });
    expect(await version(a.id)).not.toBe(before);
    expect(await ids("charlie")).toEqual([]);
    expect(await ids("echo")).toEqual([a.id]);
    expect(await ids("hotel")).toEqual([a.id]);

    await t.store.projects.update(project.id, { name: "Golf" });
    expect(await ids("golf")).toEqual([b.id]);
    expect(await ids("foxtrot")).toEqual([]);

    expect(await t.store.optimizations.delete(a.id)).toBe(true);
    expect(await entries()).toBe(1);
    expect(await ids("bravo")).toEqual([b.id]);
    await t.store.optimizations.deleteAll();
    expect(await entries()).toBe(0);
    expect(await ids("bravo")).toEqual([]);
  });

  it("indexes imported records", async () => {
    const source = await t.store.optimizations.create({
      raw_prompt: "india juliett",
      engine: "local",
      provider: "local",
    });
    const record = (await t.store.optimizations.get(source.id))!;
    await t.store.optimizations.deleteAll();
    const outcome = await t.store.optimizations.importRecords([record]);
    expect(outcome.inserted).toBe(1);
    expect(await entries()).toBe(1);
    expect(await ids("juliett")).toEqual([record.id]);
  });
});

describe.skipIf(TEST_DIALECT !== "postgres")("migration 006 on PostgreSQL", () => {
  it("fills the search table from the rows written before it and drops the wide index", async () => {
    const admin = new URL(inject("pgAdminUrl"));
    const name = `pf_m006_${process.pid}_${Date.now()}`;
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) }),
    });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider("postgres") });
      const to005 = await migrator.migrateTo("005_run_owners");
      expect(to005.error).toBeUndefined();
      await sql`INSERT INTO optimization (id, status, created_at, updated_at, engine, provider, raw_prompt, title)
        VALUES ('old-1', 'completed', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'local', 'local',
          'kilo lima prompt', 'Mike')`.execute(db);
      expect(await migrateToLatest(db, "postgres")).toContain("006_search_table");
      const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes
        WHERE tablename IN ('optimization', 'optimization_search')`.execute(db);
      const names = indexes.rows.map((r) => r.indexname);
      expect(names).toContain("optimization_search_match_idx");
      expect(names).not.toContain("optimization_search_idx");
    } finally {
      await db.destroy();
    }
    const store = await openStore({ dataDir: "/nonexistent-unused", databaseUrl: url.toString() });
    try {
      const page = await store.optimizations.list({ search: "lima" });
      expect(page.items.map((r) => r.id)).toEqual(["old-1"]);
      expect((await store.optimizations.list({ search: "mik" })).total).toBe(1);
    } finally {
      await store.close();
      await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await client.end();
    }
  });
});
