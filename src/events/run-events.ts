// The events of every optimization run, kept for a while under the run's id so that a client whose
// `POST /api/optimize` stream dropped can follow the rest (`GET /api/optimize/{id}/events` with
// `Last-Event-ID`), on this instance or, with Redis, on any instance.
//
// An entry is exactly what the run's own SSE stream sent: the same `id:` (1, 2, 3, … per run),
// event name and data. Retention is bounded: in-process the newest `maxRuns` runs, each capped at
// `maxEvents`; in Redis one capped stream per run (`pf:run:<id>:events`, entry ids `0-<id>`) that
// expires `ttlMs` after the run ends (and `liveTtlMs` after its last event, should its instance die).
//
// Followers are counted ("attached"), locally and — with Redis — in a sorted set of expiring
// tokens, so the instance running a run whose POST client went away knows whether anyone still
// follows it anywhere (the run is cancelled once nobody has for the resume grace period).
import { randomUUID } from "node:crypto";
import type { RedisConnection } from "./redis.js";

export interface RunEvent {
  /** The SSE `id:` the run's own stream sent; strictly increasing per run. */
  id: number;
  event: string;
  data: unknown;
}

export type RunEventListener = (entry: RunEvent) => void;

export interface RunEventStore {
  /** Keeps the event and hands it to this instance's followers. Never throws (failures are reported). */
  publish(runId: string, entry: RunEvent): void;
  /** The run ended: its events expire `ttlMs` from now. */
  end(runId: string): void;
  /** Retained events with an id greater than `after`, oldest first (at most `maxEvents`). */
  replay(runId: string, after: number): Promise<RunEvent[]>;
  /**
   * Retained events after `after`, then live ones, each once and in id order, until the returned
   * function is called.
   */
  follow(runId: string, after: number, listener: RunEventListener): () => void;
  /** Counts a follower of the run until the returned function is called. */
  attach(runId: string): () => void;
  /** Whether any follower (of any instance, with Redis) is attached to the run. */
  attached(runId: string): Promise<boolean>;
  close(): Promise<void>;
}

export const TERMINAL_RUN_EVENTS: ReadonlySet<string> = new Set(["complete", "error"]);

export interface RunEventStoreOptions {
  /** Runs kept in process (default 200; ended runs are dropped first). */
  maxRuns?: number;
  /** Events kept per run (default 5 000; the oldest are dropped beyond it). */
  maxEvents?: number;
  /** How long a run's events are kept after it ends (default 1 h). */
  ttlMs?: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

export const DEFAULT_RUN_EVENTS_TTL_MS = 3_600_000;

interface MemoryRun {
  events: RunEvent[];
  listeners: Set<RunEventListener>;
  endedAt: number | null;
  followers: number;
}

/** In-process retention: what this instance published, and its own followers. */
export function createMemoryRunEventStore(options: RunEventStoreOptions = {}): RunEventStore & {
  /** Whether this instance holds the run (it published or follows it). */
  has(runId: string): boolean;
} {
  const maxRuns = Math.max(1, options.maxRuns ?? 200);
  const maxEvents = Math.max(1, options.maxEvents ?? 5_000);
  const ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_RUN_EVENTS_TTL_MS);
  const clock = options.clock ?? Date.now;
  const runs = new Map<string, MemoryRun>();

  const expired = (run: MemoryRun) => run.endedAt !== null && clock() - run.endedAt >= ttlMs && run.followers === 0;
  const lookup = (runId: string): MemoryRun | undefined => {
    const run = runs.get(runId);
    if (run && expired(run) && run.listeners.size === 0) {
      runs.delete(runId);
      return undefined;
    }
    return run;
  };
  // Beyond maxRuns: the oldest ended run nobody follows (Map order is insertion order, so this is
  // usually the first entry), else the oldest nobody follows.
  const evict = () => {
    while (runs.size > maxRuns) {
      let victim: string | undefined;
      let fallback: string | undefined;
      for (const [id, run] of runs) {
        if (run.listeners.size > 0 || run.followers > 0) continue;
        if (run.endedAt !== null) {
          victim = id;
          break;
        }
        fallback ??= id;
      }
      const drop = victim ?? fallback;
      if (drop === undefined) return;
      runs.delete(drop);
    }
  };
  const ensure = (runId: string): MemoryRun => {
    let run = lookup(runId);
    if (!run) {
      run = { events: [], listeners: new Set(), endedAt: null, followers: 0 };
      runs.set(runId, run);
      evict();
    }
    return run;
  };
  const deliver = (listener: RunEventListener, entry: RunEvent) => {
    try {
      listener(entry);
    } catch (error) {
      options.onError?.(error);
    }
  };

  return {
    has: (runId) => {
      const run = lookup(runId);
      return run !== undefined && run.events.length > 0;
    },
    publish(runId, entry) {
      const run = ensure(runId);
      run.events.push(entry);
      if (run.events.length > maxEvents) run.events.splice(0, run.events.length - maxEvents);
      for (const listener of [...run.listeners]) deliver(listener, entry);
    },
    end(runId) {
      const run = runs.get(runId);
      if (run) run.endedAt = clock();
    },
    async replay(runId, after) {
      return (lookup(runId)?.events ?? []).filter((e) => e.id > after);
    },
    follow(runId, after, listener) {
      const run = ensure(runId);
      let last = after;
      const once: RunEventListener = (entry) => {
        if (entry.id <= last) return;
        last = entry.id;
        listener(entry);
      };
      for (const entry of run.events) if (entry.id > after) deliver(once, entry);
      run.listeners.add(once);
      return () => {
        run.listeners.delete(once);
      };
    },
    attach(runId) {
      const run = ensure(runId);
      run.followers++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        run.followers--;
      };
    },
    async attached(runId) {
      return (runs.get(runId)?.followers ?? 0) > 0;
    },
    async close() {
      for (const run of runs.values()) run.listeners.clear();
      runs.clear();
    },
  };
}

export interface RedisRunEventStoreOptions extends RunEventStoreOptions {
  connection: RedisConnection;
  /** A run's stream expires this long after its last event even if `end` never comes (default 24 h). */
  liveTtlMs?: number;
  /** How often a follower of a run held by another instance reads its stream (default 100 ms). */
  pollMs?: number;
  /** How long a follower's token lasts without renewal (default 15 s; renewed every third of it). */
  followerTtlMs?: number;
}

const eventsKey = (runId: string) => `pf:run:${runId}:events`;
const followersKey = (runId: string) => `pf:run:${runId}:followers`;

type StreamEntry = [id: string, fields: string[]];

function decodeEntry([streamId, fields]: StreamEntry): RunEvent | null {
  const at = fields.indexOf("e");
  if (at < 0 || at % 2 !== 0) return null;
  const dash = streamId.indexOf("-");
  const id = Number(streamId.slice(dash + 1));
  try {
    const parsed = JSON.parse(fields[at + 1] ?? "") as { event?: unknown; data?: unknown };
    if (typeof parsed.event !== "string" || !Number.isSafeInteger(id)) return null;
    return { id, event: parsed.event, data: parsed.data ?? null };
  } catch {
    return null;
  }
}

/**
 * Shared retention (REDIS_URL): events are written to this instance's memory (its own followers
 * get them at once) and to the run's Redis stream, where followers on other instances read them.
 */
export function createRedisRunEventStore(options: RedisRunEventStoreOptions): RunEventStore {
  const local = createMemoryRunEventStore(options);
  const client = options.connection.client;
  const maxEvents = Math.max(1, options.maxEvents ?? 5_000);
  const ttlMs = Math.max(1, options.ttlMs ?? DEFAULT_RUN_EVENTS_TTL_MS);
  const liveTtlMs = Math.max(ttlMs, options.liveTtlMs ?? 86_400_000);
  const pollMs = Math.max(10, options.pollMs ?? 100);
  const followerTtlMs = Math.max(300, options.followerTtlMs ?? 15_000);
  let failing = false;
  let closed = false;
  const report = (error: unknown) => {
    if (failing) return;
    failing = true;
    options.onError?.(error);
  };
  const ok = () => {
    failing = false;
  };

  const range = async (runId: string, after: number): Promise<RunEvent[]> => {
    const raw = (await client.xrange(eventsKey(runId), `(0-${after}`, "+", "COUNT", maxEvents)) as StreamEntry[];
    return raw.map(decodeEntry).filter((e): e is RunEvent => e !== null);
  };

  return {
    publish(runId, entry) {
      local.publish(runId, entry);
      const key = eventsKey(runId);
      client
        .multi()
        .xadd(
          key,
          "MAXLEN",
          "~",
          maxEvents,
          `0-${entry.id}`,
          "e",
          JSON.stringify({ event: entry.event, data: entry.data }),
        )
        .pexpire(key, liveTtlMs)
        .exec()
        .then(ok, report);
    },
    end(runId) {
      local.end(runId);
      client.pexpire(eventsKey(runId), ttlMs).then(ok, report);
    },
    async replay(runId, after) {
      if (local.has(runId)) return local.replay(runId, after);
      return range(runId, after);
    },
    follow(runId, after, listener) {
      // The instance running it has every event in memory, in order; others read the stream.
      if (local.has(runId)) return local.follow(runId, after, listener);
      let last = after;
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll = async () => {
        if (stopped || closed) return;
        try {
          for (const entry of await range(runId, last)) {
            if (stopped) return;
            if (entry.id <= last) continue;
            last = entry.id;
            try {
              listener(entry);
            } catch (error) {
              options.onError?.(error);
            }
          }
          ok();
        } catch (error) {
          report(error);
        }
        if (!stopped && !closed) timer = setTimeout(poll, pollMs);
      };
      void poll();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    },
    attach(runId) {
      const releaseLocal = local.attach(runId);
      const token = randomUUID();
      const key = followersKey(runId);
      const renew = () => {
        client
          .multi()
          .zadd(key, Date.now() + followerTtlMs, token)
          .pexpire(key, followerTtlMs * 2)
          .exec()
          .then(ok, report);
      };
      renew();
      const timer = setInterval(renew, Math.floor(followerTtlMs / 3));
      timer.unref?.();
      return () => {
        clearInterval(timer);
        releaseLocal();
        client.zrem(key, token).then(ok, report);
      };
    },
    async attached(runId) {
      if (await local.attached(runId)) return true;
      try {
        const count = await client.zcount(followersKey(runId), Date.now(), "+inf");
        ok();
        return count > 0;
      } catch (error) {
        report(error);
        // Unknown: keep the run rather than cancel work someone may be following.
        return true;
      }
    },
    async close() {
      closed = true;
      await local.close();
    },
  };
}

export function createRunEventStore(
  options: RunEventStoreOptions & { redis?: RedisConnection | null } = {},
): RunEventStore {
  return options.redis
    ? createRedisRunEventStore({ ...options, connection: options.redis })
    : createMemoryRunEventStore(options);
}
