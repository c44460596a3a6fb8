// `promptforge verify`: linter lines per constraint, exit codes, --json, stored optimizations. The
// command runs in-process through the CLI's own `run` (argv, streams, env); one test spawns the
// real binary for the process exit code.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";

async function cli(args: string[], options: { stdin?: string } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => {
    out += d;
  });
  stderr.on("data", (d) => {
    err += d;
  });
  stdin.end(options.stdin ?? "");
  const code = await run(["node", "promptforge", ...args], { stdout, stderr, stdin }, { ...env, LOG_LEVEL: "silent" });
  return { code, stdout: out, stderr: err };
}

let dir: string;
let cleanup: () => void;
let env: Record<string, string>;
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const PROMPT = 'Write a tagline for a bakery in less than 12 words.\nDo not use any commas.\nEnd with "Fresh daily."';

beforeAll(() => {
  ({ dir, cleanup } = tempDir("pf-cli-verify-"));
  env = { DATA_DIR: path.join(dir, "data"), LLM_PROVIDER: "local" };
});
afterAll(() => cleanup());

describe("promptforge verify", () => {
  it("prints one located line per constraint and exits 0 when none fails (real process)", async () => {
    const prompt = file("prompt.txt", PROMPT);
    const output = file("ok.txt", "Warm bread and sweet smiles. Fresh daily.");
    const r = await runCli(["verify", "--prompt", prompt, "--output", output], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      `${prompt}:1:33: ok: 7 words, wanted less than 12 [length.words] "less than 12 words"`,
      `${prompt}:2:1: ok: no commas [punctuation.no_commas] "Do not use any commas"`,
      `${prompt}:3:1: ok: ends with "Fresh daily." [startend.end_phrase] "End with \\"Fresh daily.\\""`,
      "3 constraints: 3 followed, 0 failed, 0 not checkable",
      "",
    ]);
    // An inline prompt needs no database.
    expect(existsSync(path.join(dir, "data"))).toBe(false);
  });

  it("exits 1 when a constraint fails and reads the output from stdin with -o -", async () => {
    const prompt = file("prompt.txt", PROMPT);
    const r = await cli(["verify", "-p", prompt, "-o", "-"], {
      stdin: "Bread, cakes, and pies for everyone in town today!",
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(": fail: 2 commas [punctuation.no_commas]");
    expect(r.stdout).toContain("3 constraints: 1 followed, 2 failed, 0 not checkable");
  });

  it("--json prints the verdicts with spans into the prompt", async () => {
    const prompt = file("prompt.txt", PROMPT);
    const output = file("bad.txt", "");
    const r = await cli(["verify", "--prompt", prompt, "--output", output, "--json"]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ source: "request", passed: false, summary: { total: 3, failed: 1 } });
    const words = result.verdicts[0];
    expect(PROMPT.slice(words.span.start, words.span.end)).toBe("less than 12 words");
  });

  it("verifies against a stored optimization", async () => {
    const optimized = await cli(["optimize", PROMPT, "--json"]);
    const record = JSON.parse(optimized.stdout);
    const output = file("out.txt", "Warm bread here. Fresh daily.");
    const r = await cli(["verify", "--optimization", record.id, "--original", "-o", output]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`optimization:${record.id}:1:33: ok: 5 words, wanted less than 12 [length.words]`);
    const missing = await cli(["verify", "--optimization", "nope", "-o", output]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Optimization nope does not exist/);
  });

  it("rejects bad usage with a clear message and exit 2", async () => {
    const prompt = file("prompt.txt", PROMPT);
    const output = file("ok.txt", "x");
    const both = await cli(["verify", "-p", prompt, "--optimization", "x", "-o", output]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --prompt FILE or --optimization ID/);
    const noOutput = await cli(["verify", "-p", prompt]);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toMatch(/--output/);
    const unreadable = await cli(["verify", "-p", path.join(dir, "nope.txt"), "-o", output]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read .*nope\.txt: no such file/);
    const blank = await cli(["verify", "-p", file("blank.txt", "  \n"), "-o", output]);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toMatch(/prompt must not be blank/);
  });
});
