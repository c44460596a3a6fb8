// The event bus shared by every instance (REDIS_URL): the `EventBus` of bus.ts over one Redis
// Stream. Publishing appends to the stream (bounded with `XADD MAXLEN ~`); every instance reads it
// with one blocking `XREAD` loop and hands each entry to its local subscribers, so an event
// published on instance A reaches an SSE client of instance B, and a client reconnecting to any
// instance with `Last-Event-ID` gets what it missed (`XRANGE` after that id).
//
// Ids are the stream ids `ms-n` written as one number, `ms × 1000 + n` — the same numbers as the
// in-memory bus's time ids — and they only ever increase: one Lua script picks the next id from
// Redis's clock and the stream's newest id (n < 1000, the next millisecond beyond), so the ids of
// all instances are one sequence and survive the restart of any of them.
import type { Redis } from "ioredis";
import { AppError } from "../core/errors.js";
import { type BusEntry, type BusListener, type EventBus, type SubscribeOptions, TIME_ID_SCALE } from "./bus.js";
import type { RedisConnection } from "./redis.js";

/**
 * KEYS[1] = the stream; ARGV = approximate maximum length, the JSON of the event.
 * Returns the new entry's id `ms-n`: Redis's time in ms, or the newest id's ms with n + 1 when the
 * clock has not moved past it (n stays below 1000 so that `ms × 1000 + n` is unique).
 */
const PUBLISH = `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seq = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if top[1] then
  local lms, lseq = string.match(top[1][1], '^(%d+)-(%d+)$')
  lms = tonumber(lms)
  lseq = tonumber(lseq)
  if lms >= ms then
    ms = lms
    seq = lseq + 1
    if seq >= ${TIME_ID_SCALE} then
      ms = ms + 1
      seq = 0
    end
  end
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%d-%d', ms, seq), 'e', ARGV[2])
`;

type PublishClient = Redis & { pfBusPublish(stream: string, maxLen: number, json: string): Promise<string> };

type StreamEntry = [id: string, fields: string[]];

export const DEFAULT_STREAM_MAXLEN = 10_000;

export interface RedisEventBusOptions<T> {
  connection: RedisConnection;
  /** The stream's key, e.g. `pf:events:mcp-activity`. */
  stream: string;
  /** About this many newest entries are kept (`XADD MAXLEN ~`; default 10 000). */
  maxLen?: number;
  /** Most entries replayed after a Last-Event-ID (default 1 000). */
  maxReplay?: number;
  /** Checks an entry read back; null skips it (default: the parsed JSON as is). */
  decode?: (value: unknown) => T | null;
  /** How long one XREAD waits for new entries (default 1 000 ms; below the command timeout). */
  blockMs?: number;
  /** Told when a listener throws; the bus keeps delivering to the others. */
  onListenerError?: (error: unknown) => void;
  /** Told once per outage when reading the stream fails (the loop retries by itself). */
  onError?: (error: unknown) => void;
}

/** `ms-n` → `ms × 1000 + n`. */
export function fromStreamId(streamId: string): number {
  const dash = streamId.indexOf("-");
  return Number(streamId.slice(0, dash)) * TIME_ID_SCALE + Number(streamId.slice(dash + 1));
}

/** `ms × 1000 + n` → `ms-n` (an id of a sequence bus, below 1000, becomes `0-n`). */
export function toStreamId(id: number): string {
  const whole = Math.max(0, Math.floor(id));
  return `${Math.floor(whole / TIME_ID_SCALE)}-${whole % TIME_ID_SCALE}`;
}

interface Subscriber<T> {
  listener: BusListener<T>;
  /** Highest id delivered (entries at or below it are not delivered again). */
  last: number;
  /** Live entries that arrived while the replay was being read; null once it is done. */
  held: Array<BusEntry<T>> | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

export function createRedisEventBus<T>(options: RedisEventBusOptions<T>): EventBus<T> {
  const { connection, stream } = options;
  const maxLen = Math.max(1, options.maxLen ?? DEFAULT_STREAM_MAXLEN);
  const maxReplay = Math.max(1, options.maxReplay ?? 1_000);
  const blockMs = options.blockMs ?? 1_000;
  const decode = options.decode ?? ((value: unknown) => value as T);
  const client = connection.client;
  if (!("pfBusPublish" in client)) client.defineCommand("pfBusPublish", { numberOfKeys: 1, lua: PUBLISH });
  // A blocking XREAD holds its connection: a second one, with the same options.
  const reader = client.duplicate();
  reader.on("error", () => undefined); // reported by the main connection and onError below
  const subscribers = new Set<Subscriber<T>>();
  let latest: BusEntry<T> | null = null;
  let closed = false;
  let failing = false;
  let markReady!: () => void;
  /** Resolves once the reader knows where the stream stands (everything after it is delivered live). */
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const toEntry = ([streamId, fields]: StreamEntry): BusEntry<T> | null => {
    const at = fields.indexOf("e");
    if (at < 0 || at % 2 !== 0) return null;
    try {
      const event = decode(JSON.parse(fields[at + 1] ?? ""));
      return event === null ? null : { id: fromStreamId(streamId), event };
    } catch {
      return null;
    }
  };
  const toEntries = (raw: StreamEntry[]): Array<BusEntry<T>> =>
    raw.map(toEntry).filter((entry): entry is BusEntry<T> => entry !== null);

  const deliver = (subscriber: Subscriber<T>, entry: BusEntry<T>) => {
    if (entry.id <= subscriber.last) return;
    subscriber.last = entry.id;
    try {
      subscriber.listener(entry);
    } catch (error) {
      options.onListenerError?.(error);
    }
  };

  const readLoop = async () => {
    let position: string | null = null;
    while (!closed) {
      try {
        if (reader.status !== "ready") {
          await sleep(100);
          continue;
        }
        if (position === null) {
          const top = (await reader.xrevrange(stream, "+", "-", "COUNT", 1)) as StreamEntry[];
          position = top[0]?.[0] ?? "0-0";
          if (top[0]) latest = toEntry(top[0]) ?? latest;
          markReady();
        }
        const reply = (await reader.xread("COUNT", 500, "BLOCK", blockMs, "STREAMS", stream, position)) as Array<
          [string, StreamEntry[]]
        > | null;
        failing = false;
        for (const [, raw] of reply ?? []) {
          for (const item of raw) {
            position = item[0];
            const entry = toEntry(item);
            if (!entry) continue;
            latest = entry;
            for (const subscriber of [...subscribers]) {
              if (subscriber.held) subscriber.held.push(entry);
              else deliver(subscriber, entry);
            }
          }
        }
      } catch (error) {
        if (closed) break;
        if (!failing) options.onError?.(error);
        failing = true;
        await sleep(250);
      }
    }
  };
  void readLoop();

  const range = async (after: number | undefined, count: number): Promise<Array<BusEntry<T>>> => {
    const start = after === undefined ? "-" : `(${toStreamId(after)}`;
    return toEntries((await client.xrange(stream, start, "+", "COUNT", count)) as StreamEntry[]);
  };

  const replayFor = async (subscriber: Subscriber<T>, subscribeOptions: SubscribeOptions) => {
    try {
      await ready;
      let replay: Array<BusEntry<T>>;
      if (subscribeOptions.after !== undefined) {
        replay = await range(subscribeOptions.after, maxReplay);
        if (subscribeOptions.replayLimit !== undefined)
          replay = replay.slice(-Math.max(0, subscribeOptions.replayLimit));
      } else {
        const limit = Math.max(0, subscribeOptions.replayLimit ?? 0);
        replay =
          limit === 0
            ? []
            : toEntries((await client.xrevrange(stream, "+", "-", "COUNT", limit)) as StreamEntry[]).reverse();
      }
      for (const entry of replay) if (subscribers.has(subscriber)) deliver(subscriber, entry);
    } catch (error) {
      options.onError?.(error);
    } finally {
      const held = subscriber.held ?? [];
      subscriber.held = null;
      for (const entry of held) if (subscribers.has(subscriber)) deliver(subscriber, entry);
    }
  };

  return {
    async publish(event) {
      let streamId: string;
      try {
        streamId = await (client as PublishClient).pfBusPublish(stream, maxLen, JSON.stringify(event));
      } catch (error) {
        throw new AppError(
          "service_unavailable",
          "Redis (REDIS_URL) is unreachable, so the event cannot be published; retry shortly.",
          { retryable: true, cause: error },
        );
      }
      const entry = { id: fromStreamId(streamId), event };
      if (!latest || entry.id > latest.id) latest = entry;
      return entry;
    },
    subscribe(listener, subscribeOptions = {}) {
      const replaying = subscribeOptions.after !== undefined || subscribeOptions.replayLimit !== undefined;
      const subscriber: Subscriber<T> = {
        listener,
        last: subscribeOptions.after ?? 0,
        held: replaying ? [] : null,
      };
      subscribers.add(subscriber);
      if (replaying) void replayFor(subscriber, subscribeOptions);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    async since(after) {
      return range(after, maxReplay);
    },
    latest() {
      return latest;
    },
    get subscriberCount() {
      return subscribers.size;
    },
    async close() {
      closed = true;
      subscribers.clear();
      reader.disconnect();
    },
  };
}
