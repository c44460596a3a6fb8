// Crash safety: `kill -9` of a real `promptforge serve` during a single optimization, a batch of 20
// and an import, then a restart on the same data directory — the database passes
// `PRAGMA integrity_check`, every record completed before the kill is byte-identical, every run in
// flight ends `error` ("interrupted") exactly once, and an import leaves only whole batches (a
// re-import completes it). SIGTERM under load ends every stream with an `error` event, records the
// runs `cancelled` and exits within SHUTDOWN_BOUND_MS.
import { afterEach, describe, expect, it } from "vitest";
import { readSse, type SseFrame } from "../helpers/sse.js";
import {
  integrityCheck,
  JSON_HEADERS,
  kill9,
  killAll,
  optimizationRows,
  type Row,
  type ServeProcess,
  SSE_HEADERS,
  spawnServe,
  tempDataDir,
  waitFor,
  withDb,
} from "./process.js";

/** Graceful shutdown: 5 s for streams to end (serve's default), plus the database close and exit. */
const SHUTDOWN_BOUND_MS = 6_000;

afterEach(killAll);

const prompt = (i: number) => `Write a short product description for backpack model ${i}. Keep it under 80 words.`;

async function optimizeStream(
  p: ServeProcess,
  body: unknown,
): Promise<{ res: Response; frames: AsyncGenerator<SseFrame> }> {
  const res = await fetch(`${p.url}/api/optimize`, {
    method: "POST",
    headers: SSE_HEADERS,
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  async function* frames() {
    for await (const item of readSse(res)) if (item.kind === "event") yield item.frame;
  }
  return { res, frames: frames() };
}

/** Runs one optimization to the end; returns its record id. */
async function completeOne(p: ServeProcess, i: number): Promise<string> {
  const { res, frames } = await optimizeStream(p, { prompt: prompt(i), title: `Done ${i}` });
  let last: SseFrame | undefined;
  for await (const frame of frames) last = frame;
  expect(last?.event).toBe("complete");
  return res.headers.get("x-optimization-id") as string;
}

/** The rows that are settled (not pending/running), as stored. */
function settled(rows: Map<string, Row>): Map<string, Row> {
  return new Map([...rows].filter(([, r]) => r.status !== "running" && r.status !== "pending"));
}

/** Restarts on the same directory and waits until no run is left open (the dead instance's lease ran out). */
async function restartAndRecover(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const p = await spawnServe(dataDir, env);
  const health = await fetch(`${p.url}/api/health`);
  expect(health.status).toBe(200);
  await waitFor("the runs of the killed process to be recovered", () =>
    [...optimizationRows(dataDir).values()].every((r) => r.status !== "running" && r.status !== "pending"),
  );
  return p;
}

function expectRecovered(before: Map<string, Row>, after: Map<string, Row>, inFlight: string[]): void {
  expect(integrityCheck(currentDir)).toBe("ok");
  // Nothing appeared, nothing vanished.
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [id, row] of settled(before)) expect(after.get(id), `record ${id} changed`).toEqual(row);
  for (const id of inFlight) {
    expect(after.get(id)).toMatchObject({ status: "error", error_message: "interrupted" });
  }
}

let currentDir = "";

describe("kill -9 and restart", () => {
  it("during a single optimization: integrity ok, completed records identical, the run in flight interrupted exactly once", async () => {
    currentDir = tempDataDir();
    let p = await spawnServe(currentDir, { PF_TEST_ENGINE_DELAY_MS: "250" });
    for (let i = 0; i < 3; i++) await completeOne(p, i);
    const { res, frames } = await optimizeStream(p, { prompt: prompt(99), title: "In flight" });
    const inFlight = res.headers.get("x-optimization-id") as string;
    await frames.next(); // the run has started and its record exists
    const before = optimizationRows(currentDir);
    expect(before.get(inFlight)?.status).toBe("running");
    expect(settled(before).size).toBe(3);
    await kill9(p);

    p = await restartAndRecover(currentDir);
    const after = optimizationRows(currentDir);
    expectRecovered(before, after, [inFlight]);
    // Exactly once: the recovery runs again on every heartbeat (200 ms here) and must not touch the
    // record a second time (its updated_at would move), nor add one.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(optimizationRows(currentDir)).toEqual(after);
    const listed = (await (await fetch(`${p.url}/api/history?per_page=100`)).json()) as { total: number };
    expect(listed.total).toBe(4);
  }, 120_000);

  it("during a batch of 20: whole records only, the finished ones identical, the rest interrupted", async () => {
    currentDir = tempDataDir();
    let p = await spawnServe(currentDir, { PF_TEST_ENGINE_DELAY_MS: "60", BATCH_CONCURRENCY: "4" });
    const res = await fetch(`${p.url}/api/optimize/batch`, {
      method: "POST",
      headers: SSE_HEADERS,
      body: JSON.stringify({ prompts: Array.from({ length: 20 }, (_, i) => prompt(i)), tags: ["crash-batch"] }),
    });
    expect(res.status).toBe(200);
    const reading = (async () => {
      for await (const _ of readSse(res)) {
        // drained until the connection drops
      }
    })().catch(() => undefined);
    // Kill once some items are done and others are running.
    const before = await waitFor("a batch half done", () => {
      const rows = optimizationRows(currentDir);
      const done = [...rows.values()].filter((r) => r.status === "completed").length;
      const running = [...rows.values()].filter((r) => r.status === "running").length;
      return done >= 3 && running >= 1 ? rows : null;
    });
    await kill9(p);
    await reading;
    const inFlight = [...before.values()].filter((r) => r.status === "running").map((r) => String(r.id));
    // Rows may have been written between the snapshot and the kill: compare against the state at the kill.
    const atKill = optimizationRows(currentDir);
    for (const [id, row] of settled(before)) expect(atKill.get(id)).toEqual(row);

    p = await restartAndRecover(currentDir);
    const after = optimizationRows(currentDir);
    expectRecovered(
      atKill,
      after,
      [...atKill.values()].filter((r) => r.status === "running").map((r) => String(r.id)),
    );
    expect(inFlight.every((id) => after.get(id)?.status !== "running")).toBe(true);
    // No prompt twice.
    const prompts = [...after.values()].map((r) => r.raw_prompt);
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(after.size).toBeLessThanOrEqual(20);
  }, 120_000);

  it("during an import: only whole batches are stored, and importing the file again completes it", async () => {
    currentDir = tempDataDir();
    // The import body is about 6 MB: above the default 1 MiB body limit.
    let p = await spawnServe(currentDir, { BODY_LIMIT_BYTES: "67108864" });
    // A source of 2 000 records: export one real record and vary its id.
    const id = await completeOne(p, 1);
    const record = (await (await fetch(`${p.url}/api/optimize/${id}`)).json()) as Record<string, unknown>;
    const records = Array.from({ length: 2_000 }, (_, i) => ({
      ...record,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      title: `Imported ${i}`,
    }));
    const body = JSON.stringify({ records });
    const importing = fetch(`${p.url}/api/history/import`, { method: "POST", headers: JSON_HEADERS, body }).catch(
      () => null,
    );
    const count = () =>
      withDb(currentDir, (db) => (db.prepare("SELECT count(*) AS n FROM optimization").get() as { n: number }).n);
    await waitFor("the import to be under way", () => count() > 1, 60_000);
    await kill9(p);
    await importing;

    p = await restartAndRecover(currentDir, { BODY_LIMIT_BYTES: "67108864" });
    expect(integrityCheck(currentDir)).toBe("ok");
    const stored = withDb(
      currentDir,
      (db) =>
        (db.prepare("SELECT count(*) AS n FROM optimization WHERE title LIKE 'Imported %'").get() as { n: number }).n,
    );
    // importRecords commits in batches of 200: a crash leaves whole batches, never part of one.
    expect(stored % 200).toBe(0);
    const again = await fetch(`${p.url}/api/history/import`, { method: "POST", headers: JSON_HEADERS, body });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ inserted: 2_000 - stored, skipped: stored });
    const rows = optimizationRows(currentDir);
    expect(rows.size).toBe(2_001);
    // Every imported record reads back exactly as sent.
    const sample = records[1234] as { id: string };
    const back = (await (await fetch(`${p.url}/api/optimize/${sample.id}`)).json()) as Record<string, unknown>;
    expect(back).toEqual(sample);
  }, 120_000);
});

describe("SIGTERM under load", () => {
  it(`ends every open stream with an error event, records the runs cancelled and exits 0 within ${SHUTDOWN_BOUND_MS} ms`, async () => {
    currentDir = tempDataDir();
    const p = await spawnServe(currentDir, { PF_TEST_ENGINE_DELAY_MS: "4000" });
    const streams = await Promise.all(Array.from({ length: 6 }, (_, i) => optimizeStream(p, { prompt: prompt(i) })));
    const ids = streams.map((s) => s.res.headers.get("x-optimization-id") as string);
    const lasts = streams.map(async (s) => {
      let last: SseFrame | undefined;
      for await (const frame of s.frames) last = frame;
      return last;
    });
    // Reads keep arriving while the signal lands.
    let stop = false;
    const load = (async () => {
      let errors = 0;
      while (!stop) {
        await fetch(`${p.url}/api/history?per_page=5`)
          .then((r) => r.arrayBuffer())
          .catch(() => errors++);
      }
      return errors;
    })();
    await new Promise((r) => setTimeout(r, 300));
    const signalled = performance.now();
    p.child.kill("SIGTERM");
    const exit = await p.exit;
    const exitMs = performance.now() - signalled;
    stop = true;
    await load;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(SHUTDOWN_BOUND_MS);
    for (const last of await Promise.all(lasts))
      expect(last).toMatchObject({ event: "error", data: { code: "cancelled" } });
    const rows = optimizationRows(currentDir);
    for (const id of ids) expect(rows.get(id)?.status).toBe("cancelled");
    expect(integrityCheck(currentDir)).toBe("ok");
  }, 120_000);
});
