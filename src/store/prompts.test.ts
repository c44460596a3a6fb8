import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import type { Project } from "../core/records.js";
import { isStoreError, type StoreErrorCode } from "./errors.js";

let t: TempStore;
let project: Project;
beforeEach(async () => {
  t = await openTempStore();
  project = await t.store.projects.create({ name: "Prompts" });
});
afterEach(async () => {
  await t.cleanup();
});

const fails = (code: StoreErrorCode) => (e: unknown) => isStoreError(e, code);

describe("PromptRepository", () => {
  it("appends prompts at the end and lists them in order", async () => {
    const a = await t.store.prompts.add(project.id, { title: "A", content: "first" });
    const b = await t.store.prompts.add(project.id, { content: "second" });
    expect([a.position, b.position]).toEqual([0, 1]);
    expect(a).toMatchObject({ title: "A", version: 1, project_id: project.id });
    expect((await t.store.prompts.list(project.id)).map((p) => p.content)).toEqual(["first", "second"]);
    await expect(t.store.prompts.add(project.id, { content: "  " })).rejects.toSatisfy(fails("validation_error"));
    await expect(t.store.prompts.add("missing", { content: "x" })).rejects.toSatisfy(fails("not_found"));
  });

  it("snapshots superseded content as an immutable version linked to the optimization", async () => {
    const p = await t.store.prompts.add(project.id, { content: "v1 text" });
    t.advance(1000);
    const v2 = await t.store.prompts.update(p.id, { content: "v2 text", optimization_id: "opt-1" });
    expect(v2).toMatchObject({ content: "v2 text", version: 2 });
    const v3 = await t.store.prompts.update(p.id, { content: "v3 text" });
    expect(v3.version).toBe(3);

    const renamed = await t.store.prompts.update(p.id, { title: "Named" });
    expect(renamed).toMatchObject({ title: "Named", version: 3 }); // title alone makes no version
    const same = await t.store.prompts.update(p.id, { content: "v3 text" });
    expect(same.version).toBe(3); // identical content makes no version

    const versions = await t.store.prompts.versions(p.id);
    expect(versions.map((v) => [v.version, v.content, v.optimization_id])).toEqual([
      [1, "v1 text", "opt-1"],
      [2, "v2 text", null],
    ]);
    expect(versions[0].created_at).toBe("2026-01-01T00:00:01.000Z");
    await expect(t.store.prompts.versions("missing")).rejects.toSatisfy(fails("not_found"));
  });

  it("reorders only with an exact permutation of the project's prompts", async () => {
    const [a, b, c] = [
      await t.store.prompts.add(project.id, { content: "a" }),
      await t.store.prompts.add(project.id, { content: "b" }),
      await t.store.prompts.add(project.id, { content: "c" }),
    ];
    const reordered = await t.store.prompts.reorder(project.id, [c.id, a.id, b.id]);
    expect(reordered.map((p) => [p.content, p.position])).toEqual([
      ["c", 0],
      ["a", 1],
      ["b", 2],
    ]);
    const other = await t.store.projects.create({ name: "Other" });
    const foreign = await t.store.prompts.add(other.id, { content: "x" });
    for (const bad of [
      [a.id, b.id],
      [a.id, b.id, c.id, c.id],
      [a.id, b.id, foreign.id],
      [a.id, a.id, b.id],
    ]) {
      await expect(t.store.prompts.reorder(project.id, bad)).rejects.toSatisfy(fails("validation_error"));
    }
    expect((await t.store.prompts.list(project.id)).map((p) => p.content)).toEqual(["c", "a", "b"]);
  });

  it("soft-deletes a prompt: gone from lists, versions kept, new prompts go after the rest", async () => {
    const a = await t.store.prompts.add(project.id, { content: "a" });
    await t.store.prompts.update(a.id, { content: "a2" });
    const b = await t.store.prompts.add(project.id, { content: "b" });
    expect(await t.store.prompts.delete(a.id)).toBe(true);
    expect(await t.store.prompts.delete(a.id)).toBe(false);
    expect(await t.store.prompts.get(a.id)).toBeNull();
    expect((await t.store.prompts.versions(a.id)).map((v) => v.content)).toEqual(["a"]);
    await expect(t.store.prompts.update(a.id, { content: "x" })).rejects.toSatisfy(fails("not_found"));
    expect((await t.store.prompts.reorder(project.id, [b.id])).map((p) => p.id)).toEqual([b.id]);
    const c = await t.store.prompts.add(project.id, { content: "c" });
    expect(c.position).toBe(1);
  });

  it("hides the prompts of a deleted project", async () => {
    const a = await t.store.prompts.add(project.id, { content: "a" });
    await t.store.projects.softDelete(project.id);
    expect(await t.store.prompts.get(a.id)).toBeNull();
    await expect(t.store.prompts.list(project.id)).rejects.toSatisfy(fails("not_found"));
    await expect(t.store.prompts.add(project.id, { content: "b" })).rejects.toSatisfy(fails("not_found"));
  });

  it("links forges: optimizations run from a prompt", async () => {
    const p = await t.store.prompts.add(project.id, { content: "forge me" });
    const forged = await t.store.optimizations.create({
      raw_prompt: p.content,
      engine: "local",
      provider: "local",
      project_id: project.id,
      prompt_id: p.id,
    });
    await t.store.optimizations.create({ raw_prompt: "unrelated", engine: "local", provider: "local" });
    const forges = await t.store.optimizations.listByPrompt(p.id);
    expect(forges.items.map((r) => r.id)).toEqual([forged.id]);
    expect((await t.store.optimizations.listByProject(project.id)).total).toBe(1);
  });
});
