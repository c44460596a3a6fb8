// A typed event bus for refreshes that cross views ("a run finished" makes History refetch), so
// one view never imports another.
export interface BusEvents {
  /** Records were created, changed or deleted (by this tab, or by MCP/another client). */
  "history-changed": { reason: string; id?: string };
  "projects-changed": { id?: string };
  "run-finished": { id: string; status: string };
  "providers-changed": Record<string, never>;
}

type Handler<K extends keyof BusEvents> = (payload: BusEvents[K]) => void;
const handlers = new Map<keyof BusEvents, Set<Handler<never>>>();

export function emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
  for (const h of handlers.get(name) ?? []) (h as Handler<K>)(payload);
}

/** Subscribes; returns the unsubscribe function (return it from an `$effect`). */
export function on<K extends keyof BusEvents>(name: K, handler: Handler<K>): () => void {
  const set = handlers.get(name) ?? new Set<Handler<never>>();
  handlers.set(name, set);
  set.add(handler as Handler<never>);
  return () => set.delete(handler as Handler<never>);
}
