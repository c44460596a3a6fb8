// Resource faults under a real server on real SQLite: a full disk and a read-only data directory
// (small tmpfs mounts; they need root), a database file deleted under the running server and a
// database locked by another process. Each gets a clear start-up error or a 503/507 naming the
// cause — never a 500, a stack trace or a silently lost write — and the server recovers once the
// cause is gone.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const isRoot = process.getuid?.() === 0;
const mountReason = "mounting a tmpfs needs root";
if (!isRoot) {
  if (process.env.CI === "true") throw new Error(`resource-fault tests: ${mountReason}, and CI must run them`);
  console.warn(`skipping the full-disk and read-only tests: ${mountReason}`);
}

function config(dataDir: string) {
  return loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "local",
    RATE_LIMIT_RPM: "1000000",
    RATE_LIMIT_OPTIMIZE_RPM: "1000000",
  });
}

async function start(dataDir: string): Promise<{ app: App; server: RunningServer }> {
  const app = await createApp(config(dataDir));
  const server = await startServer({ config: config(dataDir), app });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    await app.close().catch(() => undefined);
  };
  cleanup.push(close);
  return { app, server: { ...server, close } };
}

async function post(s: RunningServer, pathname: string, body: unknown) {
  const res = await fetch(`${s.url}${pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: JSON.parse(text) as { error?: { code: string; message: string } },
  };
}

function expectNamedFault(
  r: { status: number; text: string; body: { error?: { code: string; message: string } } },
  status: number,
  code: string,
  words: RegExp,
) {
  expect(r.status).toBe(status);
  expect(r.body.error?.code).toBe(code);
  expect(r.body.error?.message).toMatch(words);
  expect(r.text).not.toMatch(/at .+\.(ts|js):\d+|SqliteError|internal_error/);
}

async function projectNames(s: RunningServer): Promise<string[]> {
  const res = await fetch(`${s.url}/api/projects?per_page=100`);
  const body = (await res.json()) as { items?: Array<{ name: string }> } | Array<{ name: string }>;
  const items = Array.isArray(body) ? body : (body.items ?? []);
  return items.map((p) => p.name);
}

function tmpfs(sizeKb: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-mnt-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k`, "tmpfs", dir]);
  cleanup.push(() => {
    execFileSync("umount", ["-l", dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe.skipIf(!isRoot)("a full disk (4 MiB tmpfs)", () => {
  it("answers writes with 507 storage_full naming the cause, keeps what was stored, and recovers when space is freed", async () => {
    const mount = tmpfs(4096);
    const { server } = await start(path.join(mount, "data"));
    expect((await post(server, "/api/projects", { name: "before" })).status).toBe(201);
    const filler = path.join(mount, "filler");
    const fd = fs.openSync(filler, "w");
    try {
      for (const chunk = Buffer.alloc(64 * 1024, 1); ; ) fs.writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
    } finally {
      fs.closeSync(fd);
    }
    const refused = await post(server, "/api/projects", { name: "during" });
    expectNamedFault(refused, 507, "storage_full", /disk .*is full/);
    const optimize = await post(server, "/api/optimize", { prompt: "Write a haiku about a full disk." });
    expect([503, 507]).toContain(optimize.status);
    expect(optimize.text).not.toContain("internal_error");
    // Reads still work and nothing was half-written.
    expect(await projectNames(server)).toEqual(["before"]);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);

    fs.rmSync(filler);
    expect((await post(server, "/api/projects", { name: "after" })).status).toBe(201);
    expect((await projectNames(server)).sort()).toEqual(["after", "before"]);
  }, 60_000);
});

describe.skipIf(!isRoot)("a read-only data directory", () => {
  it("stops the start with a sentence naming the read-only file system, and starts once it is writable", async () => {
    const mount = tmpfs(16_384);
    const dataDir = path.join(mount, "data");
    const first = await start(dataDir);
    expect((await post(first.server, "/api/projects", { name: "kept" })).status).toBe(201);
    await first.server.close();

    execFileSync("mount", ["-o", "remount,ro", mount]);
    const failure = await createApp(config(dataDir)).then(
      (app) => app.close().then(() => null),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe("ConfigError");
    expect((failure as Error).message).toMatch(/DATA_DIR .* cannot be written: it is on a read-only file system/);

    execFileSync("mount", ["-o", "remount,rw", mount]);
    const again = await start(dataDir);
    expect(await projectNames(again.server)).toEqual(["kept"]);
  }, 60_000);
});

describe("the database file deleted under a running server", () => {
  it("refuses writes with 503 naming the deleted file, reports health 503, and starts clean after a restart", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-del-"));
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const { server } = await start(dataDir);
    expect((await post(server, "/api/projects", { name: "before" })).status).toBe(201);
    for (const suffix of ["", "-wal", "-shm"])
      fs.rmSync(path.join(dataDir, `promptforge.db${suffix}`), { force: true });

    const refused = await post(server, "/api/projects", { name: "lost?" });
    expectNamedFault(refused, 503, "storage_unavailable", /database file .* was deleted/);
    await new Promise((r) => setTimeout(r, 1_100)); // past the health probe's 1 s cache
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "degraded", database: "error" });

    await server.close();
    const restarted = await start(dataDir);
    expect((await fetch(`${restarted.server.url}/api/health`)).status).toBe(200);
    expect((await post(restarted.server, "/api/projects", { name: "after" })).status).toBe(201);
  }, 60_000);
});

describe("a database locked by another process", () => {
  it("answers a write with 503 database_locked and Retry-After while the lock is held, then succeeds", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-lock-"));
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const { server } = await start(dataDir);
    const other = new Database(path.join(dataDir, "promptforge.db"));
    cleanup.push(() => {
      other.close();
    });
    other.exec("BEGIN EXCLUSIVE");
    const refused = await post(server, "/api/projects", { name: "waiting" }); // after busy_timeout (5 s)
    expectNamedFault(refused, 503, "database_locked", /locked by another process/);
    expect(refused.headers.get("retry-after")).toBe("2");
    other.exec("ROLLBACK");
    expect((await post(server, "/api/projects", { name: "after" })).status).toBe(201);
    expect(await projectNames(server)).toEqual(["after"]);
  }, 60_000);
});
