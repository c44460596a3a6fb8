// Engine resolution and detection: explicit request → LLM_PROVIDER → auto-detection → local, the
// detection cache and its invalidation, list(), per-request keys and validateKey against fakes.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { startFakeAnthropic } from "../fakes/anthropic-server.js";
import { startFakeGemini } from "../fakes/gemini-server.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { KEYS, registryFor, SAMPLE_PROMPT } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function claudeOnPath(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "path-claude-"));
  await writeFile(path.join(dir, "claude"), "#!/bin/sh\nexit 0\n");
  await chmod(path.join(dir, "claude"), 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("resolution order", () => {
  it("falls back to local when nothing is configured", async () => {
    const registry = registryFor({});
    expect(await registry.defaultEngine()).toBe("local");
    expect((await registry.resolve()).name).toBe("local");
  });

  it("auto-detects claude-cli first, then anthropic, openai, gemini, openai-compatible", async () => {
    const dir = await claudeOnPath();
    const all = {
      anthropic: { apiKey: KEYS.anthropic },
      openai: { apiKey: KEYS.openai },
      gemini: { apiKey: KEYS.gemini },
      openaiCompatible: { baseUrl: "http://127.0.0.1:11434/v1" },
    };
    expect(await registryFor({ ...all, claudeCli: { searchPath: dir } }).defaultEngine()).toBe("claude-cli");
    expect(await registryFor(all).defaultEngine()).toBe("anthropic");
    expect(await registryFor({ ...all, anthropic: {} }).defaultEngine()).toBe("openai");
    expect(await registryFor({ gemini: all.gemini, openaiCompatible: all.openaiCompatible }).defaultEngine()).toBe(
      "gemini",
    );
    expect(await registryFor({ openaiCompatible: all.openaiCompatible }).defaultEngine()).toBe("openai-compatible");
  });

  it("prefers LLM_PROVIDER over detection and an explicit request over both", async () => {
    const settings = { anthropic: { apiKey: KEYS.anthropic }, openai: { apiKey: KEYS.openai } };
    const registry = registryFor(settings, { defaultProvider: "openai" });
    expect(await registry.defaultEngine()).toBe("openai");
    expect((await registry.resolve()).name).toBe("openai");
    expect((await registry.resolve({ provider: " Anthropic " })).name).toBe("anthropic");
    expect((await registry.resolve({ provider: "local" })).name).toBe("local");
    expect(await registryFor(settings, { defaultProvider: "local" }).defaultEngine()).toBe("local");
    expect(await registryFor(settings, { defaultProvider: "auto" }).defaultEngine()).toBe("anthropic");
  });

  it("rejects an unknown provider and an unusable one with actionable messages", async () => {
    const registry = registryFor({});
    const unknown = await rejection(registry.resolve({ provider: "skynet" }));
    expect(unknown.code).toBe("validation_error");
    expect(unknown.details).toMatchObject({ known: expect.arrayContaining(["local", "openai", "claude-cli"]) });
    const noKey = await rejection(registry.resolve({ provider: "openai" }));
    expect(noKey.message).toMatch(/no API key: set OPENAI_API_KEY, store a key in Settings, or send X-LLM-API-Key/);
    const noUrl = await rejection(registry.resolve({ provider: "openai-compatible" }));
    expect(noUrl.message).toMatch(/set OPENAI_COMPATIBLE_BASE_URL/);
    const noCli = await rejection(registry.resolve({ provider: "claude-cli" }));
    expect(noCli.message).toMatch(/claude command was not found.*CLAUDE_CLI_PATH/);
    const badModel = await rejection(registry.resolve({ provider: "openai", model: "../../etc", apiKey: "sk-x" }));
    expect(badModel.message).toMatch(/model name is not valid/);
  });

  it("uses the per-request model and key for that engine only", async () => {
    const fake = await startFakeOpenAI({ apiKey: "sk-request-only-key-123456" });
    cleanups.push(() => fake.close());
    const registry = registryFor({ openai: { apiKey: KEYS.openai, baseUrl: fake.url } });
    const engine = await registry.resolve({
      provider: "openai",
      model: "gpt-4o-mini",
      apiKey: "sk-request-only-key-123456",
    });
    expect(engine.model).toBe("gpt-4o-mini");
    await engine.analyze(SAMPLE_PROMPT, { signal: new AbortController().signal });
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-request-only-key-123456");
    expect(fake.requests[0]?.body.model).toBe("gpt-4o-mini");
    const plain = await registry.resolve({ provider: "openai" });
    const error = await plain.analyze(SAMPLE_PROMPT, { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("unauthorized");
    expect(JSON.stringify(await registry.list())).not.toContain("sk-request-only");
  });
});

describe("detection cache and stored keys", () => {
  it("caches detection for the TTL and refreshes after invalidate()", async () => {
    let now = 0;
    const stored = new Map<string, string>();
    let lookups = 0;
    const registry = registryFor(
      {},
      {
        clock: () => now,
        getStoredKey: async (provider) => {
          lookups++;
          return stored.get(provider);
        },
      },
    );
    expect(await registry.defaultEngine()).toBe("local");
    const perDetection = lookups;
    stored.set("gemini", KEYS.gemini);
    now = 10_000;
    expect(await registry.defaultEngine()).toBe("local"); // still cached
    expect(lookups).toBe(perDetection);
    registry.invalidate();
    expect(await registry.defaultEngine()).toBe("gemini");
    stored.delete("gemini");
    now = 45_000; // past the 30 s TTL
    expect(await registry.defaultEngine()).toBe("local");
  });

  it("uses a stored key before the environment's and reports where it came from", async () => {
    const fake = await startFakeGemini({ apiKey: "AIzaStoredKey0123456789" });
    cleanups.push(() => fake.close());
    const registry = registryFor(
      { gemini: { apiKey: "AIzaEnvKey0123456789abc", baseUrl: fake.url } },
      { getStoredKey: async (p) => (p === "gemini" ? "AIzaStoredKey0123456789" : undefined) },
    );
    const info = (await registry.list()).find((p) => p.name === "gemini");
    expect(info).toMatchObject({ available: true, key_source: "stored", requires_key: true, is_default: true });
    const engine = await registry.resolve({ provider: "gemini" });
    await engine.analyze(SAMPLE_PROMPT, { signal: new AbortController().signal });
    expect(fake.requests[0]?.headers["x-goog-api-key"]).toBe("AIzaStoredKey0123456789");
  });
});

describe("list()", () => {
  it("lists every provider with availability, default model, catalogue and key requirement", async () => {
    const registry = registryFor({ openai: { apiKey: KEYS.openai, model: "gpt-4o" } });
    const list = await registry.list();
    expect(list.map((p) => p.name)).toEqual([
      "local",
      "claude-cli",
      "anthropic",
      "openai",
      "gemini",
      "openai-compatible",
    ]);
    const openai = list.find((p) => p.name === "openai");
    expect(openai).toMatchObject({
      available: true,
      default_model: "gpt-4o",
      requires_key: true,
      key_source: "env",
      is_default: true,
    });
    expect(openai?.models).toContain("gpt-4.1");
    expect(list.find((p) => p.name === "anthropic")).toMatchObject({
      available: false,
      default_model: "claude-sonnet-4-5",
    });
    expect(list.find((p) => p.name === "openai-compatible")).toMatchObject({ requires_key: false, available: false });
    expect(JSON.stringify(list)).not.toContain(KEYS.openai);
  });
});

describe("validateKey()", () => {
  it("accepts a working key with one minimal real call", async () => {
    const fake = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    cleanups.push(() => fake.close());
    const registry = registryFor({ anthropic: { baseUrl: fake.url } });
    const result = await registry.validateKey("anthropic", KEYS.anthropic);
    expect(result).toMatchObject({ provider: "anthropic", valid: true, model: "claude-sonnet-4-5" });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body.max_tokens).toBe(16);
  });

  it("rejects a wrong key with a message free of key material", async () => {
    const fake = await startFakeOpenAI({ apiKey: KEYS.openai });
    cleanups.push(() => fake.close());
    const registry = registryFor({ openai: { baseUrl: fake.url } });
    const wrong = "sk-proj-wrongwrongwrong-4321";
    const result = await registry.validateKey("openai", wrong);
    expect(result).toMatchObject({ valid: false, reason: "authentication" });
    expect(result.message).toMatch(/OpenAI rejected the API key/);
    expect(JSON.stringify(result)).not.toMatch(/4321|wrongwrong|sk-proj/);
    expect(await registry.defaultEngine()).toBe("local");
  });

  it("refuses providers that take no key", async () => {
    const registry = registryFor({});
    expect((await rejection(registry.validateKey("claude-cli", "x"))).code).toBe("validation_error");
    expect((await rejection(registry.validateKey("local", "x"))).code).toBe("validation_error");
    expect((await rejection(registry.validateKey("openai", "  "))).message).toMatch(/API key is empty/);
  });
});
