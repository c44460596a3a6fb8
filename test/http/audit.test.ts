// GET /api/audit filters: by status (one code or a class) and by a part of the path, with the
// total counting only the matching records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server.js";

interface Page {
  items: { method: string; path: string; status: number }[];
  total: number;
}

describe("GET /api/audit filters", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.json("POST", "/api/projects", { name: "Audit one" })).status).toBe(201);
    expect((await s.json("POST", "/api/projects", { name: "Audit two" })).status).toBe(201);
    expect((await s.json("POST", "/api/projects", {})).status).toBe(422);
    expect((await s.json("DELETE", "/api/history/does-not-exist")).status).toBe(404);
    expect((await s.json("DELETE", "/api/projects/does-not-exist")).status).toBe(404);
  });
  afterAll(() => s.close());

  const list = async (query: string) => {
    const res = await s.json<Page>("GET", `/api/audit?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it("filters by one status", async () => {
    const page = await list("status=422");
    expect(page.total).toBe(1);
    expect(page.items).toEqual([expect.objectContaining({ method: "POST", path: "/api/projects", status: 422 })]);
    expect((await list("status=404")).total).toBe(2);
  });

  it("filters by a status class", async () => {
    const page = await list("status=4xx");
    expect(page.total).toBe(3);
    expect(page.items.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    expect((await list("status=2XX")).items.map((r) => r.status)).toEqual([201, 201]);
  });

  it("filters by a part of the path, case-insensitively, with % and _ taken literally", async () => {
    const page = await list("path=HISTORY");
    expect(page.items.map((r) => r.path)).toEqual(["/api/history/does-not-exist"]);
    expect((await list("path=%25")).total).toBe(0);
    expect((await list("path=does_not")).total).toBe(0);
    expect((await list("path=/api/projects&status=404")).items.map((r) => r.path)).toEqual([
      "/api/projects/does-not-exist",
    ]);
    expect((await list("path=projects&per_page=1&page=2")).total).toBe(4);
  });

  it("refuses a malformed status with 422", async () => {
    const res = await s.json("GET", "/api/audit?status=abc");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_error");
    expect((await s.json("GET", "/api/audit?status=600")).status).toBe(422);
  });
});
