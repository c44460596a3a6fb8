// Links between records, projects and prompts, and the edges of soft delete and archive (issue 17
// items 4, 10, 19, 20): a record's prompt and project always agree; prompt versions come newest
// first in pages; retrying into a deleted project and deleting inside an archived one say why; an
// optimized prompt over the input limit is cut so it can be sent back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PROMPT_CHARS } from "../../src/core/pipeline/run.js";
import { capOptimizedPrompt } from "../../src/usecases/optimize-prompt.js";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function project(name: string): Promise<string> {
  const res = await s.json("POST", "/api/projects", { name });
  expect(res.status).toBe(201);
  return res.body.id;
}
async function prompt(projectId: string, content: string): Promise<string> {
  const res = await s.json("POST", `/api/projects/${projectId}/prompts`, { content });
  expect(res.status).toBe(201);
  return res.body.id;
}
async function optimize(body: Record<string, unknown>) {
  return postSse(`${s.url}/api/optimize`, body);
}

describe("prompt_id and the project", () => {
  it("infers the project from the prompt and refuses a different one", async () => {
    const p = await project("Links P");
    const q = await project("Links Q");
    const pid = await prompt(p, "Summarise the release notes for customers.");

    const inferred = await optimize({ prompt: "Summarise the release notes for customers.", prompt_id: pid });
    expect(inferred.events.at(-1)?.event).toBe("complete");
    const record = inferred.events.at(-1)?.data as { id: string; project_id: string | null; prompt_id: string };
    expect(record).toMatchObject({ project_id: p, prompt_id: pid });
    // The prompt's forges and the project's history agree.
    const forges = await s.json("GET", `/api/projects/${p}/prompts/${pid}/forges`);
    const history = await s.json("GET", `/api/history?project_id=${p}`);
    expect(forges.body.items.map((r: { id: string }) => r.id)).toContain(record.id);
    expect(history.body.items.map((r: { id: string }) => r.id)).toContain(record.id);

    const byId = await optimize({ prompt: "x y z", prompt_id: pid, project_id: q });
    expect(byId.response.status).toBe(422);
    const body = (await byId.response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("validation_error");
    expect(body.error.message).toMatch(/belongs to project/);
    const byName = await optimize({ prompt: "x y z", prompt_id: pid, project: "Links Q" });
    expect(byName.response.status).toBe(422);
    // Naming the right project is fine.
    const same = await optimize({ prompt: "Summarise it.", prompt_id: pid, project: "links p" });
    expect(same.events.at(-1)?.event).toBe("complete");
  });
});

describe("prompt versions", () => {
  it("come newest first with page, per_page and total", async () => {
    const p = await project("Versions paged");
    const pid = await prompt(p, "v1 text");
    for (const n of [2, 3, 4]) {
      const res = await s.json("PUT", `/api/projects/${p}/prompts/${pid}`, { content: `v${n} text` });
      expect(res.status).toBe(200);
    }
    const all = await s.json("GET", `/api/projects/${p}/prompts/${pid}/versions`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, page: 1, per_page: 20 });
    expect(all.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    const second = await s.json("GET", `/api/projects/${p}/prompts/${pid}/versions?per_page=2&page=2`);
    expect(second.body.items.map((v: { content: string }) => v.content)).toEqual(["v1 text"]);
    expect((await s.json("GET", `/api/projects/${p}/prompts/${pid}/versions?per_page=500`)).status).toBe(422);
  });
});

describe("soft delete and archive edges", () => {
  it("a retry of a record whose project was deleted says so (409), not 404", async () => {
    const p = await project("Deleted later");
    const run = await optimize({ prompt: "Write a limerick about cats.", project_id: p });
    const id = run.response.headers.get("x-optimization-id") as string;
    expect((await s.json("DELETE", `/api/projects/${p}`)).status).toBe(204);
    const retry = await s.fetch(`/api/optimize/${id}/retry`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: "{}",
    });
    expect(retry.status).toBe(409);
    const body = (await retry.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/"Deleted later", which was deleted/);
  });

  it("deleting a record inside an archived (read-only) project is refused", async () => {
    const p = await project("Archived records");
    const run = await optimize({ prompt: "Write a limerick about dogs.", project_id: p });
    const id = run.response.headers.get("x-optimization-id") as string;
    expect((await s.json("POST", `/api/projects/${p}/archive`)).status).toBe(200);
    const one = await s.json("DELETE", `/api/history/${id}`);
    expect(one.status).toBe(409);
    expect(one.body.error.code).toBe("project_archived");
    const bulk = await s.json("POST", "/api/history/bulk-delete", { ids: [id] });
    expect(bulk.status).toBe(409);
    expect((await s.json("GET", `/api/optimize/${id}`)).status).toBe(200);
    expect((await s.json("POST", `/api/projects/${p}/unarchive`)).status).toBe(200);
    expect((await s.json("DELETE", `/api/history/${id}`)).status).toBe(204);
  });
});

describe("an optimized prompt over the input limit", () => {
  it("is cut at a break below the limit, with a warning", () => {
    const paragraph = `${"word ".repeat(199)}end.\n\n`;
    const long = paragraph.repeat(Math.ceil((MAX_PROMPT_CHARS * 1.3) / paragraph.length));
    const capped = capOptimizedPrompt(long);
    expect(capped.text?.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
    expect(capped.text?.length).toBeGreaterThan(MAX_PROMPT_CHARS * 0.9);
    expect(capped.text?.endsWith("end.")).toBe(true);
    expect(capped.warning?.code).toBe("optimized_prompt_trimmed");
    expect(capped.warning?.message).toContain(String(long.length));
    expect(capOptimizedPrompt("short")).toEqual({ text: "short" });
    // One unbroken run is cut at the limit itself.
    expect(capOptimizedPrompt("x".repeat(MAX_PROMPT_CHARS + 5)).text?.length).toBe(MAX_PROMPT_CHARS);
  });
});
