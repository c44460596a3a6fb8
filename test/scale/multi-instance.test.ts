// Two real `promptforge serve` processes on one PostgreSQL database and one Redis, as behind a
// load balancer: what one writes the other reads and finds; the rate limit is one limit across
// both; a SIGKILLed instance's running record is marked interrupted by the survivor only once the
// dead one's lease has expired; Redis stopping gives clear 503s and the instances recover when it
// returns, losing and duplicating nothing. Runs in the postgres test project.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_EVENT_PATH } from "../../src/mcp/activity-webhook.js";
import { signRequest } from "../../src/security/internal-signing.js";
import { freshPostgresDatabase, SHARED_SECRETS, TEST_DIALECT } from "../helpers/dialect.js";
import { spawnServe } from "../helpers/serve-process.js";
import { type RedisService, redisService, requireService } from "../helpers/services.js";
import { collectSse, readSse, type SseFrame } from "../helpers/sse.js";
import { readFeed } from "../mcp/activity-server.js";

const HEARTBEAT_MS = 200;
const TTL_MS = 1500;

const onPostgres = TEST_DIALECT === "postgres";
const redisAvailability = onPostgres ? await redisService() : null;
const ready = onPostgres && redisAvailability !== null && requireService("Redis", redisAvailability);

interface Instance {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<unknown>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

async function serve(env: Record<string, string>): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-scale-"));
  dirs.push(dataDir);
  const p = await spawnServe(dataDir, {
    ...SHARED_SECRETS,
    LOG_LEVEL: "info",
    INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    INSTANCE_TTL_MS: String(TTL_MS),
    ...env,
  });
  children.push(p.child);
  return { child: p.child, url: p.url, stderr: p.stderr, exited: p.exit };
}

async function json(base: string, method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: the tests read response bodies structurally.
  return { status: res.status, body: parsed as any, headers: res.headers };
}

/** One MCP activity event, as a stdio MCP process reports it: a signed POST to /internal/mcp-event. */
function activity(callId: string) {
  return JSON.stringify({
    type: "tool_start",
    call_id: callId,
    tool: "optimize_prompt",
    at: new Date().toISOString(),
    transport: "stdio",
    input: "a scale test",
  });
}

async function postSigned(
  base: string,
  body: string,
  headers = signRequest({
    secret: SHARED_SECRETS.INTERNAL_WEBHOOK_SECRET,
    method: "POST",
    path: MCP_EVENT_PATH,
    body,
  }),
) {
  const res = await fetch(`${base}${MCP_EVENT_PATH}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { id?: number; error?: { code: string } }, headers };
}

async function optimize(base: string, prompt: string): Promise<string> {
  const res = await fetch(`${base}/api/optimize`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt }),
  });
  expect(res.status).toBe(200);
  const id = res.headers.get("x-optimization-id") as string;
  await res.text(); // the whole stream: the run is complete
  return id;
}

async function stop(instance: Instance) {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill("SIGTERM");
  await instance.exited;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!ready)("two instances on one PostgreSQL and one Redis", () => {
  let redis: RedisService;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let a: Instance;
  let b: Instance;
  const started: Instance[] = [];
  beforeAll(async () => {
    redis = redisAvailability?.service as RedisService;
    const db = await freshPostgresDatabase();
    databaseUrl = db.url;
    drop = db.drop;
  });
  afterAll(async () => {
    for (const i of started.splice(0)) await stop(i);
    await drop?.();
    await redis?.stop();
  });

  const pair = async (env: Record<string, string> = {}, envA: Record<string, string> = {}) => {
    const common = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ...env };
    [a, b] = await Promise.all([serve({ ...common, ...envA }), serve(common)]);
    started.push(a, b);
  };

  it("shares one rate limit: the 61st request across both instances gets 429", async () => {
    // This test process's Redis may have served other test files: the window starts empty.
    const clean = new Redis(redis.url);
    await clean.flushall();
    clean.disconnect();
    await pair({ RATE_LIMIT_RPM: "60", RATE_LIMIT_OPTIMIZE_RPM: "10" });
    const answers: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await json(i % 2 === 0 ? a.url : b.url, "GET", "/api/strategies");
      answers.push(r.status === 200 ? "200" : `${i}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    // Every answer that is not a 200 is listed with its index and body when this fails.
    expect(answers.filter((s) => s !== "200")).toEqual([]);
    const refused = await json(b.url, "GET", "/api/strategies");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect((await json(a.url, "GET", "/api/strategies")).status).toBe(429);
    for (const i of started.splice(0)) await stop(i);
    // The next instances count from zero.
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
    // A runs a slow engine (5 s a stage), so a run on it is still going when it is killed below.
    await pair({ RATE_LIMIT_RPM: "1000000", RATE_LIMIT_OPTIMIZE_RPM: "1000000" }, { PF_TEST_ENGINE_DELAY_MS: "5000" });
  }, 180_000);

  it("reads and searches through A what was written through B", async () => {
    const id = await optimize(b.url, "Summarize the zeppelin maintenance handbook for new hangar crews");
    const got = await json(a.url, "GET", `/api/optimize/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe("completed");
    const found = await json(a.url, "GET", "/api/history?search=zeppelin%20hangar");
    expect(found.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    const health = await json(a.url, "GET", "/api/health");
    expect(health.body).toMatchObject({ status: "ok", database: "ok", redis: "ok" });
  }, 60_000);

  it("delivers an MCP activity event published on A to a feed client of B; a reconnect to B replays what it missed", async () => {
    const tag = `${Date.now()}`.slice(-8);
    const calls = [1, 2, 3, 4].map((n) => `scale-${tag}-${n}`);
    const live = readFeed(
      `${b.url}/api/mcp/events`,
      (f) => f.some((x) => (x.data as { call_id?: string }).call_id === calls[0]),
      {
        timeoutMs: 10_000,
      },
    );
    // The feed opens on B before the event is published on A.
    await new Promise((r) => setTimeout(r, 300));
    const first = await postSigned(a.url, activity(calls[0] as string));
    expect(first.status).toBe(202);
    const frames = await live;
    const got = frames.find((x) => (x.data as { call_id?: string }).call_id === calls[0]);
    expect(got?.id).toBe(String(first.body.id));
    // The client is away: two events on A, one on B.
    const missed = [
      await postSigned(a.url, activity(calls[1] as string)),
      await postSigned(a.url, activity(calls[2] as string)),
      await postSigned(b.url, activity(calls[3] as string)),
    ];
    expect(missed.map((m) => m.status)).toEqual([202, 202, 202]);
    const ids = missed.map((m) => m.body.id as number);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(ids[0]).toBeGreaterThan(first.body.id as number);
    // Reconnecting to B (not A, where most were published) with Last-Event-ID replays exactly those.
    const resumed = await readFeed(`${b.url}/api/mcp/events`, (f) => f.length >= 3, {
      headers: { "Last-Event-ID": String(first.body.id) },
      timeoutMs: 10_000,
    });
    expect(resumed.map((x) => (x.data as { call_id: string }).call_id)).toEqual(calls.slice(1));
    expect(resumed.map((x) => Number(x.id))).toEqual(ids);
    // Both instances report the same newest id.
    for (const base of [a.url, b.url]) {
      let status = await json(base, "GET", "/api/mcp/status");
      for (let i = 0; i < 50 && status.body.last_event_id !== ids[2]; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await json(base, "GET", "/api/mcp/status");
      }
      expect(status.body.last_event_id).toBe(ids[2]);
    }
  }, 60_000);

  it("refuses on B a signed internal request already accepted by A (shared replay cache)", async () => {
    const body = activity(`replay-${Date.now()}`);
    const accepted = await postSigned(a.url, body);
    expect(accepted.status).toBe(202);
    const replayedOnB = await postSigned(b.url, body, accepted.headers);
    expect(replayedOnB.status).toBe(401);
    expect(replayedOnB.body.error?.code).toBe("unauthorized");
    expect((await postSigned(a.url, body, accepted.headers)).status).toBe(401);
    // A fresh signature for the same body is a new request, accepted anywhere.
    expect((await postSigned(b.url, body)).status).toBe(202);
  }, 30_000);

  it.skipIf(!redisAvailability?.service?.owned)(
    "answers 503 while Redis is down and recovers when it returns, losing and duplicating nothing",
    async () => {
      const before = await optimize(b.url, "Outline the lighthouse keeper training plan");
      const total = (await json(b.url, "GET", "/api/history?per_page=1")).body.total;
      await redis.stop();
      try {
        // A request already on the wire as Redis dies may still complete; from then on every one is refused.
        let down = await json(b.url, "GET", "/api/history");
        for (let i = 0; i < 20 && down.status !== 503; i++) {
          await new Promise((r) => setTimeout(r, 100));
          down = await json(b.url, "GET", "/api/history");
        }
        expect(down.status).toBe(503);
        expect(down.body.error.code).toBe("service_unavailable");
        expect(down.body.error.message).toMatch(/Redis \(REDIS_URL\) is unreachable/);
        expect((await json(b.url, "POST", "/api/optimize", { prompt: "never stored" })).status).toBe(503);
        // Health answers from a probe cached for a second.
        let health = await json(a.url, "GET", "/api/health");
        for (let i = 0; i < 30 && health.status !== 503; i++) {
          await new Promise((r) => setTimeout(r, 100));
          health = await json(a.url, "GET", "/api/health");
        }
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: "degraded", redis: "error", database: "ok" });
      } finally {
        await redis.start();
      }
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await json(b.url, "GET", "/api/history?per_page=1")).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
      const after = await optimize(b.url, "Outline the lighthouse keeper safety drill");
      const list = await json(a.url, "GET", "/api/history?per_page=100");
      expect(list.body.total).toBe(total + 1);
      const ids = list.body.items.map((r: { id: string }) => r.id);
      expect(ids).toContain(before);
      expect(ids).toContain(after);
      expect(new Set(ids).size).toBe(ids.length);
    },
    60_000,
  );
  it("stops a run on A when the cancel is sent to B", async () => {
    const res = await fetch(`${a.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "Plan the glacier survey logistics for the field team" }),
    });
    const id = res.headers.get("x-optimization-id") as string;
    const stream = res.text();
    const sent = Date.now();
    const cancelled = await json(b.url, "POST", `/api/optimize/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    // A's engine takes 5 s a stage: the stream ends long before that because A aborted the run.
    const body = await stream;
    expect(Date.now() - sent).toBeLessThan(4000);
    expect(body).not.toMatch(/event: complete/);
    expect((await json(a.url, "GET", `/api/optimize/${id}`)).body.status).toBe("cancelled");
  }, 60_000);

  it("follows a run on A from B: events read from B, a reconnect to B with Last-Event-ID gets the rest", async () => {
    const dropped = new AbortController();
    const res = await fetch(`${a.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", Prefer: "resumable" },
      body: JSON.stringify({ prompt: "Outline the lighthouse keepers' winter rota for the island council" }),
      signal: dropped.signal,
    });
    expect(res.status).toBe(200);
    const id = res.headers.get("x-optimization-id") as string;
    const seen: SseFrame[] = [];
    // The first event from A's own stream, then that connection drops (the run goes on: resume grace).
    const fromA = readSse(res);
    for await (const item of fromA) {
      if (item.kind === "event") seen.push(item.frame);
      if (seen.length === 1) break;
    }
    dropped.abort();
    // The client comes back through the load balancer to B: it reads what A publishes next…
    const firstB = new AbortController();
    const onB = await fetch(`${b.url}/api/optimize/${id}/events`, {
      headers: { Accept: "text/event-stream", "Last-Event-ID": String(seen.at(-1)?.id) },
      signal: firstB.signal,
    });
    expect(onB.status).toBe(200);
    for await (const item of readSse(onB)) {
      if (item.kind === "event") seen.push(item.frame);
      if (seen.length >= 2) break;
    }
    firstB.abort();
    // …drops again, reconnects to B with Last-Event-ID and gets the rest; a cancel (also via B) ends the run.
    const again = await fetch(`${b.url}/api/optimize/${id}/events`, {
      headers: { Accept: "text/event-stream", "Last-Event-ID": String(seen.at(-1)?.id) },
    });
    const rest = collectSse(again);
    expect((await json(b.url, "POST", `/api/optimize/${id}/cancel`)).status).toBe(200);
    seen.push(...(await rest).events);
    expect(seen.map((f) => Number(f.id))).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)).toMatchObject({ event: "error", data: { code: "cancelled" } });
    expect(seen.filter((f) => f.event === "stage").length).toBeGreaterThan(1);
    // What B replays from the start (Redis) is exactly the union, the ids A's stream used.
    const replay = await collectSse(await fetch(`${b.url}/api/optimize/${id}/events`));
    expect(replay.events).toEqual(seen);
    expect((await json(a.url, "GET", `/api/optimize/${id}`)).body.status).toBe("cancelled");
  }, 60_000);

  it("marks a SIGKILLed instance's running record interrupted only after its lease expires", async () => {
    const controller = new AbortController();
    const res = await fetch(`${a.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "Draft the orbital debris briefing for the board" }),
      signal: controller.signal,
    });
    const id = res.headers.get("x-optimization-id") as string;
    expect((await json(b.url, "GET", `/api/optimize/${id}`)).body.status).toBe("running");
    a.child.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    controller.abort();
    // The lease A last renewed before it died (on a loaded machine its last heartbeat may be late,
    // so the expiry is read, not assumed from the heartbeat interval).
    const lease = new pg.Client({ connectionString: databaseUrl });
    await lease.connect();
    let expiresAt: number;
    try {
      const { rows } = await lease.query(
        "select i.expires_at from optimization o join instance i on i.id = o.owner_instance where o.id = $1",
        [id],
      );
      expiresAt = Date.parse(rows[0]?.expires_at as string);
    } finally {
      await lease.end();
    }
    expect(Number.isFinite(expiresAt)).toBe(true);
    // B heartbeats and sweeps every 200 ms, yet while A's lease holds the run is not touched.
    if (expiresAt - Date.now() > 300) {
      await new Promise((r) => setTimeout(r, expiresAt - Date.now() - 200));
      expect((await json(b.url, "GET", `/api/optimize/${id}`)).body.status).toBe("running");
    }
    let record: { status: string; error_message: string | null } = { status: "running", error_message: null };
    while (Date.now() - killedAt < 10_000) {
      record = (await json(b.url, "GET", `/api/optimize/${id}`)).body;
      if (record.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(record).toMatchObject({ status: "error", error_message: "interrupted" });
  }, 60_000);
});
