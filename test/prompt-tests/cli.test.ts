// `promptforge test FILE` as a spawned process against a fake OpenAI server: the summary, the exit
// code (1 when the optimized prompt loses or fails an assertion), --estimate and --json.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeScript, type FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";
import { OPTIMIZED, ORIGINAL, QUESTIONS, responder } from "./fixture.js";

const KEY = "sk-cli-test-424242";
let fake: FakeServer;
let dir: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY, script: new FakeScript(responder()) });
  dir = tempDir("pf-cli-tests-");
  env = {
    DATA_DIR: path.join(dir.dir, "data"),
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "openai",
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
  };
  fs.writeFileSync(path.join(dir.dir, "original.txt"), ORIGINAL);
  fs.writeFileSync(path.join(dir.dir, "optimized.txt"), OPTIMIZED);
});
afterAll(async () => {
  await fake?.close();
  dir?.cleanup();
});

function yamlFile(name: string, assertion: string, prompts = true): string {
  const lines = [
    ...(prompts ? ["prompts:", "  - file://original.txt", "  - file://optimized.txt"] : []),
    "tests:",
    ...QUESTIONS.map((q) => `  - vars: {q: "${q}"}\n    assert:\n      - ${assertion}`),
  ];
  const file = path.join(dir.dir, name);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("promptforge test", () => {
  it("prints the summary and exits 0 when the optimized prompt wins and passes its assertions", async () => {
    const file = yamlFile("pass.yaml", "{type: icontains, value: capital}");
    const result = await runCli(["test", file, "--judge", "-q"], { env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/completed on openai:gpt-4\.1 — 10 cases × 1 samples, 40 calls/);
    expect(result.stdout).toMatch(/constraints followed\s+n\/a\s+100 %/);
    expect(result.stdout).toMatch(/verdict: optimized wins/);
  }, 90_000);

  it("exits 1 when the optimized prompt loses or fails an assertion, naming both", async () => {
    const file = yamlFile("fail.yaml", '{type: starts-with, value: "The"}');
    const result = await runCli(["test", file, "-q"], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/verdict: optimized loses/);
    expect(result.stderr).toMatch(
      /test failed: optimized loses; 10 optimized output\(s\) fail an assertion \(case 1: starts-with/,
    );
  }, 90_000);

  it("estimates calls without running; over --max-calls it says so and exits 1", async () => {
    const file = yamlFile("estimate.yaml", "{type: icontains, value: capital}");
    const before = fake.requests.length;
    const estimate = await runCli(["test", file, "--judge", "--estimate", "--max-calls", "30"], { env });
    expect(estimate.code).toBe(1);
    expect(estimate.stdout).toMatch(
      /^40 provider calls \(10 cases × 1 samples × 2 prompts \+ 2 judgments per pair\); cap 30 — over the cap/,
    );
    expect(fake.requests.length).toBe(before);
  }, 90_000);
});
