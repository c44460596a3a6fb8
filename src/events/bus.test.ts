import { describe, expect, it } from "vitest";
import { type BusEntry, createMemoryEventBus } from "./bus.js";

describe("createMemoryEventBus", () => {
  it("gives every event a monotonically increasing id and delivers it to subscribers", async () => {
    const bus = createMemoryEventBus<string>();
    const seen: Array<BusEntry<string>> = [];
    bus.subscribe((e) => seen.push(e));
    const a = await bus.publish("a");
    const b = await bus.publish("b");
    expect(b.id).toBeGreaterThan(a.id);
    expect(seen.map((e) => e.event)).toEqual(["a", "b"]);
    expect(bus.latest()).toEqual(b);
  });

  it("keeps only the newest `capacity` events for replay", async () => {
    const bus = createMemoryEventBus<number>({ capacity: 3 });
    for (let i = 1; i <= 5; i++) await bus.publish(i);
    expect((await bus.since()).map((e) => e.event)).toEqual([3, 4, 5]);
    expect((await bus.since(4)).map((e) => e.id)).toEqual([5]);
  });

  it("replays entries after a Last-Event-ID before live ones, in order", async () => {
    const bus = createMemoryEventBus<string>();
    const first = await bus.publish("one");
    await bus.publish("two");
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.event), { after: first.id });
    await bus.publish("three");
    expect(seen).toEqual(["two", "three"]);
  });

  it("limits the replay of a fresh subscriber to the newest entries", async () => {
    const bus = createMemoryEventBus<number>();
    for (let i = 1; i <= 10; i++) await bus.publish(i);
    const seen: number[] = [];
    bus.subscribe((e) => seen.push(e.event), { replayLimit: 2 });
    expect(seen).toEqual([9, 10]);
  });

  it("stops delivering after unsubscribe and isolates a throwing listener", async () => {
    const errors: unknown[] = [];
    const bus = createMemoryEventBus<string>({ onListenerError: (e) => errors.push(e) });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    const off = bus.subscribe((e) => seen.push(e.event));
    await bus.publish("x");
    off();
    await bus.publish("y");
    expect(seen).toEqual(["x"]);
    expect(errors).toHaveLength(2);
    expect(bus.subscriberCount).toBe(1);
  });
});

describe("createMemoryEventBus with time ids", () => {
  it("numbers events ms × 1000 + n, increasing within a millisecond and across a restart", async () => {
    let now = 1_764_650_000_000;
    const first = createMemoryEventBus<string>({ ids: "time", clock: () => now });
    const a = await first.publish("a");
    const b = await first.publish("b");
    expect(a.id).toBe(1_764_650_000_000_000);
    expect(b.id).toBe(a.id + 1);
    now += 5;
    const c = await first.publish("c");
    expect(c.id).toBe(1_764_650_000_005_000);
    // A restarted process: a new bus, nothing persisted, ids still above every earlier one.
    now += 1;
    const restarted = createMemoryEventBus<string>({ ids: "time", clock: () => now });
    const d = await restarted.publish("d");
    expect(d.id).toBeGreaterThan(c.id);
    expect((await restarted.since(c.id)).map((e) => e.event)).toEqual(["d"]);
  });

  it("never goes backwards when the clock does", async () => {
    let now = 2_000_000;
    const bus = createMemoryEventBus<number>({ ids: "time", clock: () => now });
    const a = await bus.publish(1);
    now -= 1000;
    const b = await bus.publish(2);
    expect(b.id).toBe(a.id + 1);
  });
});
