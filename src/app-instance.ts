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

/** Another kind of run this instance recovers (prompt-test runs): returns how many it marked. */
export interface RunRecovery {
  what: string;
  markInterrupted(): Promise<number>;
}

export interface InstanceLeaseOptions {
  heartbeatMs: number;
  ttlMs: number;
  /**
   * Whether this process recovers the runs of instances that are gone. Only processes that run
   * work for others (serve, the MCP servers) do; a one-shot CLI command (history, doctor, …) keeps
   * a lease for the runs it starts itself but never marks anyone's runs.
   */
  recover?: boolean;
  /** More run kinds to recover next to the optimizations. */
  recoveries?: RunRecovery[];
}

export async function startInstanceLease(
  store: Store,
  options: InstanceLeaseOptions,
  logger: Logger,
  id: string = randomUUID(),
): Promise<InstanceLease> {
  await store.instances.register(id, options.ttlMs, os.hostname());
  const recoveries: RunRecovery[] = [
    { what: "optimizations", markInterrupted: () => store.optimizations.markInterrupted() },
    ...(options.recoveries ?? []),
  ];
  const recover = async (when: "start" | "heartbeat") => {
    if (options.recover === false) return;
    for (const recovery of recoveries) {
      const count = await recovery.markInterrupted();
      if (count > 0)
        logger.warn(
          { count, when, what: recovery.what },
          `marked ${recovery.what} of instances that are gone (lease expired or previous process) as interrupted`,
        );
    }
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

/**
 * The owner's side of a cross-process cancel or delete: another process (the stdio MCP server, a
 * second instance on the same database without Redis) can only change the shared record, so every
 * `intervalMs` while this process has runs in flight it reads their statuses (one indexed query)
 * and aborts each run whose record was cancelled, finished elsewhere or deleted.
 */
export function startRunWatch(
  store: Store,
  runs: { ids(): string[]; abort(id: string): boolean },
  options: { intervalMs: number },
  logger: Logger,
): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    const ids = runs.ids();
    if (busy || ids.length === 0) return;
    busy = true;
    store.optimizations
      .stillOpen(ids)
      .then((open) => {
        // A run registered after the read started is checked on the next tick.
        for (const id of ids)
          if (!open.has(id) && runs.abort(id)) logger.info({ id }, "run cancelled or deleted by another process");
      })
      .catch((error) => logger.warn({ err: error }, "could not check runs for cancels from other processes"))
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
