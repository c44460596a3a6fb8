// Projects and prompts over HTTP: CRUD, If-Unmodified-Since, archive, soft delete + reactivation,
// prompt ordering, versions and linked optimizations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function createProject(name: string, extra: Record<string, unknown> = {}) {
  const res = await s.json("POST", "/api/projects", { name, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; updated_at: string; created_at: string };
}

describe("projects", () => {
  it("creates, lists and gets a project with its prompts and a Last-Modified header", async () => {
    const p = await createProject("Docs Portal", {
      description: "API docs",
      context_profile: { language: "TypeScript" },
    });
    expect(p).toMatchObject({ name: "Docs Portal", description: "API docs", status: "active" });
    const list = await s.json("GET", "/api/projects");
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(p.id);
    const one = await s.json("GET", `/api/projects/${p.id}`);
    expect(one.body).toMatchObject({ id: p.id, prompts: [], context_profile: { language: "TypeScript" } });
    expect(Date.parse(one.headers.get("last-modified") as string)).not.toBeNaN();
  });

  it("rejects a duplicate name with 409 and bad input with 422", async () => {
    await createProject("Unique Name");
    const dup = await s.json("POST", "/api/projects", { name: "unique name" });
    expect(dup.status).toBe(409);
    expect((await s.json("POST", "/api/projects", { name: "" })).status).toBe(422);
    expect((await s.json("POST", "/api/projects", { description: "no name" })).status).toBe(422);
    expect((await s.json("GET", "/api/projects/unknown")).status).toBe(404);
    expect((await s.json("GET", "/api/projects?per_page=0")).status).toBe(422);
  });

  it("PUT updates, and honours If-Unmodified-Since with 409 when stale", async () => {
    const p = await createProject("Versioned");
    const res = await s.json(
      "PUT",
      `/api/projects/${p.id}`,
      { description: "v2" },
      {
        "If-Unmodified-Since": new Date(Date.now() + 60_000).toUTCString(),
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.description).toBe("v2");
    const stale = await s.json(
      "PUT",
      `/api/projects/${p.id}`,
      { description: "v3" },
      {
        "If-Unmodified-Since": new Date(Date.parse(p.created_at) - 10_000).toUTCString(),
      },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("stale");
    expect((await s.json("GET", `/api/projects/${p.id}`)).body.description).toBe("v2");
    expect((await s.json("PUT", `/api/projects/${p.id}`, {})).status).toBe(422);
    expect((await s.json("PUT", "/api/projects/unknown", { description: "x" })).status).toBe(404);
  });

  it("archives (read-only: 409 on writes) and unarchives", async () => {
    const p = await createProject("Archivable");
    const archived = await s.json("POST", `/api/projects/${p.id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe("archived");
    const ids = async (query: string) =>
      (await s.json("GET", `/api/projects?per_page=100${query}`)).body.items.map((x: { id: string }) => x.id);
    expect(await ids("")).not.toContain(p.id);
    expect(await ids("&include_archived=true")).toContain(p.id);
    expect(await ids("&include_archived=0")).not.toContain(p.id);
    expect((await s.json("PUT", `/api/projects/${p.id}`, { description: "x" })).status).toBe(409);
    expect((await s.json("POST", `/api/projects/${p.id}/prompts`, { content: "Hello there" })).status).toBe(409);
    const again = await s.json("POST", `/api/projects/${p.id}/unarchive`);
    expect(again.body.status).toBe("active");
    // Idempotent: unarchiving an active project leaves it active.
    expect((await s.json("POST", `/api/projects/${p.id}/unarchive`)).body.status).toBe("active");
  });

  it("soft-deletes and reactivates a project by name on create", async () => {
    const p = await createProject("Phoenix");
    const del = await s.fetch(`/api/projects/${p.id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    const list = await s.json("GET", "/api/projects");
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(p.id);
    const back = await s.json("POST", "/api/projects", { name: "phoenix" });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ id: p.id, status: "active", name: "phoenix" });
    expect(back.body.reactivated).toEqual({ previous_name: "Phoenix", prompts_restored: 0 });
    const fresh = await s.json("POST", "/api/projects", { name: "Phoenix II" });
    expect(fresh.body.reactivated).toBeUndefined();
  });
});

describe("prompts", () => {
  it("adds, reorders, updates (with versions), lists forges and deletes prompts", async () => {
    const p = await createProject("Prompt Library");
    const a = await s.json("POST", `/api/projects/${p.id}/prompts`, {
      title: "A",
      content: "Write a haiku about the sea.",
    });
    const b = await s.json("POST", `/api/projects/${p.id}/prompts`, {
      title: "B",
      content: "Summarize the meeting notes.",
    });
    expect(a.status).toBe(201);
    expect(b.body.position).toBeGreaterThan(a.body.position);

    const reordered = await s.json("PUT", `/api/projects/${p.id}/prompts/reorder`, { ids: [b.body.id, a.body.id] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.map((x: { id: string }) => x.id)).toEqual([b.body.id, a.body.id]);
    const project = await s.json("GET", `/api/projects/${p.id}`);
    expect(project.body.prompts.map((x: { id: string }) => x.id)).toEqual([b.body.id, a.body.id]);

    const updated = await s.json("PUT", `/api/projects/${p.id}/prompts/${a.body.id}`, {
      content: "Write a haiku about the ocean at night.",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    const versions = await s.json("GET", `/api/projects/${p.id}/prompts/${a.body.id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.items[0]).toMatchObject({ version: 1, content: "Write a haiku about the sea." });

    const { events } = await postSse(`${s.url}/api/optimize`, {
      prompt: "Write a haiku about the ocean at night.",
      project_id: p.id,
      prompt_id: a.body.id,
    });
    const record = events.at(-1)?.data as { id: string };
    const forges = await s.json("GET", `/api/projects/${p.id}/prompts/${a.body.id}/forges`);
    expect(forges.status).toBe(200);
    expect(forges.body.items.map((r: { id: string }) => r.id)).toContain(record.id);

    const del = await s.fetch(`/api/projects/${p.id}/prompts/${b.body.id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await s.json("GET", `/api/projects/${p.id}`)).body.prompts.map((x: { id: string }) => x.id)).toEqual([
      a.body.id,
    ]);
  });

  it("answers 404 for a prompt of another project and 422 for bad bodies", async () => {
    const p = await createProject("Owner");
    const q = await createProject("Other");
    const prompt = await s.json("POST", `/api/projects/${p.id}/prompts`, { content: "Translate to French." });
    expect((await s.json("PUT", `/api/projects/${q.id}/prompts/${prompt.body.id}`, { title: "x" })).status).toBe(404);
    expect((await s.json("GET", `/api/projects/${q.id}/prompts/${prompt.body.id}/versions`)).status).toBe(404);
    expect((await s.json("DELETE", `/api/projects/${q.id}/prompts/${prompt.body.id}`)).status).toBe(404);
    expect((await s.json("POST", `/api/projects/${p.id}/prompts`, { content: "" })).status).toBe(422);
    expect((await s.json("PUT", `/api/projects/${p.id}/prompts/${prompt.body.id}`, {})).status).toBe(422);
    expect((await s.json("PUT", `/api/projects/${p.id}/prompts/reorder`, { ids: [] })).status).toBe(422);
    expect((await s.json("POST", "/api/projects/unknown/prompts", { content: "Hello" })).status).toBe(404);
  });
});
