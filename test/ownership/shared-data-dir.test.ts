// Run ownership across processes on one data directory (issue 17 item 1, issue 16 item 4): a live
// `serve` keeps its runs while other processes start and stop on the same DATA_DIR (CLI history,
// analyze, optimize, doctor, the stdio MCP server, a second serve that fails on the busy port),
// and a cancel or delete made by another process really stops the owning process's run.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fakes/fake-llm-core.js";
import { startGatedOpenAI } from "../fakes/gated-openai.js";
import {
  killAll,
  optimizationRows,
  type ServeProcess,
  SSE_HEADERS,
  spawnServe,
  tempDataDir,
} from "../faults/process.js";
import { runCli } from "../helpers/cli.js";
import { readSse, type SseFrame } from "../helpers/sse.js";

const fakes: FakeServer[] = [];
afterEach(async () => {
  await killAll();
  for (const fake of fakes.splice(0)) await fake.close();
});

async function gatedProvider() {
  const gated = await startGatedOpenAI("sk-test-ownership-0001");
  fakes.push(gated.fake);
  return gated;
}

async function startRun(p: ServeProcess, prompt: string) {
  const res = await fetch(`${p.url}/api/optimize`, {
    method: "POST",
    headers: SSE_HEADERS,
    body: JSON.stringify({ prompt, title: "ownership" }),
  });
  expect(res.status).toBe(200);
  const id = res.headers.get("x-optimization-id") as string;
  const frames: SseFrame[] = [];
  const ended = (async () => {
    for await (const item of readSse(res)) if (item.kind === "event") frames.push(item.frame);
    return frames;
  })();
  return { id, frames, ended };
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cliEnv = (dataDir: string) => ({ DATA_DIR: dataDir, LOG_LEVEL: "warn" });

describe("a second process on the data directory of a live serve", () => {
  it("leaves the live runs running: one completes on its stream, the other can still be cancelled", async () => {
    const gated = await gatedProvider();
    const { fake, open } = gated;
    const dataDir = tempDataDir("pf-owner-");
    const serve = await spawnServe(dataDir, gated.env);
    const run = await startRun(serve, "Write a short product description for a hiking backpack.");
    const other = await startRun(serve, "Summarise this meeting transcript for the sales team.");
    await until("the first stage requests", () => fake.requests.length >= 2);

    const port = new URL(serve.url).port;
    const results = await Promise.all([
      runCli(["history", "--json"], { env: cliEnv(dataDir) }),
      runCli(["analyze", "Write a haiku about rain."], { env: cliEnv(dataDir) }),
      runCli(["optimize", "Write a haiku about rain."], { env: cliEnv(dataDir) }),
      runCli(["doctor"], { env: cliEnv(dataDir) }),
      runCli(["mcp"], { env: cliEnv(dataDir), stdin: "" }),
      // A second serve on the busy port: it opens the store, fails to listen and exits.
      runCli(["serve"], { env: { ...cliEnv(dataDir), HOST: "127.0.0.1", PORT: port, MCP_PORT: "0" } }),
    ]);
    expect(results[0]?.code, results[0]?.stderr).toBe(0);
    expect(results[2]?.code, results[2]?.stderr).toBe(0);
    expect(results[5]?.code).not.toBe(0);
    expect(results[5]?.stderr).toMatch(/already in use/);
    // The other processes are gone; both live runs are still the serve's and still running.
    for (const id of [run.id, other.id]) {
      const row = optimizationRows(dataDir).get(id);
      expect(row).toMatchObject({ status: "running" });
      expect(row?.error_message ?? null).toBeNull();
    }

    // Cancel still works (it answered 409 "not running" when the run had been marked interrupted).
    const cancel = await fetch(`${serve.url}/api/optimize/${other.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { status: string }).status).toBe("cancelled");
    expect((await other.ended).at(-1)?.event).toBe("error");

    open();
    const frames = await run.ended;
    expect(frames.at(-1)?.event).toBe("complete");
    expect(optimizationRows(dataDir).get(run.id)).toMatchObject({ status: "completed" });
  }, 240_000);
});

describe("cancel and delete from another process on the same database (no Redis)", () => {
  for (const how of ["cancel", "delete"] as const) {
    it(`${how} through a second serve stops the owner's run within a second`, async () => {
      const gated = await gatedProvider();
      const { fake, open } = gated;
      const dataDir = tempDataDir("pf-owner-");
      // One after the other: two processes creating a new data directory at the same instant can
      // race on its first set-up (seen as "unexpected internal error" at start; not what this tests).
      const owner = await spawnServe(dataDir, gated.env);
      const other = await spawnServe(dataDir, gated.env);
      const run = await startRun(owner, "Draft a polite reminder email about an unpaid invoice.");
      await until("the first stage request", () => fake.requests.length >= 1);
      const asked = fake.requests.length;

      const res =
        how === "cancel"
          ? await fetch(`${other.url}/api/optimize/${run.id}/cancel`, { method: "POST" })
          : await fetch(`${other.url}/api/history/${run.id}`, { method: "DELETE" });
      expect(res.status).toBeLessThan(300);
      // Measured from the other process's answer: the owner polls its runs every 250 ms.
      const started = Date.now();
      // The owner aborts the run: its provider request is dropped and its stream ends.
      await until("the owner to drop its provider request", () => fake.closedEarly >= 1, 5_000);
      const frames = await run.ended;
      const stoppedMs = Date.now() - started;
      expect(stoppedMs).toBeLessThan(1_500);
      const last = frames.at(-1);
      expect(last?.event).toBe("error");
      expect(last?.data).toMatchObject({ code: "cancelled" });
      // Opening the gate now releases nothing: no further stage is asked for.
      open();
      await new Promise((r) => setTimeout(r, 600));
      expect(fake.requests.length).toBe(asked);
      const row = optimizationRows(dataDir).get(run.id);
      if (how === "cancel") expect(row).toMatchObject({ status: "cancelled" });
      else expect(row).toBeUndefined();
    }, 120_000);
  }
});
