// PostgreSQL only: the history read cache (pg-read-cache.ts) serves a repeated page without a
// query, and a write through ANY instance on the same database — here a second store, as a second
// `promptforge serve` would open it — is seen by the next read of every instance.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_DIALECT } from "../../test/helpers/dialect.js";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { pgReadCacheOf } from "./pg-read-cache.js";
import { openStore, type Store } from "./store.js";

describe.skipIf(TEST_DIALECT !== "postgres")("PostgreSQL history read cache", () => {
  let t: TempStore;
  let other: Store;
  beforeEach(async () => {
    t = await openTempStore();
    other = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
  });
  afterEach(async () => {
    await other.close();
    await t.cleanup();
  });

  const titles = (bytes: Uint8Array) =>
    (JSON.parse(Buffer.from(bytes).toString("utf8")) as { items: Array<{ title: string | null }> }).items.map(
      (r) => r.title,
    );
  const add = (store: Store, title: string) =>
    store.optimizations.create({ raw_prompt: `about ${title}`, title, engine: "local", provider: "local" });

  it("serves a repeated page from the cache until another instance writes", async () => {
    expect(pgReadCacheOf(t.store.db)).not.toBeNull();
    const first = await add(t.store, "Sierra");
    const q = { search: "sierra" };
    // The key is the cluster-wide WAL insert position: any write anywhere on the server (other test
    // files use other databases of the same server in parallel) moves it, and a read then misses.
    // So a hit is asserted on some pair of back-to-back reads, not on the first one.
    let a1 = await t.store.optimizations.listJson(q);
    let hit = false;
    for (let attempt = 0; attempt < 50 && !hit; attempt++) {
      const a2 = await t.store.optimizations.listJson(q);
      hit = a2 === a1; // the same bytes object: served without a query
      a1 = a2;
    }
    expect(hit).toBe(true);
    expect(titles(a1)).toEqual(["Sierra"]);

    // A write through the other instance: a new record, then a title change, then a delete.
    const second = await add(other, "Sierra Two");
    expect(titles(await t.store.optimizations.listJson(q)).sort()).toEqual(["Sierra", "Sierra Two"]);
    await other.optimizations.update(second.id, { title: "Tango" });
    expect(titles(await t.store.optimizations.listJson({ search: "tango" }))).toEqual(["Tango"]);
    // Its prompt still says "Sierra Two": found, under its new title.
    expect(titles(await t.store.optimizations.listJson(q)).sort()).toEqual(["Sierra", "Tango"]);
    await other.optimizations.delete(first.id);
    expect(titles(await t.store.optimizations.listJson(q))).toEqual(["Tango"]);
    // And the other way round: instance B's cached page follows a write through A.
    expect(titles(await other.optimizations.listJson({}))).toEqual(["Tango"]);
    await add(t.store, "Uniform");
    expect(titles(await other.optimizations.listJson({})).sort()).toEqual(["Tango", "Uniform"]);
  });

  it("never caches inside a transaction", async () => {
    await t.store.db.transaction().execute(async (trx) => {
      expect(pgReadCacheOf(trx)).toBeNull();
    });
  });
});
