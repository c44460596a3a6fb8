import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type AuditEvent, auditLine, auditLog, createAuditBuffer, createFileAuditSink } from "./audit.js";
import { bearerAuth } from "./bearer-auth.js";
import { requestId } from "./request-id.js";

function setup() {
  const events: AuditEvent[] = [];
  let mono = 100;
  const app = new Hono();
  app.use("*", requestId({ generate: () => "req-1" }));
  app.use(
    "*",
    auditLog({
      sinks: [{ write: (e) => void events.push(e) }],
      clientIp: () => "203.0.113.9",
      clock: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6),
      monotonic: () => (mono += 12.5),
    }),
  );
  app.use("/api/private/*", bearerAuth({ token: "t0ken" }));
  app.get("/api/history", (c) => c.json({}));
  app.get("/api/private/x", (c) => c.json({}));
  app.post("/api/projects", (c) => c.json({}, 201));
  app.delete("/api/history/:id", () => {
    throw new Error("db down");
  });
  app.onError((_e, c) => c.json({ error: { code: "internal_error", message: "Internal error" } }, 500));
  return { app, events };
}

describe("auditLog", () => {
  it("records a state-changing request with every field, without the query", async () => {
    const { app, events } = setup();
    await app.request("/api/projects?api_key=sk-secret", { method: "POST" });
    expect(events).toEqual([
      {
        time: "2025-01-02T03:04:05.006Z",
        method: "POST",
        path: "/api/projects",
        status: 201,
        client_ip: "203.0.113.9",
        duration_ms: 12.5,
        request_id: "req-1",
      },
    ]);
    expect(JSON.stringify(events)).not.toContain("sk-secret");
  });

  it("records auth failures on reads, but not successful reads", async () => {
    const { app, events } = setup();
    await app.request("/api/history");
    await app.request("/api/private/x", { headers: { Authorization: "Bearer wrong" } });
    expect(events.map((e) => [e.method, e.path, e.status])).toEqual([["GET", "/api/private/x", 401]]);
    expect(JSON.stringify(events)).not.toContain("wrong");
  });

  it("records a request whose handler threw, with the final status", async () => {
    const { app, events } = setup();
    await app.request("/api/history/42", { method: "DELETE" });
    expect(events.map((e) => e.status)).toEqual([500]);
  });

  it("never fails the request when a sink throws", async () => {
    const errors: unknown[] = [];
    const app = new Hono();
    app.use(
      "*",
      auditLog({
        sinks: [
          {
            write: () => {
              throw new Error("sink down");
            },
          },
          { write: () => Promise.reject(new Error("async sink down")) },
        ],
        clientIp: () => "1.1.1.1",
        onError: (e) => errors.push(e),
      }),
    );
    app.post("/x", (c) => c.json({ ok: true }));
    expect((await app.request("/x", { method: "POST" })).status).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(2);
  });
});

describe("createFileAuditSink", () => {
  const event: AuditEvent = {
    time: "2025-01-02T03:04:05.006Z",
    method: "POST",
    path: "/api/x",
    status: 200,
    client_ip: "1.1.1.1",
    duration_ms: 1,
    request_id: "r",
  };

  it("appends one JSON line per event to a 0600 file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "pf-audit-")), "audit.log");
    const sink = createFileAuditSink(path);
    await sink.write(event);
    await sink.write({ ...event, status: 403 });
    await sink.close();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l).status)).toEqual([200, 403]);
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("tightens an existing world-readable log", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "pf-audit-")), "audit.log");
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    const sink = createFileAuditSink(path);
    await sink.write(event);
    await sink.close();
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("keeps a hostile path with raw CR/LF on one line (no forged records)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "pf-audit-")), "audit.log");
    const sink = createFileAuditSink(path);
    const forged = '/api/x\r\n{"time":"x","method":"DELETE","path":"/forged"}\u2028\u0000';
    await sink.write({ ...event, path: forged, request_id: "a\nb" });
    await sink.close();
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")).toHaveLength(2);
    expect(text).not.toMatch(/[\r\u2028\u0000]/);
    const parsed = JSON.parse(text);
    expect(parsed.path).toBe('/api/x%0D%0A{"time":"x","method":"DELETE","path":"/forged"}%2028%00');
    expect(parsed.request_id).toBe("a%0Ab");
  });

  it("keeps writes in order under concurrency", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "pf-audit-")), "audit.log");
    const sink = createFileAuditSink(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => sink.write({ ...event, status: 200 + i })));
    await sink.close();
    const statuses = readFileSync(path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).status);
    expect(statuses).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
  });
});

describe("createAuditBuffer", () => {
  const event = (n: number): AuditEvent => ({
    time: "2025-01-02T03:04:05.006Z",
    method: "POST",
    path: `/api/projects/${n}`,
    status: 201,
    client_ip: "203.0.113.9",
    duration_ms: 1,
    request_id: `req-${n}`,
  });

  it("keeps writes off the request path and hands them over in order, in one batch, within the interval", async () => {
    const batches: AuditEvent[][] = [];
    const buffer = createAuditBuffer({
      sinks: [{ write: () => {}, writeMany: (b) => void batches.push([...b]) }],
      flushIntervalMs: 30,
    });
    for (let i = 0; i < 5; i++) buffer.write(event(i));
    expect(batches).toEqual([]);
    expect(buffer.pending).toBe(5);
    await new Promise((r) => setTimeout(r, 80));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((e) => e.request_id)).toEqual(["req-0", "req-1", "req-2", "req-3", "req-4"]);
    expect(buffer.pending).toBe(0);
  });

  it("flushes at once when maxPending events wait, and on flush()", async () => {
    const seen: string[] = [];
    const buffer = createAuditBuffer({
      sinks: [{ write: (e) => void seen.push(e.request_id) }],
      flushIntervalMs: 60_000,
      maxPending: 3,
    });
    for (let i = 0; i < 4; i++) buffer.write(event(i));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(["req-0", "req-1", "req-2"]);
    await buffer.flush();
    expect(seen).toEqual(["req-0", "req-1", "req-2", "req-3"]);
  });

  it("reports a failing sink and still writes the others", async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const buffer = createAuditBuffer({
      sinks: [
        {
          write: () => {
            throw new Error("disk full");
          },
        },
        { write: (e) => void seen.push(e.request_id) },
      ],
      onError: (e) => errors.push(e),
    });
    buffer.write(event(1));
    await buffer.flush();
    expect(seen).toEqual(["req-1"]);
    expect(String(errors[0])).toContain("disk full");
  });

  it("writes a batch to the file sink as one JSON line per event", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pf-audit-buf-")), "audit.log");
    const sink = createFileAuditSink(file);
    const buffer = createAuditBuffer({ sinks: [sink] });
    for (let i = 0; i < 3; i++) buffer.write(event(i));
    await buffer.flush();
    await sink.close();
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as AuditEvent).request_id)).toEqual(["req-0", "req-1", "req-2"]);
  });
});

describe("auditLine", () => {
  it("caps very long fields", () => {
    const line = auditLine({
      time: "t",
      method: "POST",
      path: `/${"a".repeat(10_000)}`,
      status: 200,
      client_ip: "x",
      duration_ms: 0,
      request_id: "r",
    });
    expect(line.length).toBeLessThan(2300);
  });
});
