// A setup that works from anywhere (issue 16 item 3): the default data directory does not depend on
// the working directory, `--print-config` prints commands that work where they are pasted, and the
// stdio server says loudly when its activity cannot reach the API.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { clientConfigs, installKind, stdioCommand } from "../../src/mcp/client-config.js";
import { resolveDataDir, userDataDir } from "../../src/security/data-dir.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-app.js";
import { TSX_IMPORT } from "../helpers/tsx.js";
import { structured } from "./harness.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const entry = path.join(root, "test/helpers/cli-entry.ts");
const PROMPT = 'Summarise the attached meeting notes in five bullet points. End with "Next steps".';

describe("the default data directory", () => {
  const none = () => false;

  it("is the platform's user data directory, whatever the working directory", () => {
    const env = { HOME: "/home/ada" };
    expect(userDataDir({ env, platform: "linux" })).toBe("/home/ada/.local/share/promptforge");
    expect(userDataDir({ env: { ...env, XDG_DATA_HOME: "/xdg" }, platform: "linux" })).toBe("/xdg/promptforge");
    // The XDG spec ignores a relative XDG_DATA_HOME.
    expect(userDataDir({ env: { ...env, XDG_DATA_HOME: "rel" }, platform: "linux" })).toBe(
      "/home/ada/.local/share/promptforge",
    );
    expect(userDataDir({ env, platform: "darwin" })).toBe("/home/ada/Library/Application Support/promptforge");
    expect(userDataDir({ env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" }, platform: "win32" })).toBe(
      "C:\\Users\\ada\\AppData\\Roaming\\promptforge",
    );
    for (const cwd of ["/srv/repo-a", "/tmp/elsewhere"]) {
      expect(resolveDataDir({ env, platform: "linux", cwd, exists: none })).toEqual({
        dataDir: "/home/ada/.local/share/promptforge",
        source: "user-default",
      });
    }
  });

  it("DATA_DIR overrides it; an existing ./data store keeps being used", () => {
    const env = { HOME: "/home/ada" };
    expect(resolveDataDir({ env: { ...env, DATA_DIR: "store" }, cwd: "/srv/app", exists: () => true })).toEqual({
      dataDir: "/srv/app/store",
      source: "DATA_DIR",
    });
    const legacy = resolveDataDir({
      env,
      platform: "linux",
      cwd: "/srv/app",
      exists: (f) => f === "/srv/app/data/promptforge.db",
    });
    expect(legacy).toEqual({ dataDir: "/srv/app/data", source: "legacy-cwd" });
    // An empty ./data (or one without store files) is not a store.
    expect(
      resolveDataDir({ env, platform: "linux", cwd: "/srv/app", exists: (f) => f === "/srv/app/data" }).source,
    ).toBe("user-default");
  });

  it("loadConfig uses it when DATA_DIR is unset", () => {
    const xdg = tempDir("pf-life-xdg-");
    try {
      const config = loadConfig({ XDG_DATA_HOME: xdg.dir, HOME: "/nonexistent" });
      // (The working directory here is the checkout, whose ./data may be a legacy store.)
      if (config.dataDirSource === "user-default") expect(config.dataDir).toBe(path.join(xdg.dir, "promptforge"));
      else expect(config.dataDir).toBe(path.join(process.cwd(), "data"));
      expect(loadConfig({ XDG_DATA_HOME: xdg.dir, DATA_DIR: xdg.dir }).dataDirSource).toBe("DATA_DIR");
    } finally {
      xdg.cleanup();
    }
  });
});

describe("--print-config snippets", () => {
  it("start the server with an absolute command and carry the data directory and the API port", () => {
    const config = {
      mcpHost: "127.0.0.1",
      mcpPort: 8001,
      mcpAuthToken: undefined,
      dataDir: "/data dir/pf",
      host: "127.0.0.1",
      port: 8123,
    };
    const c = clientConfigs({ config });
    const [node, bin, sub] = stdioCommand();
    expect(node).toBe(process.execPath);
    expect(path.isAbsolute(bin as string)).toBe(true);
    expect(bin).toBe(path.join(root, "bin", "promptforge.js"));
    expect(sub).toBe("mcp");
    expect(installKind()).toBe("checkout");
    expect(installKind("/usr/lib/node_modules/promptforge")).toBe("package");
    expect(c.claudeCode.stdio).toBe(
      `claude mcp add promptforge --env DATA_DIR="/data dir/pf" --env PORT=8123 -- ${process.execPath} ${bin} mcp`,
    );
    for (const json of [c.claudeDesktop.stdio, c.cursor.stdio]) {
      const server = JSON.parse(json).mcpServers.promptforge;
      expect(server).toEqual({
        command: process.execPath,
        args: [bin, "mcp"],
        env: { DATA_DIR: "/data dir/pf", PORT: "8123" },
      });
    }
    expect(JSON.parse(c.vscode.stdio).servers.promptforge.env).toEqual({ DATA_DIR: "/data dir/pf", PORT: "8123" });
    expect(JSON.stringify(c)).not.toContain("npx");
  });
});

/** Why the compiled CLI cannot stand for the sources (missing, or older than a source file), or null. */
function distProblem(): string | null {
  const main = path.join(root, "dist", "cli", "main.js");
  if (!fs.existsSync(main)) return "dist/cli/main.js is missing";
  const built = fs.statSync(main).mtimeMs;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return Math.max(max, newest(full));
      return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? Math.max(max, fs.statSync(full).mtimeMs) : max;
    }, 0);
  return newest(path.join(root, "src")) > built ? "dist/ is older than src/" : null;
}

const spawned: ChildProcess[] = [];
afterAll(() => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** `promptforge serve` from source, started in `cwd`; resolves to its API URL. */
async function serveIn(cwd: string, env: Record<string, string>): Promise<{ url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ["--import", TSX_IMPORT, entry, "serve"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", MCP_PORT: "0", LLM_PROVIDER: "local", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.push(child);
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m && /Data directory|store/.test(err)) {
        clearInterval(timer);
        resolve(m[1] as string);
      }
    }, 20);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited (${code}): ${err}`));
    });
  });
  return { url, stderr: () => err };
}

describe("the printed stdio setup, pasted outside the checkout", () => {
  const dirs: Array<{ cleanup: () => void }> = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it("starts, uses the same data directory as serve, and its calls appear in serve's /api/history", async (ctx) => {
    // bin/promptforge.js runs the compiled CLI (`npm ci` builds it through `prepare`).
    const problem = distProblem();
    if (problem) {
      if (process.env.CI === "true") throw new Error(`${problem}: run \`npm run build\``);
      console.warn(`skipped: ${problem} (run \`npm run build\`)`);
      ctx.skip();
    }
    const home = tempDir("pf-life-home-");
    const repo = tempDir("pf-life-repo-"); // where `serve` is started
    const ide = tempDir("pf-life-ide-"); // where the IDE starts the stdio server
    dirs.push(home, repo, ide);
    // No DATA_DIR anywhere: both must land in the user data directory.
    const userEnv = { HOME: home.dir, XDG_DATA_HOME: path.join(home.dir, "xdg") };
    const serve = await serveIn(repo.dir, userEnv);
    const expectedDir = path.join(home.dir, "xdg", "promptforge");
    expect(serve.stderr()).toContain(`Data directory ${expectedDir}`);
    const port = new URL(serve.url).port;

    // The user runs --print-config with serve's port (as docs/mcp.md says), anywhere.
    const printed = await runCli(["mcp", "--print-config"], { env: { ...userEnv, PORT: port }, cwd: repo.dir });
    expect(printed.code).toBe(0);
    const desktop = /## Claude Desktop[^\n]*\n(\{[\s\S]*?\n\})\n/.exec(printed.stdout)?.[1];
    expect(desktop).toBeDefined();
    const snippet = JSON.parse(desktop as string).mcpServers.promptforge as {
      command: string;
      args: string[];
      env: Record<string, string>;
    };
    expect(snippet.env).toEqual({ DATA_DIR: expectedDir, PORT: port });

    // The IDE: the snippet as pasted, started in another directory with a different HOME.
    const transport = new StdioClientTransport({
      command: snippet.command,
      args: snippet.args,
      cwd: ide.dir,
      env: { PATH: process.env.PATH ?? "", HOME: ide.dir, LLM_PROVIDER: "local", LOG_LEVEL: "info", ...snippet.env },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const client = new Client({ name: "pasted-ide", version: "1.0.0" });
    await client.connect(transport);
    try {
      const record = structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }));
      const res = await fetch(`${serve.url}/api/history?per_page=50`);
      const body = (await res.json()) as { items: Array<{ id: string }> };
      expect(body.items.map((i) => i.id)).toContain(record.id);
      // Nothing was created where the IDE started it, and the activity reached the API.
      expect(fs.readdirSync(ide.dir)).toEqual([]);
      expect(stderr).not.toContain("cannot reach the PromptForge API");
    } finally {
      await client.close();
    }
  }, 60_000);

  it("warns once, loudly, when no API server answers for the activity feed", async () => {
    const data = tempDir("pf-life-nowebhook-");
    dirs.push(data);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", TSX_IMPORT, entry, "mcp"],
      cwd: data.dir,
      // serve "on a non-default port": the stdio server still looks at 8000 → here a closed port.
      env: { PATH: process.env.PATH ?? "", HOME: data.dir, DATA_DIR: data.dir, PORT: "9", LLM_PROVIDER: "local" },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const client = new Client({ name: "lonely-ide", version: "1.0.0" });
    await client.connect(transport);
    try {
      structured(await client.callTool({ name: "analyze", arguments: { prompt: PROMPT } }));
      structured(await client.callTool({ name: "analyze", arguments: { prompt: PROMPT } }));
      await new Promise((r) => setTimeout(r, 300));
      const warnings = stderr.split("\n").filter((l) => l.includes("cannot reach the PromptForge API"));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] as string)).toMatchObject({ level: 40, api: "http://127.0.0.1:9" });
    } finally {
      await client.close();
    }
  }, 40_000);
});
