// A small typed publish/subscribe bus with a bounded replay buffer and monotonically increasing ids,
// so an SSE client can resume with Last-Event-ID. The in-process bus serves one instance; the
// interface is asynchronous where a shared (Redis) bus would have to be, so one can be added later.

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
}

export const DEFAULT_REPLAY_CAPACITY = 500;

export function createMemoryEventBus<T>(options: MemoryEventBusOptions = {}): EventBus<T> {
  const capacity = Math.max(1, options.capacity ?? DEFAULT_REPLAY_CAPACITY);
  // Ring buffer: `buffer[(start + i) % capacity]` for i in [0, size).
  const buffer: Array<BusEntry<T>> = [];
  let start = 0;
  let nextId = 1;
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
      const entry: BusEntry<T> = { id: nextId++, event };
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
