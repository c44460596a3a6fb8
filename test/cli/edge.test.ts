// CLI edges of issue 17: a repeatable --tag that never swallows the prompt, stored text printed
// without terminal escapes, and messages that name the option or variable that is wrong.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";

let dir: string;
let cleanup: () => void;
let env: Record<string, string>;

beforeAll(() => {
  ({ dir, cleanup } = tempDir("pf-cli-edge-"));
  env = { DATA_DIR: path.join(dir, "data"), LLM_PROVIDER: "local" };
});
afterAll(() => cleanup());

// ESC, OSC (set the window title), BEL, CSI via C1, a bidi override and NUL.
// (NUL cannot travel in argv; the store test below adds it.)
const HOSTILE = "Title \u001b]0;pwned\u0007 \u001b[2J\u009b31m \u202eevil";

// Each case spawns the CLI from source (tsx): slow on a loaded machine.
describe("promptforge CLI edges", { timeout: 240_000 }, () => {
  it("optimize --tag is repeatable and leaves the prompt as the prompt", async () => {
    const prompt = "write a haiku about autumn leaves";
    const result = await runCli(["optimize", "--tag", "poetry", "--tag", "autumn", prompt, "--json", "-q"], { env });
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as { tags: string[]; raw_prompt: string };
    expect(record.tags).toEqual(["poetry", "autumn"]);
    expect(record.raw_prompt).toBe(prompt);
  });

  it("optimize stores a title clean, and history escapes what an older store still holds", async () => {
    const stored = await runCli(["optimize", "--title", HOSTILE, "explain the water cycle", "--json", "-q"], { env });
    expect(stored.code, stored.stderr).toBe(0);
    // Stored clean: the same rule as prompts.
    expect((JSON.parse(stored.stdout) as { title: string }).title).toBe("Title ]0;pwned [2J31m evil");
    // A record written before text was cleaned (or by another tool) is escaped on output.
    const app = await createApp(loadConfig({ ...env, LOG_LEVEL: "silent" }), { logDestination: 2 });
    const legacy = await app.deps.store.optimizations.create({
      raw_prompt: "legacy prompt",
      title: `Old ${HOSTILE}\u0000`,
      engine: "local",
      provider: "local",
    });
    await app.deps.store.optimizations.update(legacy.id, { status: "completed" });
    await app.close();
    const history = await runCli(["history"], { env });
    expect(history.code).toBe(0);
    expect(history.stdout).toContain("Title ]0;pwned [2J31m evil");
    expect(history.stdout).toContain("Old Title \\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m \\u202eevil\\x00");
    expect(history.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it("history names --limit and --status, and says when a filter matched nothing", async () => {
    const zero = await runCli(["history", "--limit", "0"], { env });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--limit must be a whole number from 1 to 100, got "0"/);
    expect(zero.stderr).not.toMatch(/per_page/);
    const bad = await runCli(["history", "--status", "done"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status must be one of pending, running, completed/);
    const none = await runCli(["history", "--status", "error"], { env });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe("no optimizations with status error");
  });

  it("doctor names LLM_PROVIDER when it is not a known provider", async () => {
    const result = await runCli(["doctor"], { env: { ...env, LLM_PROVIDER: "opneai", PORT: "0", MCP_PORT: "0" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fail\s+config\s+Invalid configuration: LLM_PROVIDER must be auto, local, /m);
    expect(result.stdout).toContain('got "opneai"');
    expect(result.stdout).not.toMatch(/environment is valid/);
  });
});
