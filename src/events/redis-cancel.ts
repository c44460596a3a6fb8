// Cross-instance cancel: a cancel accepted by any instance marks the record cancelled in the
// shared database (so a late completion can never overwrite it) and is published on one Redis
// channel; every instance listens and aborts the run if it is the one running it, so the work on
// the owner stops at once instead of running on to a refused write.
import type { RedisConnection } from "./redis.js";

export const CANCEL_CHANNEL = "pf:cancel";

export interface CancelChannel {
  /** Tells every instance to abort run `id` (best effort: the record is already cancelled). */
  publish(id: string): Promise<void>;
  close(): Promise<void>;
}

export function createCancelChannel(connection: RedisConnection, onCancel: (id: string) => void): CancelChannel {
  // A subscribed connection can do nothing else: a second one, with the same options.
  const subscriber = connection.client.duplicate();
  subscriber.on("error", () => undefined); // reported by the main connection
  const subscribe = () => subscriber.subscribe(CANCEL_CHANNEL).catch(() => undefined);
  subscriber.on("ready", subscribe);
  subscriber.on("message", (channel: string, id: string) => {
    if (channel === CANCEL_CHANNEL) onCancel(id);
  });
  return {
    async publish(id) {
      await connection.client.publish(CANCEL_CHANNEL, id).catch(() => undefined);
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
