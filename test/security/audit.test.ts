// Control 11 — the audit log: every state-changing request, every 401/403 and every 429 becomes one
// record (time, method, path without query, status, client IP, duration, request id) in the database
// (GET /api/audit, paginated) and one JSON line in DATA_DIR/audit.log. Reads that succeed are not audited.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawHttp, rawRequestText, type SecureServer, startSecureServer } from "./harness.js";

const TOKEN = "audit-test-token-5e0c2b";
const AUTH = { Authorization: `Bearer ${TOKEN}` };

interface AuditRecord {
  id?: string;
  time: string;
  method: string;
  path: string;
  status: number;
  client_ip: string | null;
  duration_ms: number;
  request_id: string | null;
}

async function fileLines(dataDir: string, atLeast: number): Promise<string[]> {
  const file = path.join(dataDir, "audit.log");
  let lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    if (lines.length >= atLeast) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return lines;
}

describe("audit log", () => {
  let s: SecureServer;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    // TRUST_PROXY lets each scenario come from its own client address, so the 429 scenario does
    // not exhaust the budget of the address that reads the audit log afterwards.
    s = await startSecureServer({ env: { AUTH_TOKEN: TOKEN, TRUST_PROXY: "true", RATE_LIMIT_RPM: "3" } });
    const from = (ip: string) => ({ "X-Forwarded-For": ip });
    const idOf = (res: Response) => res.headers.get("x-request-id") ?? "";

    const created = await s.fetch("/api/projects?note=query-must-not-be-logged", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...AUTH, ...from("198.51.100.1") },
      body: JSON.stringify({ name: "audited" }),
    });
    expect(created.status).toBe(201);
    ids.created = idOf(created);

    const unauthorized = await s.fetch("/api/history?api_key=wrong", {
      headers: { Authorization: "Bearer wrong-token", ...from("198.51.100.2") },
    });
    expect(unauthorized.status).toBe(401);
    ids.unauthorized = idOf(unauthorized);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await s.fetch("/api/history", { headers: { ...AUTH, ...from("198.51.100.3") } });
      statuses.push(res.status);
      ids.limited = idOf(res);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);

    const injected = await rawHttp(
      s.port,
      rawRequestText(s.port, "DELETE", "/api/projects/%0d%0ainjected%0a%7B%22status%22:200%7D", {
        ...AUTH,
        ...from("198.51.100.4"),
      }),
    );
    expect(injected.status).toBeGreaterThanOrEqual(400);
    ids.injected = injected.headers["x-request-id"] ?? "";

    const forbidden = await s.fetch("/api/projects", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...AUTH, ...from("198.51.100.5"), Origin: "https://evil.example" },
      body: "{}",
    });
    expect(forbidden.status).toBe(403);
    ids.forbidden = idOf(forbidden);
  });
  afterAll(() => s.close());

  const expected = () => [
    { key: "created", method: "POST", path: "/api/projects", status: 201, client_ip: "198.51.100.1" },
    { key: "unauthorized", method: "GET", path: "/api/history", status: 401, client_ip: "198.51.100.2" },
    { key: "limited", method: "GET", path: "/api/history", status: 429, client_ip: "198.51.100.3" },
    { key: "forbidden", method: "POST", path: "/api/projects", status: 403, client_ip: "198.51.100.5" },
  ];

  it("stores one record per audited request in the database, readable through GET /api/audit", async () => {
    const res = await s.fetch("/api/audit?per_page=100", { headers: { ...AUTH, "X-Forwarded-For": "198.51.100.9" } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: AuditRecord[]; total: number; page: number; per_page: number };
    expect(page).toMatchObject({ page: 1, per_page: 100 });
    // 5 scenarios; the three successful GETs and this read are not audited.
    expect(page.total).toBe(5);
    for (const e of expected()) {
      const record = page.items.find((r) => r.request_id === ids[e.key]);
      expect(record, e.key).toMatchObject({
        id: expect.any(String),
        method: e.method,
        path: e.path,
        status: e.status,
        client_ip: e.client_ip,
        duration_ms: expect.any(Number),
        request_id: ids[e.key],
      });
      expect(Number.isNaN(Date.parse(record?.time ?? ""))).toBe(false);
    }
    expect(page.items.filter((r) => r.status === 200)).toEqual([]);
    expect(JSON.stringify(page)).not.toContain("query-must-not-be-logged");
    expect(JSON.stringify(page)).not.toContain("api_key=wrong");
  });

  it("paginates, newest first", async () => {
    const headers = { ...AUTH, "X-Forwarded-For": "198.51.100.10" };
    const first = (await (await s.fetch("/api/audit?per_page=2&page=1", { headers })).json()) as {
      items: AuditRecord[];
      total: number;
    };
    const third = (await (await s.fetch("/api/audit?per_page=2&page=3", { headers })).json()) as {
      items: AuditRecord[];
    };
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThanOrEqual(5);
    expect(third.items.length).toBeGreaterThanOrEqual(1);
    expect(first.items[0]?.time >= first.items[1]?.time).toBe(true);
    expect(first.items[1]?.time >= (third.items[0]?.time ?? "")).toBe(true);
  });

  it("appends the same events as JSON lines to DATA_DIR/audit.log, one line each, CR/LF escaped", async () => {
    const lines = await fileLines(s.dataDir, 5);
    const records = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(records).toHaveLength(5);
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual(
        ["client_ip", "duration_ms", "method", "path", "request_id", "status", "time"].sort(),
      );
    }
    for (const e of expected()) {
      expect(records.find((r) => r.request_id === ids[e.key])).toMatchObject({
        method: e.method,
        path: e.path,
        status: e.status,
        client_ip: e.client_ip,
      });
    }
    const injected = records.find((r) => r.request_id === ids.injected);
    expect(injected).toMatchObject({ method: "DELETE", client_ip: "198.51.100.4" });
    // The path stays percent-encoded: no raw CR/LF, no forged record on its own line.
    expect(injected?.path).toBe("/api/projects/%0d%0ainjected%0a%7B%22status%22:200%7D");
    expect(lines.some((l) => l.startsWith("injected") || l.startsWith('{"status":200'))).toBe(false);
    const text = fs.readFileSync(path.join(s.dataDir, "audit.log"), "utf8");
    expect(text).not.toContain("\r");
    expect(text).not.toContain("query-must-not-be-logged");
    expect(text).not.toContain(TOKEN);
  });
});
