// `promptforge serve` as a real child process for crash and fault tests: spawn it on a data
// directory, wait for "listening on", kill it (SIGKILL or SIGTERM) and start it again on the same
// directory. The database is inspected with a second SQLite connection, as an operator would.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds from spawn until "listening on" was printed. */
  startMs: number;
}

const children: ChildProcess[] = [];

export function tempDataDir(prefix = "pf-fault-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts `serve` (through test/helpers/cli-entry.ts, so PF_TEST_ENGINE_DELAY_MS can slow the engine
 * down) and resolves once it listens; rejects with its stderr if it exits first.
 */
export async function spawnServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/cli-entry.ts", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      MCP_PORT: "0",
      RATE_LIMIT_RPM: "1000000",
      RATE_LIMIT_OPTIMIZE_RPM: "1000000",
      LLM_PROVIDER: "local",
      LOG_LEVEL: "warn",
      // A killed instance's runs are recovered once its lease runs out: keep that short here.
      INSTANCE_HEARTBEAT_MS: "200",
      INSTANCE_TTL_MS: "600",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 10);
    exit.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`serve exited early (${code ?? signal}): ${err}`));
    });
  });
  return { child, url, dataDir, stderr: () => err, stdout: () => out, exit, startMs: performance.now() - started };
}

/** kill -9, and wait until the process is gone. */
export async function kill9(p: ServeProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await p.exit;
}

/** Ends every process these tests started (afterEach). */
export async function killAll(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await gone;
    }
  }
}

export function dbPath(dataDir: string): string {
  return path.join(dataDir, "promptforge.db");
}

/** A second connection on the database (read-only), closed after `fn`. */
export function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function integrityCheck(dataDir: string): string {
  return withDb(
    dataDir,
    (db) => (db.pragma("integrity_check") as Array<{ integrity_check: string }>)[0]?.integrity_check ?? "",
  );
}

export type Row = Record<string, unknown>;

/** Every optimization row, keyed by id (all columns, as stored). */
export function optimizationRows(dataDir: string): Map<string, Row> {
  return withDb(dataDir, (db) => {
    const rows = db.prepare("SELECT * FROM optimization").all() as Row[];
    return new Map(rows.map((r) => [String(r.id), r]));
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const JSON_HEADERS = { "Content-Type": "application/json" };
export const SSE_HEADERS = { "Content-Type": "application/json", Accept: "text/event-stream" };
