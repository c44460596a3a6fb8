// Throwaway PostgreSQL and Redis servers for tests. A test file calls `postgresService()` /
// `redisService()` once (beforeAll): with TEST_DATABASE_URL / TEST_REDIS_URL set they use that
// server; otherwise they start one from the binaries on this machine in a temporary directory on
// a free loopback port (PostgreSQL with its unix socket inside that directory too) and tear it down
// when the process exits or `stop()` is called. Each test then takes a fresh database with
// `freshDatabase()`. When neither is possible the service is `null` with a `reason`: outside CI
// the suite skips and prints it; under CI=true `requireService` fails the run instead.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export interface PostgresService {
  /** Connection URL of the server's maintenance database. */
  adminUrl: string;
  /** A new, empty database on the server; its URL. */
  freshDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface RedisService {
  url: string;
  port: number;
  /** Stops the server (a started one only); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** False when the server came from TEST_REDIS_URL (it cannot be stopped by a test). */
  owned: boolean;
}

export type Availability<T> = { service: T; reason?: undefined } | { service: null; reason: string };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function findBinary(name: string, dirs: string[]): string | null {
  const pathDirs = (process.env.PATH ?? "").split(path.delimiter);
  for (const dir of [...pathDirs, ...dirs]) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

function pgBinDirs(): string[] {
  try {
    return fs
      .readdirSync("/usr/lib/postgresql")
      .sort()
      .reverse()
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHook = false;
function onExitCleanup() {
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const child of children) child.kill("SIGKILL");
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill(signal);
  });
}

/** PostgreSQL refuses to run as root: start it as the `postgres` system user then. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as");
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function postgresOn(adminUrl: string, stop: () => Promise<void>): PostgresService {
  return {
    adminUrl,
    async freshDatabase(prefix = "pf") {
      const name = `${prefix}_${randomBytes(6).toString("hex")}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return withDatabase(adminUrl, name);
    },
    stop,
  };
}

async function startPostgres(): Promise<PostgresService> {
  const initdb = findBinary("initdb", pgBinDirs());
  const postgres = findBinary("postgres", pgBinDirs());
  if (initdb === null || postgres === null) throw new MissingService("PostgreSQL (initdb/postgres) is not installed");
  const user = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-pg-"));
  tempDirs.add(dir);
  onExitCleanup();
  const dataDir = path.join(dir, "data");
  const socketDir = path.join(dir, "sock");
  fs.mkdirSync(socketDir);
  if (user) {
    fs.chownSync(dir, user.uid, user.gid);
    fs.chownSync(socketDir, user.uid, user.gid);
  }
  const opts = { cwd: dir, stdio: "pipe" as const, ...(user ?? {}), env: { ...process.env, LC_ALL: "C.UTF-8" } };
  execFileSync(initdb, ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], opts);
  const port = await freePort();
  const child = spawn(
    postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      socketDir,
      "-c",
      "listen_addresses=127.0.0.1",
      // A throwaway server: durability off keeps CREATE DATABASE and writes fast.
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=200",
    ],
    { ...opts, stdio: ["ignore", "ignore", "pipe"] },
  );
  children.add(child);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitFor(() => canConnect(adminUrl), 30_000, "postgres", child);
  } catch (error) {
    await stopChild(child, "SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return postgresOn(adminUrl, async () => {
    // SIGINT = fast shutdown (disconnects clients).
    await stopChild(child, "SIGINT");
    fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  });
}

async function startRedis(): Promise<RedisService> {
  const bin = findBinary("redis-server", ["/usr/bin", "/usr/local/bin"]);
  if (bin === null) throw new MissingService("redis-server is not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-redis-"));
  tempDirs.add(dir);
  onExitCleanup();
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(
      bin,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { cwd: dir, stdio: "ignore" },
    );
    children.add(c);
    child = c;
    await waitFor(() => pingRedis(port), 10_000, "redis-server", c);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    start,
    async stop() {
      if (child) await stopChild(child, "SIGKILL");
      child = null;
    },
  };
}

/** One PING over a raw socket, so this helper needs no client library. */
function pingRedis(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(1000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(String(d).startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

class MissingService extends Error {}

let pgPromise: Promise<Availability<PostgresService>> | null = null;
let redisPromise: Promise<Availability<RedisService>> | null = null;

/** The PostgreSQL server for this test process (started once, shared by its tests). */
export function postgresService(): Promise<Availability<PostgresService>> {
  pgPromise ??= (async (): Promise<Availability<PostgresService>> => {
    const url = process.env.TEST_DATABASE_URL;
    if (url) {
      if (!(await canConnect(url).catch(() => false))) {
        return { service: null, reason: `TEST_DATABASE_URL does not accept connections` };
      }
      return { service: postgresOn(url, async () => {}) };
    }
    try {
      return { service: await startPostgres() };
    } catch (error) {
      return { service: null, reason: `cannot start PostgreSQL: ${(error as Error).message}` };
    }
  })();
  return pgPromise;
}

/** The Redis server for this test process. */
export function redisService(): Promise<Availability<RedisService>> {
  redisPromise ??= (async (): Promise<Availability<RedisService>> => {
    const url = process.env.TEST_REDIS_URL;
    if (url) {
      const u = new URL(url);
      const port = Number(u.port || 6379);
      if (!(await pingRedis(port, u.hostname))) return { service: null, reason: "TEST_REDIS_URL does not answer PING" };
      return { service: { url, port, owned: false, start: async () => {}, stop: async () => {} } };
    }
    try {
      return { service: await startRedis() };
    } catch (error) {
      return { service: null, reason: `cannot start Redis: ${(error as Error).message}` };
    }
  })();
  return redisPromise;
}

/**
 * Whether a suite needing `what` may run. Missing outside CI: prints the reason and returns
 * false (skip). Missing under CI=true: throws, failing the run.
 */
export function requireService(what: string, availability: Availability<unknown>): boolean {
  if (availability.service !== null) return true;
  const message = `${what} unavailable: ${availability.reason}`;
  if (IN_CI) throw new Error(`${message} (CI=true: the ${what} suites must run)`);
  console.warn(`[skip] ${message}; the ${what} tests are skipped`);
  return false;
}

/**
 * Resolves whether PostgreSQL is available before the tests are collected (top-level await), so
 * a file can write `describe.skipIf(!pgReady)` / `describe.each(dialects)`.
 */
export async function availableDialects(): Promise<Array<"sqlite" | "postgres">> {
  const pgAvail = await postgresService();
  return requireService("PostgreSQL", pgAvail) ? ["sqlite", "postgres"] : ["sqlite"];
}
