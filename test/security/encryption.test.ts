// Control 8 — encryption at rest: stored provider keys are AES-256-GCM ciphertext bound to their
// row, shown masked, never in the database file in clear; tampered or swapped ciphertext is refused
// without a 500; a different ENCRYPTION_KEY stops start-up with a clear error; the key file is 0600.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { ConfigError } from "../../src/config.js";
import { JSON_HEADERS, memoryLogger, secureConfig, startSecureServer, tempDataDir } from "./harness.js";

const OPENAI_KEY = "sk-test-canary-1234567890";
const ANTHROPIC_KEY = "sk-ant-test-canary-0987654321";
const KEY_A = "a1".repeat(32);
const KEY_B = "b2".repeat(32);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function newDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d;
}

function dbBytes(dataDir: string): Buffer {
  return Buffer.concat(
    ["promptforge.db", "promptforge.db-wal", "promptforge.db-shm"]
      .map((f) => path.join(dataDir, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f)),
  );
}

function putKey(s: { fetch: (p: string, i?: RequestInit) => Promise<Response> }, provider: string, apiKey: string) {
  return s.fetch(`/api/providers/${provider}/credential`, {
    method: "PUT",
    headers: JSON_HEADERS,
    body: JSON.stringify({ api_key: apiKey }),
  });
}

function editRows(dataDir: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path.join(dataDir, "promptforge.db"));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

interface ProviderInfo {
  name: string;
  available: boolean;
  key_source: string | null;
}

describe("stored provider keys", () => {
  it("are shown masked (last 4 only) and never stored in plaintext", async () => {
    const dataDir = newDir();
    const s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    try {
      const put = await putKey(s, "openai", OPENAI_KEY);
      expect(put.status).toBe(200);
      const text = await put.text();
      expect(JSON.parse(text)).toEqual({
        provider: "openai",
        api_key: "••••7890",
        last4: "7890",
        updated_at: expect.any(String),
      });
      expect(text).not.toContain(OPENAI_KEY.slice(0, -4));

      const get = await s.fetch("/api/providers/openai/credential");
      expect(get.status).toBe(200);
      expect(await get.json()).toMatchObject({ api_key: "••••7890", last4: "7890" });

      const providers = (await (await s.fetch("/api/providers")).json()) as ProviderInfo[];
      expect(providers.find((p) => p.name === "openai")).toMatchObject({ available: true, key_source: "stored" });
      expect(await s.app.credentials.reveal("openai")).toBe(OPENAI_KEY);

      // Neither the database nor its WAL holds the key (or any long part of it) in clear.
      const bytes = dbBytes(s.dataDir);
      expect(bytes.includes(Buffer.from(OPENAI_KEY))).toBe(false);
      expect(bytes.includes(Buffer.from("test-canary-123456"))).toBe(false);
    } finally {
      await s.close();
    }
    editRows(dataDir, (db) => {
      const row = db.prepare("SELECT ciphertext FROM provider_credential WHERE provider = 'openai'").get() as {
        ciphertext: string;
      };
      expect(row.ciphertext).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    });
    expect(dbBytes(dataDir).includes(Buffer.from(OPENAI_KEY))).toBe(false);
  });

  it("tampered ciphertext is refused cleanly: no 500, treated as no key, logged", async () => {
    const dataDir = newDir();
    let s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    expect((await putKey(s, "openai", OPENAI_KEY)).status).toBe(200);
    await s.close();
    editRows(dataDir, (db) => {
      const { ciphertext } = db.prepare("SELECT ciphertext FROM provider_credential").get() as { ciphertext: string };
      const i = ciphertext.length - 5;
      const flipped = `${ciphertext.slice(0, i)}${ciphertext[i] === "A" ? "B" : "A"}${ciphertext.slice(i + 1)}`;
      db.prepare("UPDATE provider_credential SET ciphertext = ? WHERE provider = 'openai'").run(flipped);
    });

    s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    try {
      const providers = await s.fetch("/api/providers");
      expect(providers.status).toBe(200);
      const openai = ((await providers.json()) as ProviderInfo[]).find((p) => p.name === "openai");
      expect(openai).toMatchObject({ available: false, key_source: null });
      expect((await s.fetch("/api/health")).status).toBe(200);
      expect(await s.app.credentials.reveal("openai")).toBeUndefined();

      // Asking for that provider explicitly is a clear client error, not a 500 with a stack.
      const optimize = await s.fetch("/api/optimize", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ prompt: "Write a haiku about tea.", provider: "openai" }),
      });
      const body = await optimize.text();
      expect(optimize.status).toBe(422);
      expect(JSON.parse(body)).toMatchObject({ error: { code: "validation_error" } });
      expect(body).not.toMatch(/DecryptionError|at Object\.|\.ts:\d+/);
      expect(body).toMatch(/no API key/i);

      const warned = s.logs.map((l) => JSON.parse(l)).filter((l) => l.provider === "openai" && l.level === 40);
      expect(warned[0]?.msg).toMatch(/could not be decrypted/);
      expect(s.logs.join("\n")).not.toContain(OPENAI_KEY);

      // Storing the key again repairs it.
      expect((await putKey(s, "openai", OPENAI_KEY)).status).toBe(200);
      expect(await s.app.credentials.reveal("openai")).toBe(OPENAI_KEY);
    } finally {
      await s.close();
    }
  });

  it("ciphertext swapped between rows (openai ↔ anthropic) is rejected: it is bound to its row", async () => {
    const dataDir = newDir();
    let s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    expect((await putKey(s, "openai", OPENAI_KEY)).status).toBe(200);
    expect((await putKey(s, "anthropic", ANTHROPIC_KEY)).status).toBe(200);
    await s.close();
    editRows(dataDir, (db) => {
      const rows = db.prepare("SELECT provider, ciphertext FROM provider_credential").all() as Array<{
        provider: string;
        ciphertext: string;
      }>;
      const by = Object.fromEntries(rows.map((r) => [r.provider, r.ciphertext]));
      const update = db.prepare("UPDATE provider_credential SET ciphertext = ? WHERE provider = ?");
      update.run(by.anthropic, "openai");
      update.run(by.openai, "anthropic");
    });

    s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    try {
      expect(await s.app.credentials.reveal("openai")).toBeUndefined();
      expect(await s.app.credentials.reveal("anthropic")).toBeUndefined();
      const res = await s.fetch("/api/providers");
      expect(res.status).toBe(200);
      const list = (await res.json()) as ProviderInfo[];
      for (const name of ["openai", "anthropic"]) {
        expect(list.find((p) => p.name === name)).toMatchObject({ available: false, key_source: null });
      }
    } finally {
      await s.close();
    }
  });

  it("a different ENCRYPTION_KEY stops start-up with a clear error, and the data stays readable with the right one", async () => {
    const dataDir = newDir();
    let s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    expect((await putKey(s, "openai", OPENAI_KEY)).status).toBe(200);
    await s.close();

    const wrong = createApp(secureConfig(dataDir, { ENCRYPTION_KEY: KEY_B }), { logger: memoryLogger().logger });
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(/ENCRYPTION_KEY does not match/);
    // Nor may the generated key file silently replace the configured key.
    const unset = createApp(secureConfig(dataDir), { logger: memoryLogger().logger });
    await expect(unset).rejects.toThrow(/ENCRYPTION_KEY/);

    s = await startSecureServer({ dataDir, env: { ENCRYPTION_KEY: KEY_A } });
    try {
      expect(await s.app.credentials.reveal("openai")).toBe(OPENAI_KEY);
    } finally {
      await s.close();
    }
  });

  it("an invalid ENCRYPTION_KEY is refused with an error naming the variable, not the value", async () => {
    const app = createApp(secureConfig(newDir(), { ENCRYPTION_KEY: "short-key" }), { logger: memoryLogger().logger });
    await expect(app).rejects.toThrow(/ENCRYPTION_KEY must be/);
    await expect(app).rejects.not.toThrow(/short-key/);
  });

  it("without ENCRYPTION_KEY, a key file is generated once (0600) and reused across restarts", async () => {
    const dataDir = newDir();
    let s = await startSecureServer({ dataDir });
    const keyFile = path.join(dataDir, "encryption.key");
    const key = fs.readFileSync(keyFile, "utf8").trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await putKey(s, "gemini", "gm-test-key-abcdef")).status).toBe(200);
    await s.close();

    s = await startSecureServer({ dataDir });
    try {
      expect(fs.readFileSync(keyFile, "utf8").trim()).toBe(key);
      expect(await s.app.credentials.reveal("gemini")).toBe("gm-test-key-abcdef");
      expect(dbBytes(dataDir).includes(Buffer.from(key))).toBe(false);
    } finally {
      await s.close();
    }
  });
});
