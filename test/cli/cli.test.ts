import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";

let dir: string;
let cleanup: () => void;
let env: Record<string, string>;

beforeAll(() => {
  ({ dir, cleanup } = tempDir("pf-cli-"));
  env = { DATA_DIR: path.join(dir, "data"), LLM_PROVIDER: "local" };
});
afterAll(() => cleanup());

describe("promptforge CLI", () => {
  it("optimize --json prints a complete record that history then lists", async () => {
    const result = await runCli(["optimize", "write a blog post about remote work", "--json"], { env });
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record.status).toBe("completed");
    expect(record.analysis.weaknesses.length).toBeGreaterThan(0);
    expect(record.analysis.constraints).toBeInstanceOf(Array);
    expect(record.strategy.reasoning).toBeTruthy();
    expect(record.optimized_prompt).toContain("remote work");
    expect(record.validation.original_scores.clarity).toBeGreaterThanOrEqual(1);
    expect(record.validation.optimized_scores.clarity).toBeGreaterThanOrEqual(1);
    expect(record.validation.preserved).toHaveProperty("constraints");
    expect(result.stderr).toMatch(/Analyzing/);

    const history = await runCli(["history", "--json"], { env });
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).items.map((r: { id: string }) => r.id)).toContain(record.id);

    const search = await runCli(["history", "--search", "remote"], { env });
    expect(search.stdout).toContain(record.id);
  });

  it("optimize reads the prompt from stdin and from a file, printing only the prompt on stdout", async () => {
    const viaStdin = await runCli(["optimize", "-q"], { env, stdin: "Explain recursion to a beginner." });
    expect(viaStdin.code).toBe(0);
    expect(viaStdin.stdout).toContain("Explain recursion to a beginner.");
    expect(viaStdin.stderr).toBe("");
    const file = path.join(dir, "prompt.txt");
    writeFileSync(file, 'Write a haiku about autumn leaves. Do not use the word "fall".');
    const viaFile = await runCli(["optimize", "-f", file, "-q"], { env });
    expect(viaFile.code).toBe(0);
    expect(viaFile.stdout).toContain('Do not use the word "fall"');
  });

  it("rejects bad input with a clear message and a non-zero exit", async () => {
    const empty = await runCli(["optimize", "   "], { env });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/prompt.*(empty|blank)/i);
    const missing = await runCli(["optimize", "-f", path.join(dir, "nope.txt")], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.txt: no such file/);
    const huge = path.join(dir, "huge.txt");
    writeFileSync(huge, "a".repeat(100_001));
    const tooLong = await runCli(["optimize", "-f", huge], { env });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/100000/);
    const strategy = await runCli(["optimize", "hello world", "--strategy", "nonsense"], { env });
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/Unknown strategy "nonsense"/);
  });

  it("analyze prints linter lines and exits 1 only on error-severity findings", async () => {
    const ok = await runCli(["analyze", "write a blog post about remote work"], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^1:1\s+PF-ROLE\s+warning\s+/m);
    expect(ok.stdout).toMatch(/task_type=writing/);
    const conflicting = await runCli(
      ["analyze", "Write a summary in under 50 words. The summary must be at least 200 words."],
      { env },
    );
    expect(conflicting.stdout).toMatch(/PF-CONFLICT\s+error/);
    expect(conflicting.code).toBe(1);
    const json = await runCli(["analyze", "Classify these emails", "--json"], { env });
    expect(JSON.parse(json.stdout).task_type).toBe("classification");
  });

  it("batch runs every line, reports bad lines and keeps going", async () => {
    const file = path.join(dir, "batch.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ prompt: "Explain recursion to a beginner." }),
        "{not json",
        JSON.stringify({ prompt: "a".repeat(100_001) }),
        JSON.stringify({ nope: 1 }),
        JSON.stringify({ prompt: "Write a SQL query to find the top customers.", strategy: "few-shot" }),
      ].join("\n"),
    );
    const result = await runCli(["batch", file, "--concurrency", "2", "-q"], { env });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0].status).toBe("completed");
    expect(lines[1]).toMatchObject({ line: 2, error: { message: expect.stringMatching(/invalid JSON/) } });
    expect(lines[2]).toMatchObject({ line: 3, error: { message: expect.stringMatching(/100000/) } });
    expect(lines[3]).toMatchObject({ line: 4, error: { message: expect.stringMatching(/prompt/) } });
    expect(lines[4].strategy.strategy).toBe("few-shot-scaffolding");
    expect(result.stderr).toMatch(/line 2: invalid JSON/);
  });

  it("strategies lists all ten", async () => {
    const result = await runCli(["strategies", "--json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(10);
  });

  it("keygen prints a fresh 32-byte hex secret each time", async () => {
    const a = await runCli(["keygen"], { env });
    const b = await runCli(["keygen"], { env });
    expect(a.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(a.stdout).not.toBe(b.stdout);
    const bad = await runCli(["keygen", "--bytes", "4"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--bytes must be/);
  });

  it("doctor checks the installation and fails on a broken configuration", async () => {
    const ok = await runCli(["doctor"], { env: { ...env, PORT: "0", MCP_PORT: "0" } });
    expect(ok.stdout).toMatch(/^ok\s+database\s+/m);
    expect(ok.stdout).toMatch(/^ok\s+providers\s+available: local/m);
    expect(ok.code).toBe(0);
    const broken = await runCli(["doctor"], { env: { ...env, PORT: "not-a-port" } });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^fail\s+config\s+Invalid configuration: PORT/m);
  });
});
