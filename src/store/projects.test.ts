import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { isStoreError, type StoreErrorCode } from "./errors.js";

let t: TempStore;
beforeEach(async () => {
  t = await openTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

const fails = (code: StoreErrorCode) => (e: unknown) => isStoreError(e, code);

describe("ProjectRepository", () => {
  it("creates a project with a unique, case-insensitive, trimmed name", async () => {
    const p = await t.store.projects.create({
      name: "  Docs Portal ",
      description: "d",
      context_profile: { language: "Go" },
    });
    expect(p).toMatchObject({
      name: "Docs Portal",
      description: "d",
      context_profile: { language: "Go" },
      status: "active",
    });
    expect(await t.store.projects.get(p.id)).toEqual(p);
    expect((await t.store.projects.getByName("docs PORTAL"))?.id).toBe(p.id);
    await expect(t.store.projects.create({ name: "DOCS portal" })).rejects.toSatisfy(fails("conflict"));
    await expect(t.store.projects.create({ name: "   " })).rejects.toSatisfy(fails("validation_error"));
  });

  it("reactivates a soft-deleted project of the same name, with the prompts the delete took", async () => {
    const p = await t.store.projects.create({ name: "Alpha" });
    const kept = await t.store.prompts.add(p.id, { content: "kept" });
    const removed = await t.store.prompts.add(p.id, { content: "deleted before" });
    await t.store.prompts.delete(removed.id);
    t.advance(1000);
    await t.store.projects.softDelete(p.id);
    expect(await t.store.projects.get(p.id)).toBeNull();
    expect((await t.store.projects.get(p.id, { includeDeleted: true }))?.status).toBe("deleted");
    expect(await t.store.prompts.get(kept.id)).toBeNull();

    t.advance(1000);
    const back = await t.store.projects.create({ name: "alpha", description: "again" });
    expect(back).toMatchObject({ id: p.id, status: "active", name: "alpha", description: "again" });
    // Said in the answer: the other casing named the old project, and one prompt came back.
    expect(back.reactivated).toEqual({ previous_name: "Alpha", prompts_restored: 1 });
    expect((await t.store.projects.get(p.id))?.reactivated).toBeUndefined();
    expect((await t.store.prompts.list(p.id)).map((x) => x.id)).toEqual([kept.id]);
  });

  it("conflicts on a name held by an archived project", async () => {
    const p = await t.store.projects.create({ name: "Beta" });
    await t.store.projects.archive(p.id);
    await expect(t.store.projects.create({ name: "beta" })).rejects.toSatisfy(fails("conflict"));
  });

  it("makes an archived project read-only until unarchived", async () => {
    const p = await t.store.projects.create({ name: "Gamma" });
    const prompt = await t.store.prompts.add(p.id, { content: "c" });
    const archived = await t.store.projects.archive(p.id);
    expect(archived.status).toBe("archived");
    expect((await t.store.projects.archive(p.id)).status).toBe("archived"); // idempotent

    await expect(t.store.projects.update(p.id, { description: "x" })).rejects.toSatisfy(fails("project_archived"));
    await expect(t.store.prompts.add(p.id, { content: "new" })).rejects.toSatisfy(fails("project_archived"));
    await expect(t.store.prompts.update(prompt.id, { content: "edit" })).rejects.toSatisfy(fails("project_archived"));
    await expect(t.store.prompts.delete(prompt.id)).rejects.toSatisfy(fails("project_archived"));
    await expect(t.store.prompts.reorder(p.id, [prompt.id])).rejects.toSatisfy(fails("project_archived"));
    expect(await t.store.prompts.list(p.id)).toHaveLength(1); // still readable

    await t.store.projects.unarchive(p.id);
    expect((await t.store.projects.update(p.id, { description: "x" })).description).toBe("x");
  });

  it("rejects an update when the project changed after If-Unmodified-Since (second precision)", async () => {
    const p = await t.store.projects.create({ name: "Delta" }); // 00:00:00.000
    t.advance(400);
    const httpDate = new Date(Date.parse(p.updated_at)).toUTCString(); // "… 00:00:00 GMT"
    const ok = await t.store.projects.update(p.id, { description: "one" }, { ifUnmodifiedSince: httpDate });
    expect(ok.updated_at).toBe("2026-01-01T00:00:00.400Z"); // same second as the header: accepted

    t.advance(2000);
    await t.store.projects.update(p.id, { description: "two" });
    await expect(
      t.store.projects.update(p.id, { description: "three" }, { ifUnmodifiedSince: httpDate }),
    ).rejects.toSatisfy(fails("stale"));
    expect((await t.store.projects.get(p.id))?.description).toBe("two");

    await expect(
      t.store.projects.update(p.id, { description: "x" }, { ifUnmodifiedSince: "not a date" }),
    ).rejects.toSatisfy(fails("validation_error"));
    await expect(t.store.projects.update("missing", { description: "x" })).rejects.toSatisfy(fails("not_found"));
  });

  it("renames, refusing a name another project holds", async () => {
    const a = await t.store.projects.create({ name: "A" });
    await t.store.projects.create({ name: "B" });
    await expect(t.store.projects.update(a.id, { name: "b" })).rejects.toSatisfy(fails("conflict"));
    expect((await t.store.projects.update(a.id, { name: "A2" })).name).toBe("A2");
  });

  it("lists active projects with prompt counts, archived on request", async () => {
    const a = await t.store.projects.create({ name: "a-one" });
    const b = await t.store.projects.create({ name: "b-two" });
    const c = await t.store.projects.create({ name: "c-three" });
    await t.store.prompts.add(a.id, { content: "1" });
    await t.store.prompts.add(a.id, { content: "2" });
    const gone = await t.store.prompts.add(a.id, { content: "3" });
    await t.store.prompts.delete(gone.id);
    await t.store.projects.archive(b.id);
    await t.store.projects.softDelete(c.id);

    const active = await t.store.projects.list();
    expect(active.items.map((p) => [p.name, p.prompt_count])).toEqual([["a-one", 2]]);
    expect(active.total).toBe(1);
    const withArchived = await t.store.projects.list({ include_archived: true });
    expect(withArchived.items.map((p) => p.name)).toEqual(["a-one", "b-two"]);
    const deleted = await t.store.projects.list({ status: "deleted" });
    expect(deleted.items.map((p) => p.name)).toEqual(["c-three"]);
  });

  it("soft-deletes once; a second delete is not_found", async () => {
    const p = await t.store.projects.create({ name: "Once" });
    await t.store.projects.softDelete(p.id);
    await expect(t.store.projects.softDelete(p.id)).rejects.toSatisfy(fails("not_found"));
    await expect(t.store.projects.archive(p.id)).rejects.toSatisfy(fails("not_found"));
  });
});
