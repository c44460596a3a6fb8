// `promptforge export` / `promptforge import` round trip through the real CLI code: a populated
// SQLite installation → PostgreSQL (in the postgres project; a second SQLite otherwise) under
// another ENCRYPTION_KEY → SQLite again. Every record of every table compares equal, stored keys
// still decrypt after re-encryption, and importing twice changes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { cliInProcess as cli } from "../helpers/cli-in-process.js";
import { freshPostgresDatabase, TEST_DIALECT } from "../helpers/dialect.js";

const KEY_A = "a1".repeat(32);
const KEY_B = "b2".repeat(32);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-transfer-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function populate(env: Record<string, string>) {
  const app = await createApp(loadConfig({ LOG_LEVEL: "silent", LLM_PROVIDER: "local", ...env }));
  try {
    const store = app.deps.store;
    const project = await store.projects.create({ name: "Transfer Project", description: "moved around" });
    const prompt = await store.prompts.add(project.id, { title: "greeting", content: "say hello to {{name}}" });
    await store.prompts.update(prompt.id, { content: "say hello warmly to {{name}}" }); // a version
    for (const text of ["write a blog post about remote work", "summarize the quarterly sales report"]) {
      await app.optimize({ prompt: text, project_id: project.id, tags: ["Moved"] });
    }
    await store.settings.set("ui.theme", "dark");
    await app.credentials.put("openai", { api_key: "sk-test-transfer-0123456789" });
    await store.audit.append({
      time: "2026-01-01T00:00:00.000Z",
      method: "GET",
      path: "/api/history",
      status: 200,
      client_ip: "127.0.0.1",
      duration_ms: 1.5,
      request_id: "req-1",
    });
  } finally {
    await app.close();
  }
}

/** The export as parsed lines, ciphertexts blanked (they differ under another key by design). */
async function exported(env: Record<string, string>, file: string) {
  const r = await cli(["export", "--out", file], env);
  expect(r.code, r.err).toBe(0);
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .map((l) => (l._type === "provider_credential" ? { ...l, row: { ...l.row, ciphertext: "…" } } : l));
}

describe("promptforge export / import", () => {
  it(`round-trips a whole installation SQLite → ${TEST_DIALECT === "postgres" ? "PostgreSQL" : "SQLite"} → SQLite, idempotently`, async () => {
    const dir = tempDir();
    const a = { DATA_DIR: path.join(dir, "a"), ENCRYPTION_KEY: KEY_A };
    let b: Record<string, string> = { DATA_DIR: path.join(dir, "b"), ENCRYPTION_KEY: KEY_B };
    if (TEST_DIALECT === "postgres") {
      const db = await freshPostgresDatabase();
      cleanups.push(db.drop);
      b = { ...b, DATABASE_URL: db.url, INTERNAL_WEBHOOK_SECRET: "transfer-test-secret-0123456789abcdef" };
    }
    const c = { DATA_DIR: path.join(dir, "c"), ENCRYPTION_KEY: KEY_A };
    await populate(a);

    const fromA = await exported(a, path.join(dir, "a.jsonl"));
    const kinds = new Set(fromA.map((l) => l._type ?? "optimization"));
    expect([...kinds].sort()).toEqual(
      ["audit_event", "optimization", "project", "prompt", "prompt_version", "provider_credential", "setting"].sort(),
    );
    fs.writeFileSync(path.join(dir, "key-a"), KEY_A);

    const first = await cli(
      ["import", path.join(dir, "a.jsonl"), "--source-key-file", path.join(dir, "key-a"), "--json"],
      b,
    );
    expect(first.code, first.err).toBe(0);
    const report = JSON.parse(first.out);
    expect(report.optimization).toEqual({ inserted: 2, skipped: 0 });
    expect(report.provider_credential).toEqual({ inserted: 1, skipped: 0 });
    const again = await cli(
      ["import", path.join(dir, "a.jsonl"), "--source-key-file", path.join(dir, "key-a"), "--json"],
      b,
    );
    expect(again.code, again.err).toBe(0);
    for (const counts of Object.values(JSON.parse(again.out)) as Array<{ inserted: number }>) {
      expect(counts.inserted).toBe(0);
    }

    const fromB = await exported(b, path.join(dir, "b.jsonl"));
    expect(fromB).toEqual(fromA);
    // The stored key was re-encrypted under B's key and still reads back.
    const appB = await createApp(loadConfig({ LOG_LEVEL: "silent", LLM_PROVIDER: "local", ...b }));
    try {
      expect(await appB.credentials.reveal("openai")).toBe("sk-test-transfer-0123456789");
      expect((await appB.history.list({ search: "quarterly" })).total).toBe(1);
    } finally {
      await appB.close();
    }

    fs.writeFileSync(path.join(dir, "key-b"), KEY_B);
    const back = await cli(["import", path.join(dir, "b.jsonl"), "--source-key-file", path.join(dir, "key-b")], c);
    expect(back.code, back.err).toBe(0);
    expect(await exported(c, path.join(dir, "c.jsonl"))).toEqual(fromA);
  }, 60_000);

  it("refuses a bad line with a clear message and a usage exit code", async () => {
    const dir = tempDir();
    const env = { DATA_DIR: path.join(dir, "d") };
    fs.writeFileSync(path.join(dir, "bad.jsonl"), '{"_type":"project","row":{}}\n');
    const bad = await cli(["import", path.join(dir, "bad.jsonl")], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/line 1: the project row was refused/);
    fs.writeFileSync(path.join(dir, "junk.jsonl"), "not json\n");
    expect((await cli(["import", path.join(dir, "junk.jsonl")], env)).err).toMatch(/line 1: not valid JSON/);
    fs.writeFileSync(path.join(dir, "type.jsonl"), '{"_type":"users","row":{}}\n');
    expect((await cli(["import", path.join(dir, "type.jsonl")], env)).err).toMatch(/unknown _type "users"/);
    expect((await cli(["import", path.join(dir, "missing.jsonl")], env)).err).toMatch(/no such file/);
  });
});
