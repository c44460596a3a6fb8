// Retention of run events: in process (bounded runs and events, expiry after the end, followers
// de-duplicated and in order) and over Redis against a real redis-server (two stores stand for
// two instances: one publishes, the other replays and follows; the stream is capped and expires
// after the run ends; followers are seen across instances).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisService, redisService, requireService } from "../../test/helpers/services.js";
import { createRedisConnection, type RedisConnection } from "./redis.js";
import {
  createMemoryRunEventStore,
  createRedisRunEventStore,
  type RunEvent,
  type RunEventStore,
} from "./run-events.js";

const availability = await redisService();
const ready = requireService("Redis", availability);

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ev = (id: number, event = "stage"): RunEvent => ({ id, event, data: { n: id } });

describe("createMemoryRunEventStore", () => {
  it("replays after an id, then follows live, each event once and in order", async () => {
    const store = createMemoryRunEventStore();
    for (const id of [1, 2, 3]) store.publish("r1", ev(id));
    const got: number[] = [];
    const stop = store.follow("r1", 1, (e) => got.push(e.id));
    store.publish("r1", ev(4));
    store.publish("r1", ev(4)); // a repeat is not delivered twice
    store.publish("r2", ev(1)); // another run's events are not mixed in
    stop();
    store.publish("r1", ev(5));
    expect(got).toEqual([2, 3, 4]);
    expect((await store.replay("r1", 3)).map((e) => e.id)).toEqual([4, 4, 5]);
  });

  it("keeps at most maxEvents per run and maxRuns runs (ended runs dropped first)", async () => {
    const store = createMemoryRunEventStore({ maxEvents: 3, maxRuns: 2 });
    for (let id = 1; id <= 5; id++) store.publish("a", ev(id));
    expect((await store.replay("a", 0)).map((e) => e.id)).toEqual([3, 4, 5]);
    store.end("a");
    store.publish("b", ev(1));
    store.publish("c", ev(1));
    expect(store.has("a")).toBe(false);
    expect(store.has("b")).toBe(true);
    expect(store.has("c")).toBe(true);
  });

  it("forgets a run ttlMs after it ends, not while it runs or while someone follows it", async () => {
    let now = 1_000;
    const store = createMemoryRunEventStore({ ttlMs: 100, clock: () => now });
    store.publish("r", ev(1));
    now += 500;
    expect(await store.replay("r", 0)).toHaveLength(1); // still running
    store.end("r");
    const release = store.attach("r");
    now += 200;
    expect(await store.replay("r", 0)).toHaveLength(1); // followed
    expect(await store.attached("r")).toBe(true);
    release();
    expect(await store.attached("r")).toBe(false);
    expect(await store.replay("r", 0)).toEqual([]);
  });
});

describe.skipIf(!ready)("createRedisRunEventStore", () => {
  let service: RedisService;
  let raw: Redis;
  const connections: RedisConnection[] = [];
  const stores: RunEventStore[] = [];
  const instance = async (options: { ttlMs?: number; maxEvents?: number } = {}) => {
    const connection = createRedisConnection(service.url);
    connections.push(connection);
    await until(() => connection.ready);
    const store = createRedisRunEventStore({ connection, pollMs: 20, followerTtlMs: 600, ...options });
    stores.push(store);
    return store;
  };
  beforeAll(() => {
    service = availability.service as RedisService;
    raw = new Redis(service.url);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const c of connections) await c.close();
    raw?.disconnect();
    await service?.stop();
  });

  it("events published on A are replayed and followed on B, with A's ids, in order, once", async () => {
    const a = await instance();
    const b = await instance();
    const run = `run-${Date.now()}`;
    for (const id of [1, 2, 3]) a.publish(run, ev(id));
    const got: RunEvent[] = [];
    const stop = b.follow(run, 1, (e) => got.push(e));
    await until(() => got.length === 2);
    a.publish(run, ev(4));
    a.publish(run, ev(5, "complete"));
    await until(() => got.length === 4);
    stop();
    expect(got).toEqual([ev(2), ev(3), ev(4), ev(5, "complete")]);
    expect(await b.replay(run, 3)).toEqual([ev(4), ev(5, "complete")]);
  });

  it("the run's stream is capped, lives while the run does and expires ttlMs after it ends", async () => {
    const a = await instance({ ttlMs: 300, maxEvents: 100 });
    const run = `cap-${Date.now()}`;
    for (let id = 1; id <= 1_000; id++) a.publish(run, ev(id));
    const key = `pf:run:${run}:events`;
    await new Promise((r) => setTimeout(r, 100));
    expect(await raw.xlen(key)).toBeLessThan(300);
    expect(await raw.pttl(key)).toBeGreaterThan(3_600_000);
    a.end(run);
    await new Promise((r) => setTimeout(r, 50));
    expect(await raw.pttl(key)).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 400));
    expect(await raw.exists(key)).toBe(0);
  });

  it("a follower attached on B is seen by A until it leaves (and its token expires if B dies)", async () => {
    const a = await instance();
    const b = await instance();
    const run = `att-${Date.now()}`;
    expect(await a.attached(run)).toBe(false);
    const release = b.attach(run);
    await new Promise((r) => setTimeout(r, 50));
    expect(await a.attached(run)).toBe(true);
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(await a.attached(run)).toBe(false);
    // A token that is never renewed (its instance died) stops counting after followerTtlMs.
    await raw.zadd(`pf:run:${run}:followers`, Date.now() + 200, "dead-instance");
    expect(await a.attached(run)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.attached(run)).toBe(false);
  });
});
