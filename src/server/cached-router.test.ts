import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { CachedRouter } from "./cached-router.js";

describe("CachedRouter", () => {
  it("answers like Hono's default router, params included, and looks each (method, path) up once", async () => {
    let router: CachedRouter<unknown> | undefined;
    const app = new Hono({
      strict: false,
      router: (() => {
        const r = new CachedRouter<never>();
        router = r as CachedRouter<unknown>;
        return r;
      })(),
    });
    const plain = new Hono({ strict: false });
    for (const a of [app, plain]) {
      a.get("/api/items/check", (c) => c.text("check"));
      a.get("/api/items/:id", (c) => c.text(`item ${c.req.param("id")}`));
      a.post("/api/items/:id", (c) => c.text(`post ${c.req.param("id")}`));
      a.get("/static/*", (c) => c.text("static"));
    }
    const probes: [string, string][] = [
      ["GET", "/api/items/check"],
      ["GET", "/api/items/42"],
      ["GET", "/api/items/43"],
      ["POST", "/api/items/42"],
      ["GET", "/api/items/42/"],
      ["GET", "/static/a/b.css"],
      ["DELETE", "/api/items/42"],
      ["GET", "/nope"],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [method, path] of probes) {
        const [got, want] = await Promise.all([app.request(path, { method }), plain.request(path, { method })]);
        expect([got.status, await got.text()]).toEqual([want.status, await want.text()]);
      }
    }
    // One entry per distinct (method, path) router lookup, however often it was asked.
    expect(router?.size).toBeLessThanOrEqual(probes.length);
    expect(router?.size).toBeGreaterThan(0);
  });

  it("keeps at most `max` answers and does not keep very long paths", () => {
    const router = new CachedRouter<string>(new TrieRouter(), 3);
    router.add("GET", "/a/:id", "a");
    for (let i = 0; i < 10; i++) expect(router.match("GET", `/a/${i}`)[0][0]?.[0]).toBe("a");
    expect(router.size).toBe(3);
    router.add("GET", "/b", "b"); // a new route drops every answer
    expect(router.size).toBe(0);
    router.match("GET", `/a/${"x".repeat(300)}`);
    expect(router.size).toBe(0);
  });
});
