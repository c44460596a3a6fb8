// This process as one instance of a shared database (part of the composition root): an id, a
// lease renewed by a heartbeat, and the recovery of runs whose owner's lease ran out — at start
// and on every heartbeat, so a crashed instance's runs are marked interrupted by a live one soon
// after its lease expires, and never earlier.
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Logger } from "pino";
import type { Store } from "./store/index.js";

export interface InstanceLease {
  readonly id: string;
  /** Stops the heartbeat and gives the lease up (this instance's runs are already settled). */
  stop(): Promise<void>;
}

export async function startInstanceLease(
  store: Store,
  options: { heartbeatMs: number; ttlMs: number },
  logger: Logger,
  id: string = randomUUID(),
): Promise<InstanceLease> {
  await store.instances.register(id, options.ttlMs, os.hostname());
  const recover = async (when: "start" | "heartbeat") => {
    const count = await store.optimizations.markInterrupted();
    if (count > 0)
      logger.warn(
        { count, when },
        "marked optimizations of instances that are gone (lease expired or previous process) as interrupted",
      );
  };
  await recover("start");
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    (async () => {
      if (!(await store.instances.heartbeat(id, options.ttlMs)))
        logger.warn("the instance lease had been swept (paused too long); registered again");
      await recover("heartbeat");
      await store.instances.sweep(options.ttlMs * 10);
    })()
      .catch((error) => logger.error({ err: error }, "instance heartbeat failed"))
      .finally(() => {
        busy = false;
      });
  }, options.heartbeatMs);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      for (let i = 0; i < 100 && busy; i++) await new Promise((r) => setTimeout(r, 10));
      await store.instances.remove(id).catch(() => undefined);
    },
  };
}
