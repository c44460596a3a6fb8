// State of the Insights view: the statistics of the whole history, reloaded when it changes.
import { api, unwrap } from "../../api/client";
import { describeError, isAbort } from "../../lib/errors";
import type { HistoryStats } from "./charts";

export class InsightsState {
  #stats = $state.raw<HistoryStats | null>(null);
  #loading = $state(false);
  #error = $state<{ code: string; message: string } | null>(null);
  #controller: AbortController | null = null;

  get stats() {
    return this.#stats;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      this.#stats = await unwrap(api.GET("/api/history/stats", { signal: controller.signal }));
      this.#error = null;
    } catch (error) {
      if (isAbort(error)) return;
      this.#error = describeError(error);
    } finally {
      if (this.#controller === controller) this.#loading = false;
    }
  }

  dispose(): void {
    this.#controller?.abort();
  }
}
