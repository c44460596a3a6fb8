// Control 9 — filesystem hardening: data directory 0700, database (+ WAL/SHM), key, secret and audit
// log 0600 once the server runs; looser pre-existing modes are tightened and logged.
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JSON_HEADERS, type SecureServer, startSecureServer, tempDataDir } from "./harness.js";

const FILES = [
  "promptforge.db",
  "promptforge.db-wal",
  "promptforge.db-shm",
  "encryption.key",
  "internal-webhook.secret",
  "audit.log",
];
const mode = (p: string) => fs.statSync(p).mode & 0o777;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startAndTouch(dataDir: string): Promise<SecureServer> {
  const s = await startSecureServer({ dataDir });
  // A state-changing request writes the audit log (created on first use).
  const res = await s.fetch("/api/projects", { method: "POST", headers: JSON_HEADERS, body: '{"name":"fs"}' });
  expect([201, 200]).toContain(res.status);
  const log = path.join(dataDir, "audit.log");
  for (let i = 0; i < 100 && !fs.existsSync(log); i++) await new Promise((r) => setTimeout(r, 10));
  return s;
}

describe.skipIf(process.platform === "win32")("data directory permissions", () => {
  it("are owner-only after start: directory 0700, every sensitive file 0600", async () => {
    const dataDir = tempDataDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    fs.chmodSync(dataDir, 0o755);
    const s = await startAndTouch(dataDir);
    cleanup.push(() => s.close());
    expect(mode(dataDir)).toBe(0o700);
    for (const name of FILES) {
      const file = path.join(dataDir, name);
      expect(fs.existsSync(file), name).toBe(true);
      expect(mode(file), name).toBe(0o600);
    }
  });

  it("tightens looser pre-existing modes (0644 files, 0755 directory) and logs each one", async () => {
    const dataDir = tempDataDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const first = await startAndTouch(dataDir);
    await first.close();

    fs.chmodSync(dataDir, 0o755);
    for (const name of ["promptforge.db", "encryption.key", "internal-webhook.secret", "audit.log"]) {
      fs.chmodSync(path.join(dataDir, name), 0o644);
    }
    const s = await startSecureServer({ dataDir });
    cleanup.push(() => s.close());
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ["promptforge.db", "encryption.key", "internal-webhook.secret", "audit.log"]) {
      expect(mode(path.join(dataDir, name)), name).toBe(0o600);
    }
    const tightened = s.logs
      .map((l) => JSON.parse(l) as { level: number; msg: string; path?: string; from?: string; to?: string })
      .filter((l) => /tightened/.test(l.msg));
    expect(tightened).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 40, path: dataDir, from: "0755", to: "0700" }),
        expect.objectContaining({ path: path.join(dataDir, "promptforge.db"), from: "0644", to: "0600" }),
        expect.objectContaining({ path: path.join(dataDir, "encryption.key"), from: "0644", to: "0600" }),
        expect.objectContaining({ path: path.join(dataDir, "internal-webhook.secret"), from: "0644", to: "0600" }),
        expect.objectContaining({ path: path.join(dataDir, "audit.log"), from: "0644", to: "0600" }),
      ]),
    );
    // Names and modes only: never file contents.
    const key = fs.readFileSync(path.join(dataDir, "encryption.key"), "utf8").trim();
    expect(s.logs.join("\n")).not.toContain(key);
  });

  it("creates a missing data directory 0700", async () => {
    const parent = tempDataDir();
    cleanup.push(() => fs.rmSync(parent, { recursive: true, force: true }));
    const dataDir = path.join(parent, "nested", "data");
    const s = await startSecureServer({ dataDir });
    cleanup.push(() => s.close());
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, "promptforge.db"))).toBe(0o600);
  });
});
