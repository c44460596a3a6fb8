// State of one Review: the record (loaded, polled while it runs), its retry chain and the
// strategy catalogue. Methods are the only writers; the view creates one per mount.
import { ApiError, api, errorFromResponse, unwrap } from "../../api/client";
import { describeError, isAbort } from "../../lib/errors";
import type { OptimizationRecord, StrategyInfo } from "./types";

export type LoadState = "loading" | "ready" | "not-found" | "error";

/** Ancestors followed through `retry_of` at most this far. */
const MAX_ANCESTORS = 10;
const POLL_MS = 1500;

export interface ChainEntry {
  id: string;
  strategy: string | null;
  overall: number | null;
  status: string;
  created_at: string;
}

const entry = (r: OptimizationRecord): ChainEntry => ({
  id: r.id,
  strategy: r.strategy?.strategy ?? null,
  overall: r.validation?.overall ?? null,
  status: r.status,
  created_at: r.created_at,
});

export class ReviewState {
  #state = $state<LoadState>("loading");
  #record = $state.raw<OptimizationRecord | null>(null);
  #error = $state<{ code: string; message: string } | null>(null);
  #ancestors = $state.raw<ChainEntry[]>([]);
  #children = $state.raw<ChainEntry[]>([]);
  #chainMissing = $state<string | null>(null);
  #chainError = $state<{ code: string; message: string } | null>(null);
  #strategies = $state.raw<StrategyInfo[]>([]);
  #controller: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  get state(): LoadState {
    return this.#state;
  }
  get record(): OptimizationRecord | null {
    return this.#record;
  }
  get error(): { code: string; message: string } | null {
    return this.#error;
  }
  /** Oldest first, not including this record. */
  get ancestors(): ChainEntry[] {
    return this.#ancestors;
  }
  /** Records that retry this one (the history's `retry_of` filter), oldest first. */
  get children(): ChainEntry[] {
    return this.#children;
  }
  /** The id of an ancestor that no longer exists, if the chain breaks. */
  get chainMissing(): string | null {
    return this.#chainMissing;
  }
  get chainError(): { code: string; message: string } | null {
    return this.#chainError;
  }
  get strategies(): StrategyInfo[] {
    return this.#strategies;
  }
  get live(): boolean {
    const s = this.#record?.status;
    return s === "running" || s === "pending";
  }

  /** Loads the record (and then its chain); a running record is polled until it ends. */
  async load(id: string): Promise<void> {
    this.dispose();
    const controller = new AbortController();
    this.#controller = controller;
    const { signal } = controller;
    if (this.#record?.id !== id) {
      this.#state = "loading";
      this.#record = null;
      this.#ancestors = [];
      this.#children = [];
    }
    this.#error = null;
    try {
      const record = await unwrap(api.GET("/api/optimize/{id}", { params: { path: { id } }, signal }));
      if (signal.aborted) return;
      this.#record = record;
      this.#state = "ready";
      if (this.live) this.#timer = setTimeout(() => void this.load(id), POLL_MS);
      else
        this.#loadChain(record, signal).catch((error) => {
          if (!isAbort(error) && !signal.aborted) this.#chainError = describeError(error);
        });
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) this.#state = "not-found";
      else {
        this.#error = describeError(error);
        this.#state = "error";
      }
    }
  }

  async loadStrategies(): Promise<void> {
    if (this.#strategies.length) return;
    this.#strategies = await unwrap(api.GET("/api/strategies"));
  }

  async #loadChain(record: OptimizationRecord, signal: AbortSignal): Promise<void> {
    this.#chainError = null;
    const ancestors: ChainEntry[] = [];
    let missing: string | null = null;
    let next = record.retry_of;
    const seen = new Set([record.id]);
    while (next && ancestors.length < MAX_ANCESTORS && !seen.has(next)) {
      seen.add(next);
      const id = next;
      const res = await api.GET("/api/optimize/{id}", { params: { path: { id } }, signal });
      if (signal.aborted) return;
      if (res.response.status === 404) {
        missing = id;
        break;
      }
      if (!res.data) throw await errorFromResponse(res.response, res.error);
      ancestors.unshift(entry(res.data));
      next = res.data.retry_of;
    }
    this.#ancestors = ancestors;
    this.#chainMissing = missing;
    const res = await api.GET("/api/history", {
      params: { query: { retry_of: record.id, per_page: 100, sort: "created_at", order: "asc" } },
      signal,
    });
    if (signal.aborted) return;
    if (!res.data) throw await errorFromResponse(res.response, res.error);
    this.#children = res.data.items.map(entry);
  }

  dispose(): void {
    this.#controller?.abort();
    this.#controller = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
