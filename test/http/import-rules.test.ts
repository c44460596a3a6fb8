// Import follows the API's rules (issue 17 item 6): records no endpoint could address or that break
// the API's validation are reported in errors[] and not stored; good records in the same import are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "./server.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe("POST /api/history/import", () => {
  it("reports bad records by line and stores only the good ones", async () => {
    const run = await postSse(`${s.url}/api/optimize`, { prompt: "Write a haiku about autumn leaves." });
    const good = run.events.at(-1)?.data as Record<string, unknown>;
    expect((await s.json("DELETE", `/api/history/${good.id}`)).status).toBe(204);
    const variant = (id: string, patch: Record<string, unknown>) => ({ ...good, id, ...patch });
    const records = [
      good,
      variant("x".repeat(300), {}),
      variant("bad\nid", {}),
      variant("t-ctrl", { title: "evil\u001b[31m title" }),
      variant("t-date", { created_at: "yesterday" }),
      variant("t-empty", { raw_prompt: "" }),
      variant("t-huge", { raw_prompt: "a".repeat(200_000) }),
      variant("t-version", { version: "banana" }),
      variant("t-duration", { duration_ms: -5 }),
      variant("t-project", { project_id: "no-such-project" }),
      variant("t-retry", { retry_of: "no-such-record" }),
    ];
    const res = await s.json("POST", "/api/history/import", { records });
    expect(res.status).toBe(200);
    expect(res.body.inserted).toBe(1);
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const messages = res.body.errors.map((e: { message: string }) => e.message).join("\n");
    for (const word of [
      "id must",
      "title",
      "created_at",
      "raw_prompt",
      "version",
      "duration_ms",
      "project_id",
      "retry_of",
    ]) {
      expect(messages).toContain(word);
    }
    const listed = await s.json("GET", "/api/history?per_page=100");
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([good.id]);
  });
});
