import { OpenAPIHono } from "@hono/zod-openapi";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { onErrorHandler } from "./errors.js";
import { defineRoute } from "./route.js";

// A validated query is kept per raw query string: each request must still get its own object, and
// a query that fails validation must fail every time.
function app() {
  const http = new OpenAPIHono();
  const seen: Array<Record<string, unknown>> = [];
  defineRoute(
    http,
    {
      method: "get",
      path: "/items",
      tags: ["t"],
      summary: "items",
      operationId: "listItems",
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        tag: z.union([z.string(), z.array(z.string())]).optional(),
      }),
      responses: { 200: { description: "ok" } },
    },
    (c, { query }) => {
      seen.push(query);
      const echo = { ...query };
      (query as Record<string, unknown>).page = 999; // a handler that mutates its input
      return c.json(echo);
    },
  );
  http.onError(onErrorHandler(pino({ level: "silent" }), { dataDir: "/nonexistent" }));
  return { http, seen };
}

describe("defineRoute's query validation", () => {
  it("answers a repeated query string with the same values in a fresh object each time", async () => {
    const { http, seen } = app();
    for (let i = 0; i < 3; i++) expect(await (await http.request("/items?page=2")).json()).toEqual({ page: 2 });
    expect(await (await http.request("/items")).json()).toEqual({ page: 1 });
    expect(await (await http.request("/items")).json()).toEqual({ page: 1 });
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("re-validates every time: a bad query is refused on each request, arrays are never shared", async () => {
    const { http, seen } = app();
    for (let i = 0; i < 2; i++) expect((await http.request("/items?page=0")).status).toBe(422);
    for (let i = 0; i < 2; i++) {
      expect(await (await http.request("/items?tag=a&tag=b")).json()).toEqual({ page: 1, tag: ["a", "b"] });
    }
    expect(seen[0]?.tag).not.toBe(seen[1]?.tag);
  });
});
