// A small typed publish/subscribe bus with a bounded replay buffer and monotonically increasing ids,
// so an SSE client can resume with Last-Event-ID. The in-process bus serves one instance; the
// interface is asynchronous where a shared bus has to be: `redis-bus.ts` implements the same
// interface over a Redis Stream for several instances.
//
// Ids: a plain sequence (1, 2, 3, …) by default, or, with `ids: "time"`, derived from the clock and
// a sequence — `ms × 1000 + n`, the same numbers as the Redis bus's stream ids `ms-n` — so they
// keep increasing across restarts of the process without anything persisted (a client resuming
// with its last id after a restart gets the new events, not nothing).

export interface BusEntry<T> {
  /** Monotonically increasing within the bus; the SSE `id:` of the event. */
  id: number;
  event: T;
}

export type BusListener<T> = (entry: BusEntry<T>) => void;

export interface SubscribeOptions {
  /** Replay buffered entries with an id greater than this first (Last-Event-ID resume). */
  after?: number;
  /** Replay at most this many of the newest buffered entries (default: all that qualify). */
  replayLimit?: number;
}

export interface EventBus<T> {
  /** Stores the event in the replay buffer, delivers it to every subscriber and returns its entry. */
  publish(event: T): Promise<BusEntry<T>>;
  /** Replays (per options) then delivers live entries, in id order, until the returned function is called. */
  subscribe(listener: BusListener<T>, options?: SubscribeOptions): () => void;
  /** Buffered entries with an id greater than `after` (all when omitted), oldest first. */
  since(after?: number): Promise<Array<BusEntry<T>>>;
  /** The newest entry, or null when nothing was published yet (or it left the buffer). */
  latest(): BusEntry<T> | null;
  readonly subscriberCount: number;
  close(): Promise<void>;
}

export interface MemoryEventBusOptions {
  /** Size of the replay buffer (default 500). */
  capacity?: number;
  /** Told when a listener throws; the bus keeps delivering to the others. */
  onListenerError?: (error: unknown) => void;
  /** "sequence" (default): 1, 2, 3, …; "time": `ms × 1000 + n`, increasing across restarts. */
  ids?: "sequence" | "time";
  /** Clock for time ids (default Date.now). */
  clock?: () => number;
}

export const DEFAULT_REPLAY_CAPACITY = 500;

/** Events per millisecond a time id can number (`ms × TIME_ID_SCALE + n`, n < TIME_ID_SCALE). */
export const TIME_ID_SCALE = 1000;

/** The next time id after `last`: `now × 1000`, or `last + 1` when the clock has not moved on. */
export function nextTimeId(last: number, now: number): number {
  return Math.max(last + 1, Math.floor(now) * TIME_ID_SCALE);
}

export function createMemoryEventBus<T>(options: MemoryEventBusOptions = {}): EventBus<T> {
  const capacity = Math.max(1, options.capacity ?? DEFAULT_REPLAY_CAPACITY);
  // Ring buffer: `buffer[(start + i) % capacity]` for i in [0, size).
  const buffer: Array<BusEntry<T>> = [];
  let start = 0;
  const clock = options.clock ?? Date.now;
  let lastId = 0;
  const newId = options.ids === "time" ? () => (lastId = nextTimeId(lastId, clock())) : () => ++lastId;
  const listeners = new Set<BusListener<T>>();
  let closed = false;

  const entriesAfter = (after: number | undefined): Array<BusEntry<T>> => {
    const out: Array<BusEntry<T>> = [];
    for (let i = 0; i < buffer.length; i++) {
      const entry = buffer[(start + i) % buffer.length] as BusEntry<T>;
      if (after === undefined || entry.id > after) out.push(entry);
    }
    return out;
  };

  const deliver = (listener: BusListener<T>, entry: BusEntry<T>) => {
    try {
      listener(entry);
    } catch (error) {
      options.onListenerError?.(error);
    }
  };

  return {
    async publish(event) {
      const entry: BusEntry<T> = { id: newId(), event };
      if (closed) return entry;
      if (buffer.length < capacity) buffer.push(entry);
      else {
        buffer[start] = entry;
        start = (start + 1) % capacity;
      }
      for (const listener of [...listeners]) deliver(listener, entry);
      return entry;
    },
    subscribe(listener, subscribeOptions = {}) {
      if (subscribeOptions.after !== undefined || subscribeOptions.replayLimit !== undefined) {
        let replay = entriesAfter(subscribeOptions.after);
        if (subscribeOptions.replayLimit !== undefined)
          replay = replay.slice(-Math.max(0, subscribeOptions.replayLimit));
        for (const entry of replay) deliver(listener, entry);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async since(after) {
      return entriesAfter(after);
    },
    latest() {
      if (buffer.length === 0) return null;
      return buffer[(start + buffer.length - 1) % buffer.length] ?? null;
    },
    get subscriberCount() {
      return listeners.size;
    },
    async close() {
      closed = true;
      listeners.clear();
    },
  };
}
