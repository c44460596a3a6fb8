import { afterEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { seedSyntheticHistory } from "./synthetic.js";

let t: TempStore | undefined;
afterEach(async () => {
  await t?.cleanup();
});

describe("seedSyntheticHistory", () => {
  it("inserts n searchable, valid records spaced a minute apart, oldest first", async () => {
    t = await openTempStore();
    const end = new Date("2026-02-01T00:00:00.000Z");
    const ids = await seedSyntheticHistory(t.store, 250, { end });
    expect(ids).toHaveLength(250);
    const page = await t.store.optimizations.list({ per_page: 2 });
    expect(page.total).toBe(250);
    expect(page.items[0].created_at).toBe("2026-01-31T23:59:00.000Z");
    expect(page.items[1].created_at).toBe("2026-01-31T23:58:00.000Z");
    expect((await t.store.optimizations.stats()).by_status.completed).toBeGreaterThan(150);
    const anyWord = page.items[0].raw_prompt.split(" ")[1];
    expect((await t.store.optimizations.list({ search: anyWord })).total).toBeGreaterThan(0);
    // Re-seeding reuses the projects instead of clashing on their names.
    await seedSyntheticHistory(t.store, 10, { end });
    expect((await t.store.optimizations.list()).total).toBe(260);
  });
});
