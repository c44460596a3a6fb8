// `promptforge github login` (device flow) through the CLI's own `run` (in process: spawning tsx
// per command is too slow on a shared machine) against the fake GitHub: prints the code, waits
// GitHub's interval, backs off on slow_down, stores the token; status and logout; an expired code
// fails with a clear message and exit code.
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-server.js";
import { tempDir } from "../helpers/temp-app.js";

async function runCli(args: string[], options: { env: Record<string, string> }) {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough();
  const err = new PassThrough();
  out.on("data", (d) => {
    stdout += d;
  });
  err.on("data", (d) => {
    stderr += d;
  });
  const stdin = new PassThrough();
  stdin.end();
  const code = await run(
    ["node", "promptforge", ...args],
    { stdout: out, stderr: err, stdin },
    {
      LLM_PROVIDER: "local",
      ...options.env,
    },
  );
  return { code, stdout, stderr };
}

const CLIENT_ID = "Iv1.cliclient";
let gh: FakeGitHub;
let env: Record<string, string>;
let cleanup: () => void;

beforeAll(async () => {
  gh = await startFakeGitHub({ clientId: CLIENT_ID, clientSecret: "cli-secret-unused-0000" });
  const t = tempDir("pf-cli-gh-");
  cleanup = t.cleanup;
  env = { DATA_DIR: path.join(t.dir, "data"), GITHUB_API_URL: gh.url, GITHUB_OAUTH_URL: gh.url, LOG_LEVEL: "silent" };
});

afterAll(async () => {
  await gh?.close();
  cleanup?.();
});

describe("promptforge github", () => {
  it("login refuses to start without a client id", async () => {
    const result = await runCli(["github", "login"], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--client-id/);
  });

  it("login runs the device flow, honouring interval and slow_down", async () => {
    gh.scriptDevice({ steps: ["pending", "slow_down"] });
    const started = Date.now();
    const result = await runCli(["github", "login", "--client-id", CLIENT_ID], { env });
    expect(result.stderr).toMatch(/Open https:\/\/github\.com\/login\/device and enter the code [A-Z]{4}-\d{4}/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Connected to GitHub as octocat/);
    expect(result.stderr).toMatch(/slow down: polling every 6 s/);
    // interval 1 s, 1 s, then 6 s after slow_down: GitHub was never polled early.
    expect(Date.now() - started).toBeGreaterThan(7_500);
    const polls = gh.requests.filter((r) => r.path === "/login/oauth/access_token");
    expect(polls).toHaveLength(3);
    for (let i = 1; i < polls.length; i++) {
      expect((polls[i] as { time: number }).time - (polls[i - 1] as { time: number }).time).toBeGreaterThanOrEqual(950);
    }
    const status = await runCli(["github", "status", "--json"], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ connected: true, login: "octocat", flow: "device" });
    const token = gh.issuedTokens.at(-1) as string;
    expect(`${result.stdout}${result.stderr}${status.stdout}`).not.toContain(token);
  }, 30_000);

  it("logout forgets the token", async () => {
    const result = await runCli(["github", "logout"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Disconnected/);
    const status = await runCli(["github", "status"], { env });
    expect(status.stdout).toMatch(/configured, not connected/);
  });

  it("an expired code ends with a clear error", async () => {
    gh.scriptDevice({ steps: ["expired"] });
    const result = await runCli(["github", "login"], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/expired before it was entered/);
  });
});
