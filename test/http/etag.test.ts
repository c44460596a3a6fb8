// Versions on writes (issue 17 item 5): If-Unmodified-Since has whole-second resolution, so a stale
// write in the same second used to win. Projects, prompts and records carry an exact `ETag`, and
// `If-Match` makes a write conditional on it (412 `stale` when it changed since).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe("ETag and If-Match", () => {
  it("refuses the second of two writes based on the same project version, even within one second", async () => {
    const created = await s.json("POST", "/api/projects", { name: "Lost update" });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const got = await s.json("GET", `/api/projects/${id}`);
    const etag = got.headers.get("etag") as string;
    expect(etag).toMatch(/^"\d+"$/);
    const lastModified = got.headers.get("last-modified") as string;

    // Two clients read the same version; A writes, then B writes in the same second.
    const a = await s.json("PUT", `/api/projects/${id}`, { description: "A" }, { "If-Match": etag });
    expect(a.status).toBe(200);
    expect(a.headers.get("etag")).not.toBe(etag);
    const b = await s.json("PUT", `/api/projects/${id}`, { description: "B" }, { "If-Match": etag });
    expect(b.status).toBe(412);
    expect(b.body.error.code).toBe("stale");
    // The date header alone cannot see it (same second): that is why it is only a coarse fallback.
    const coarse = await s.json(
      "PUT",
      `/api/projects/${id}`,
      { description: "C" },
      { "If-Unmodified-Since": lastModified },
    );
    if (Math.floor(Date.parse(a.body.updated_at) / 1000) === Math.floor(Date.parse(got.body.updated_at) / 1000)) {
      expect(coarse.status).toBe(200);
    }
    // The current tag works; `*` matches any version; a weak or garbage tag does not.
    const now = (await s.json("GET", `/api/projects/${id}`)).headers.get("etag") as string;
    expect((await s.json("PUT", `/api/projects/${id}`, { description: "D" }, { "If-Match": now })).status).toBe(200);
    expect((await s.json("PUT", `/api/projects/${id}`, { description: "E" }, { "If-Match": "*" })).status).toBe(200);
    expect((await s.json("PUT", `/api/projects/${id}`, { description: "F" }, { "If-Match": `W/${now}` })).status).toBe(
      412,
    );
    const garbage = await s.json("PUT", `/api/projects/${id}`, { description: "G" }, { "If-Match": "nope" });
    expect(garbage.status).toBe(422);
    expect((await s.json("GET", `/api/projects/${id}`)).body.description).toBe("E");

    // DELETE with a stale tag is refused; with the current one it deletes.
    expect((await s.json("DELETE", `/api/projects/${id}`, undefined, { "If-Match": etag })).status).toBe(412);
    const current = (await s.json("GET", `/api/projects/${id}`)).headers.get("etag") as string;
    expect((await s.json("DELETE", `/api/projects/${id}`, undefined, { "If-Match": current })).status).toBe(204);
  });

  it("makes prompt edits conditional; the tag can be formed from updated_at in the project response", async () => {
    const project = (await s.json("POST", "/api/projects", { name: "Prompt versions" })).body;
    const added = await s.json("POST", `/api/projects/${project.id}/prompts`, { content: "Say hello" });
    expect(added.status).toBe(201);
    const listed = (await s.json("GET", `/api/projects/${project.id}`)).body.prompts[0];
    const etag = `"${Date.parse(listed.updated_at)}"`;
    expect(added.headers.get("etag")).toBe(etag);
    const url = `/api/projects/${project.id}/prompts/${listed.id}`;
    const first = await s.json("PUT", url, { content: "Say hello politely" }, { "If-Match": etag });
    expect(first.status).toBe(200);
    const second = await s.json("PUT", url, { content: "Say hello loudly" }, { "If-Match": etag });
    expect(second.status).toBe(412);
    const after = (await s.json("GET", `/api/projects/${project.id}`)).body.prompts[0];
    expect(after.content).toBe("Say hello politely");
    expect((await s.json("DELETE", url, undefined, { "If-Match": etag })).status).toBe(412);
    expect((await s.json("DELETE", url, undefined, { "If-Match": first.headers.get("etag") as string })).status).toBe(
      204,
    );
  });

  it("gives records an ETag and deletes them only at the version the client saw", async () => {
    const run = await postSse(`${s.url}/api/optimize`, { prompt: "Write a haiku about the sea." });
    const id = run.response.headers.get("x-optimization-id") as string;
    const got = await s.json("GET", `/api/optimize/${id}`);
    const etag = got.headers.get("etag") as string;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await s.json("GET", `/api/optimize/${id}`)).headers.get("etag")).toBe(etag);
    // Tagged meanwhile (the MCP `tag` tool does this): the version the client saw is gone.
    await s.app.history.tag(id, { add: ["changed"] });
    const changed = (await s.json("GET", `/api/optimize/${id}`)).headers.get("etag") as string;
    expect(changed).not.toBe(etag);
    expect((await s.json("DELETE", `/api/history/${id}`, undefined, { "If-Match": etag })).status).toBe(412);
    expect((await s.json("DELETE", `/api/history/${id}`, undefined, { "If-Match": changed })).status).toBe(204);
  });
});
