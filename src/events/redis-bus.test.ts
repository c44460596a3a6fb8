// The Redis Streams bus against a real redis-server: two buses on one stream stand for two
// instances — an event published on one reaches the other's subscribers, a subscriber of the
// other resuming after an id gets exactly what came after it, ids increase across a "restart"
// (a new bus on the same stream), the stream stays bounded, and a clear 503 while Redis is down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisService, redisService, requireService } from "../../test/helpers/services.js";
import { isAppError } from "../core/errors.js";
import type { BusEntry, EventBus } from "./bus.js";
import { createRedisConnection, type RedisConnection } from "./redis.js";
import { createRedisEventBus, fromStreamId, toStreamId } from "./redis-bus.js";

const availability = await redisService();
const ready = requireService("Redis", availability);

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("stream id ↔ event id", () => {
  it("maps ms-n to ms × 1000 + n and back", () => {
    expect(fromStreamId("1764650000123-7")).toBe(1_764_650_000_123_007);
    expect(toStreamId(1_764_650_000_123_007)).toBe("1764650000123-7");
    expect(toStreamId(42)).toBe("0-42");
    expect(Number.isSafeInteger(fromStreamId(`${Date.UTC(2200, 0, 1)}-999`))).toBe(true);
  });
});

describe.skipIf(!ready)("createRedisEventBus", () => {
  let service: RedisService;
  const connections: RedisConnection[] = [];
  const buses: Array<EventBus<unknown>> = [];
  const connect = async () => {
    const c = createRedisConnection(service.url);
    connections.push(c);
    await until(() => c.ready);
    return c;
  };
  async function bus<T>(stream: string, maxLen?: number): Promise<EventBus<T>> {
    const b = createRedisEventBus<T>({ connection: await connect(), stream, maxLen, blockMs: 200 });
    buses.push(b as EventBus<unknown>);
    return b;
  }
  beforeAll(async () => {
    service = availability.service as RedisService;
  });
  afterAll(async () => {
    for (const b of buses) await b.close();
    for (const c of connections) await c.close();
    await service?.stop();
  });

  it("delivers an event published on one instance to subscribers of another, with increasing ids", async () => {
    const stream = `t:cross:${Date.now()}`;
    const a = await bus<string>(stream);
    const b = await bus<string>(stream);
    const seen: Array<BusEntry<string>> = [];
    b.subscribe((e) => seen.push(e), { replayLimit: 10 });
    await new Promise((r) => setTimeout(r, 100));
    const first = await a.publish("one");
    const second = await b.publish("two");
    const third = await a.publish("three");
    expect(second.id).toBeGreaterThan(first.id);
    expect(third.id).toBeGreaterThan(second.id);
    await until(() => seen.length === 3);
    expect(seen.map((e) => [e.id, e.event])).toEqual([
      [first.id, "one"],
      [second.id, "two"],
      [third.id, "three"],
    ]);
    await until(() => a.latest()?.id === third.id && b.latest()?.id === third.id);
  });

  it("replays what came after a Last-Event-ID on any instance, then live events, without repeats", async () => {
    const stream = `t:replay:${Date.now()}`;
    const a = await bus<number>(stream);
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await a.publish(i)).id);
    const b = await bus<number>(stream);
    const seen: number[] = [];
    b.subscribe((e) => seen.push(e.event), { after: ids[1] });
    await until(() => seen.length === 3);
    await a.publish(6);
    await until(() => seen.length === 4);
    expect(seen).toEqual([3, 4, 5, 6]);
    expect((await b.since(ids[3])).map((e) => e.event)).toEqual([5, 6]);
    // A fresh subscriber with a replay limit gets the newest ones.
    const fresh: number[] = [];
    b.subscribe((e) => fresh.push(e.event), { replayLimit: 2 });
    await until(() => fresh.length === 2);
    expect(fresh).toEqual([5, 6]);
  });

  it("keeps ids increasing when an instance restarts, and many events in one millisecond stay distinct", async () => {
    const stream = `t:restart:${Date.now()}`;
    const before = await bus<number>(stream);
    const published = await Promise.all(Array.from({ length: 300 }, (_, i) => before.publish(i)));
    const ids = published.map((e) => e.id);
    expect(new Set(ids).size).toBe(300);
    await before.close();
    const after = await bus<number>(stream);
    const next = await after.publish(999);
    expect(next.id).toBeGreaterThan(Math.max(...ids));
    await until(() => after.latest()?.id === next.id);
  });

  it("bounds the stream with MAXLEN ~", async () => {
    const stream = `t:bounded:${Date.now()}`;
    const b = await bus<number>(stream, 100);
    for (let i = 0; i < 1000; i++) await b.publish(i);
    const { client } = await connect();
    const length = await client.xlen(stream);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(400);
  });

  it("answers 503 service_unavailable while Redis is down and works again when it returns", async () => {
    const stream = `t:outage:${Date.now()}`;
    const a = await bus<string>(stream);
    const b = await bus<string>(stream);
    const seen: string[] = [];
    b.subscribe((e) => seen.push(e.event), { replayLimit: 10 });
    await new Promise((r) => setTimeout(r, 200));
    await service.stop();
    const error = await a.publish("lost").catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("service_unavailable");
    await service.start();
    const deadline = Date.now() + 10_000;
    let entry: BusEntry<string> | null = null;
    while (!entry && Date.now() < deadline) {
      entry = await a.publish("back").catch(() => null);
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entry).not.toBeNull();
    await until(() => seen.includes("back"), 10_000);
  });
});
