// Runs the CLI's `run` in this process (no spawn): faster where a test needs many commands and
// does not care about process start-up. Output streams are collected as text.
import { PassThrough } from "node:stream";
import { run } from "../../src/cli/main.js";

export async function cliInProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => {
    out += d;
  });
  stderr.on("data", (d) => {
    err += d;
  });
  const code = await run(
    ["node", "promptforge", ...args],
    { stdout, stderr, stdin: new PassThrough() },
    { LOG_LEVEL: "silent", LLM_PROVIDER: "local", ...env },
  );
  return { code, out, err };
}
