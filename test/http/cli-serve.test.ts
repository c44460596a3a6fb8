// `promptforge serve` as a real process: it prints its URL, logs JSON, answers health, and shuts
// down gracefully on SIGTERM/SIGINT (open streams get an `error` event, runs end `cancelled`).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { killAllServe, type ServeProcess, spawnServe as spawnServeProcess } from "../helpers/serve-process.js";
import { readSse, type SseFrame } from "../helpers/sse.js";

const dirs: string[] = [];

function spawnServe(env: Record<string, string> = {}): Promise<ServeProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-cli-"));
  dirs.push(dataDir);
  return spawnServeProcess(dataDir, { LOG_LEVEL: "info", ...env });
}

afterEach(async () => {
  await killAllServe();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("promptforge serve (process)", () => {
  it("prints its URL, answers /api/health, logs JSON lines and exits 0 on SIGTERM", async () => {
    const p = await spawnServe();
    const health = await fetch(`${p.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: "ok", engine: "local", mcp: "running" });

    p.child.kill("SIGTERM");
    expect(await p.exit).toEqual({ code: 0, signal: null });
    const lines = p.stdout().trim().split("\n");
    const logs = lines.map((line) => JSON.parse(line) as { msg: string; url?: string });
    expect(logs.find((l) => l.msg === "listening")?.url).toBe(p.url);
    expect(logs.some((l) => l.msg === "shutting down")).toBe(true);
    expect(p.stderr()).toContain("PromptForge stopped");
  });

  it("exits 0 on SIGINT too", async () => {
    const p = await spawnServe();
    p.child.kill("SIGINT");
    expect((await p.exit).code).toBe(0);
  });

  it("on SIGTERM ends an open stream with an error event, records the run cancelled and closes the database", async () => {
    const p = await spawnServe({ PF_TEST_ENGINE_DELAY_MS: "3000" });
    const res = await fetch(`${p.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ prompt: "Summarize the attached incident report for executives." }),
    });
    const id = res.headers.get("x-optimization-id") as string;
    const events: SseFrame[] = [];
    let sawFirst!: () => void;
    const first = new Promise<void>((resolve) => {
      sawFirst = resolve;
    });
    const reading = (async () => {
      for await (const item of readSse(res)) {
        if (item.kind !== "event") continue;
        events.push(item.frame);
        sawFirst();
      }
    })();
    await first;
    p.child.kill("SIGTERM");
    await reading;
    expect(await p.exit).toEqual({ code: 0, signal: null });
    expect(events.at(-1)).toMatchObject({ event: "error", data: { code: "cancelled" } });

    // The database was closed cleanly and the record says cancelled.
    const app = await createApp(loadConfig({ DATA_DIR: p.dataDir, LOG_LEVEL: "silent", LLM_PROVIDER: "local" }));
    try {
      expect((await app.history.get(id)).status).toBe("cancelled");
    } finally {
      await app.close();
    }
  });
});
