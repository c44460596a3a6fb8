// State of the History view: the current page of records, the running ones, the selection, and
// the actions on them. Methods are the only writers; the view passes the filters in.
import { api, unwrap } from "../../api/client";
import { emit } from "../../lib/bus";
import { describeError, isAbort, reportError } from "../../lib/errors";
import { type HistoryFilters, hasFilters, toApiQuery } from "./query";
import type { HistoryRecord, ProjectItem, StrategyInfo } from "./types";

/** Sent with our own `history-changed` events so the view does not refetch twice. */
export const OWN_CHANGE = "history-view";

export class HistoryState {
  #items = $state.raw<HistoryRecord[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state<{ code: string; message: string } | null>(null);
  /** Whether the database holds any record at all (for the "first prompt" empty state). */
  #anyRecords = $state<boolean | null>(null);
  #running = $state.raw<HistoryRecord[]>([]);
  #cancelling = $state.raw<ReadonlySet<string>>(new Set());
  #selected = $state.raw<ReadonlySet<string>>(new Set());
  #projects = $state.raw<ProjectItem[]>([]);
  #strategies = $state.raw<StrategyInfo[]>([]);
  #status = $state("");
  #filters: HistoryFilters | null = null;
  #runningFailed = false;
  #controller: AbortController | null = null;

  get items() {
    return this.#items;
  }
  get total() {
    return this.#total;
  }
  get loaded() {
    return this.#loaded;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }
  get anyRecords() {
    return this.#anyRecords;
  }
  get running() {
    return this.#running;
  }
  get cancelling() {
    return this.#cancelling;
  }
  get selected() {
    return this.#selected;
  }
  get projects() {
    return this.#projects;
  }
  get strategies() {
    return this.#strategies;
  }
  /** The latest outcome, for the polite live region. */
  get status() {
    return this.#status;
  }

  announce(message: string): void {
    this.#status = message;
  }

  async loadOptions(): Promise<void> {
    // Active and archived projects (both can own records). Two calls: `include_archived` is
    // refused by the server today (the route parses its query twice).
    const [active, archived, strategies] = await Promise.allSettled([
      unwrap(api.GET("/api/projects", { params: { query: { per_page: 100 } } })),
      unwrap(api.GET("/api/projects", { params: { query: { per_page: 100, status: "archived" } } })),
      unwrap(api.GET("/api/strategies")),
    ]);
    if (active.status === "fulfilled" && archived.status === "fulfilled") {
      this.#projects = [...active.value.items, ...archived.value.items].sort((a, b) => a.name.localeCompare(b.name));
    } else {
      reportError(
        active.status === "rejected" ? active.reason : (archived as PromiseRejectedResult).reason,
        "Could not load the projects",
      );
    }
    if (strategies.status === "fulfilled") this.#strategies = strategies.value;
    else reportError(strategies.reason, "Could not load the strategies");
  }

  /** Loads the page for these filters; a newer call aborts an older one. */
  async load(filters: HistoryFilters, filtered: boolean): Promise<void> {
    this.#filters = filters;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      const page = await unwrap(
        api.GET("/api/history", { params: { query: toApiQuery(filters) }, signal: controller.signal }),
      );
      // Past the last page (after a delete, say): go to the last one that exists.
      if (page.items.length === 0 && page.total > 0 && filters.page > 1) {
        const last = Math.max(1, Math.ceil(page.total / filters.per_page));
        if (last < filters.page) return this.load({ ...filters, page: last }, filtered);
      }
      this.#items = page.items;
      this.#total = page.total;
      this.#error = null;
      if (!filtered) this.#anyRecords = page.total > 0;
      else if (page.total > 0) this.#anyRecords = true;
      else {
        const all = await unwrap(
          api.GET("/api/history", { params: { query: { per_page: 1 } }, signal: controller.signal }),
        );
        this.#anyRecords = all.total > 0;
      }
      this.#loaded = true;
      const visible = new Set(page.items.map((r) => r.id));
      // Selection is per page: drop ids no longer shown.
      if ([...this.#selected].some((id) => !visible.has(id))) {
        this.#selected = new Set([...this.#selected].filter((id) => visible.has(id)));
      }
    } catch (error) {
      if (isAbort(error)) return;
      this.#error = describeError(error);
      this.#loaded = true;
    } finally {
      if (this.#controller === controller) this.#loading = false;
    }
  }

  /** Refetches the current page (after a change anywhere). */
  refresh(): Promise<void> {
    if (!this.#filters) return Promise.resolve();
    return this.load(this.#filters, hasFilters(this.#filters));
  }

  /** Loads the running records; returns whether the set changed (some finished or started). */
  async loadRunning(): Promise<boolean> {
    try {
      const page = await unwrap(
        api.GET("/api/history", {
          params: { query: { status: "running", per_page: 50, sort: "created_at", order: "desc" } },
        }),
      );
      const before = this.#running.map((r) => r.id).join();
      this.#running = page.items;
      this.#runningFailed = false;
      return before !== page.items.map((r) => r.id).join();
    } catch (error) {
      // Reported once per failure streak: the poll keeps trying every few seconds.
      if (!isAbort(error) && !this.#runningFailed) reportError(error, "Could not load the running optimizations");
      this.#runningFailed = true;
      return false;
    }
  }

  async cancel(record: HistoryRecord): Promise<void> {
    this.#cancelling = new Set([...this.#cancelling, record.id]);
    try {
      const done = await unwrap(api.POST("/api/optimize/{id}/cancel", { params: { path: { id: record.id } } }));
      this.#status = `Cancelled: the record is now ${done.status}.`;
      emit("history-changed", { reason: OWN_CHANGE, id: record.id });
    } catch (error) {
      reportError(error, "Could not cancel");
    } finally {
      this.#cancelling = new Set([...this.#cancelling].filter((id) => id !== record.id));
      await this.loadRunning();
      await this.refresh();
    }
  }

  toggle(id: string, on: boolean): void {
    const next = new Set(this.#selected);
    if (on) next.add(id);
    else next.delete(id);
    this.#selected = next;
  }

  selectPage(on: boolean): void {
    this.#selected = on ? new Set(this.#items.map((r) => r.id)) : new Set();
  }

  clearSelection(): void {
    this.#selected = new Set();
  }

  /** Deletes the given records (in requests of at most 100 ids); returns how many were deleted. */
  async delete(ids: string[]): Promise<number> {
    let deleted = 0;
    try {
      if (ids.length === 1) {
        await unwrap(api.DELETE("/api/history/{id}", { params: { path: { id: ids[0] as string } } }));
        deleted = 1;
      } else {
        for (let i = 0; i < ids.length; i += 100) {
          const res = await unwrap(api.POST("/api/history/bulk-delete", { body: { ids: ids.slice(i, i + 100) } }));
          deleted += res.deleted;
        }
      }
      this.#status = `Deleted ${deleted} ${deleted === 1 ? "record" : "records"}.`;
    } catch (error) {
      reportError(error, "Could not delete");
    }
    if (deleted > 0) {
      this.#selected = new Set([...this.#selected].filter((id) => !ids.includes(id)));
      emit("history-changed", { reason: OWN_CHANGE });
    }
    await this.refresh();
    return deleted;
  }
}
