// State of the Audit view: one page of audit records for the filters the view passes in. Methods
// are the only writers; a newer load aborts the one in flight.
import { api, type Schemas, unwrap } from "../../api/client";
import { describeError, isAbort } from "../../lib/errors";
import { type AuditFilters, hasFilters, toApiQuery } from "./audit-query";

export type AuditEntry = Schemas["AuditEntry"];

export class AuditState {
  #items = $state.raw<AuditEntry[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state<{ code: string; message: string } | null>(null);
  #status = $state("");
  #filters: AuditFilters | null = null;
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
  /** The latest outcome, for the polite live region. */
  get status() {
    return this.#status;
  }

  async load(filters: AuditFilters): Promise<void> {
    this.#filters = filters;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loading = true;
    try {
      const page = await unwrap(
        api.GET("/api/audit", { params: { query: toApiQuery(filters) }, signal: controller.signal }),
      );
      this.#items = page.items;
      this.#total = page.total;
      this.#error = null;
      this.#loaded = true;
      const what = page.total === 1 ? "record" : "records";
      this.#status = hasFilters(filters) ? `${page.total} matching audit ${what}` : `${page.total} audit ${what}`;
    } catch (error) {
      if (isAbort(error)) return;
      this.#error = describeError(error);
      this.#status = `Could not load the audit log: ${this.#error.message}`;
    } finally {
      if (this.#controller === controller) {
        this.#loading = false;
        this.#controller = null;
      }
    }
  }

  refresh(): Promise<void> {
    return this.#filters ? this.load(this.#filters) : Promise.resolve();
  }

  dispose(): void {
    this.#controller?.abort();
  }
}
