// One batch run: a row per prompt fed by the batch SSE stream (`item_stage` as each item's stages
// start and finish, `progress` per finished item, then `complete`), and Cancel, which aborts the stream.
// The server then cancels what is left (each unfinished prompt ends as a `cancelled` record); the
// final states are read back from the history, since the stream is gone.
import { api, unwrap } from "../../api/client";
import { openSse } from "../../api/sse";
import { emit } from "../../lib/bus";
import { describeError, isAbort, reportError } from "../../lib/errors";
import {
  type BatchItem,
  type BatchItemResult,
  type BatchOptions,
  type BatchRecord,
  type BatchSummary,
  FINAL_STATES,
} from "./types";

/** Clock tolerance when matching records created by this batch. */
const SKEW_MS = 5000;

interface ItemStage {
  index: number;
  stage: string;
  status: "started" | "completed";
}

type Phase = "idle" | "starting" | "running" | "cancelling" | "done" | "cancelled" | "failed";

const NEVER_STARTED = "never started";
const norm = (s: string) => s.replace(/\s+/g, " ").trim();

export class BatchRun {
  #items = $state.raw<BatchItem[]>([]);
  #phase = $state<Phase>("idle");
  #error = $state<{ code: string; message: string } | null>(null);
  #controller: AbortController | null = null;
  #startedAt = 0;

  get items() {
    return this.#items;
  }
  get phase() {
    return this.#phase;
  }
  get error() {
    return this.#error;
  }
  get active() {
    return this.#phase === "starting" || this.#phase === "running" || this.#phase === "cancelling";
  }
  get done() {
    return this.#items.filter((i) => FINAL_STATES.includes(i.state)).length;
  }
  get completedRecords(): BatchRecord[] {
    return this.#items.flatMap((i) => (i.state === "completed" && i.record ? [i.record] : []));
  }

  reset(): void {
    if (this.active) return;
    this.#items = [];
    this.#phase = "idle";
    this.#error = null;
  }

  #update(index: number, patch: Partial<BatchItem>): void {
    this.#items = this.#items.map((item) => (item.index === index ? { ...item, ...patch } : item));
  }

  #apply(result: BatchItemResult): void {
    this.#update(result.index, {
      state: result.status,
      record: result.record ?? null,
      error:
        result.error ??
        (result.status === "error" && result.record?.error_message
          ? { code: "pipeline_failed", message: result.record.error_message }
          : null),
    });
  }

  #stage(event: ItemStage): void {
    const item = this.#items.find((i) => i.index === event.index);
    if (!item || FINAL_STATES.includes(item.state)) return;
    const order = ["analyze", "strategy", "optimize", "validate"];
    const done = order.indexOf(event.stage) + (event.status === "completed" ? 1 : 0);
    this.#update(event.index, { state: "running", stage: { name: event.stage, done: Math.max(0, done) } });
  }

  async start(prompts: string[], options: BatchOptions): Promise<void> {
    if (this.active) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#startedAt = Date.now();
    this.#error = null;
    this.#items = prompts.map((prompt, index) => ({
      index,
      prompt,
      state: "pending",
      record: null,
      error: null,
      stage: null,
      note: null,
    }));
    this.#phase = "starting";
    try {
      const { frames } = await openSse("/api/optimize/batch", {
        body: { ...options, prompts },
        signal: controller.signal,
      });
      this.#phase = "running";
      this.#items = this.#items.map((i) => ({ ...i, state: "queued" }));
      for await (const frame of frames) {
        let data: unknown;
        try {
          data = JSON.parse(frame.data);
        } catch {
          continue;
        }
        if (frame.event === "item_stage") this.#stage(data as ItemStage);
        else if (frame.event === "progress") this.#apply(data as BatchItemResult);
        else if (frame.event === "complete") for (const r of (data as BatchSummary).results) this.#apply(r);
        else if (frame.event === "error") {
          const e = data as { code: string; message: string };
          this.#error = { code: e.code, message: e.message };
        }
      }
      if (controller.signal.aborted) return; // cancel() finishes the run
      // A stream that ended early (server shutdown) leaves rows unfinished: read them back.
      if (this.#items.some((i) => !FINAL_STATES.includes(i.state))) await this.#reconcile();
      this.#phase = this.#error ? "failed" : "done";
      emit("history-changed", { reason: "batch" });
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#error = describeError(error);
      reportError(error, "The batch could not run");
      const started = this.#phase !== "starting";
      this.#phase = "failed";
      if (started) {
        await this.#reconcile();
        emit("history-changed", { reason: "batch" });
      } else {
        this.#items = this.#items.map((i) => ({ ...i, state: "rejected", error: this.#error }));
      }
    }
  }

  /** Aborts the stream; the server cancels the prompts still running or waiting. */
  async cancel(): Promise<void> {
    if (!this.active || !this.#controller) return;
    this.#phase = "cancelling";
    this.#controller.abort();
    // The server marks the in-flight runs cancelled at their next step and records the waiting
    // prompts as cancelled too; give it a moment, then read the final states.
    // Prompts that had not started get their (cancelled) record a moment later: look again a
    // couple of times before calling them "never started".
    for (let attempt = 0; attempt < 6; attempt++) {
      await new Promise((r) => setTimeout(r, attempt === 0 ? 400 : 700));
      const { running, unmatched } = await this.#reconcile();
      if (!running && (unmatched === 0 || attempt >= 2)) break;
    }
    this.#phase = "cancelled";
    emit("history-changed", { reason: "batch-cancelled" });
  }

  /**
   * Reads the records of the unfinished rows (and of those not found yet) from the history,
   * matched by prompt text among records created since the batch started. Says whether a matched
   * record is still running and how many rows have no record.
   */
  async #reconcile(): Promise<{ running: boolean; unmatched: number }> {
    const isOpen = (i: BatchItem) => !FINAL_STATES.includes(i.state) || i.note === NEVER_STARTED;
    const open = this.#items.filter(isOpen);
    if (open.length === 0) return { running: false, unmatched: 0 };
    let records: BatchRecord[];
    try {
      const page = await unwrap(
        api.GET("/api/history", {
          params: { query: { per_page: 100, sort: "created_at", order: "desc" } },
        }),
      );
      records = page.items.filter((r) => new Date(r.created_at).getTime() >= this.#startedAt - SKEW_MS);
    } catch (error) {
      reportError(error, "Could not read the final states of the batch");
      return { running: false, unmatched: 0 };
    }
    const matches = this.#match(records, isOpen);
    let running = false;
    let unmatched = 0;
    for (const item of open) {
      const record = matches.get(item.index);
      if (!record) {
        unmatched++;
        this.#update(item.index, { state: "cancelled", note: NEVER_STARTED });
      } else if (record.status === "running" || record.status === "pending") {
        running = true;
        this.#update(item.index, { state: "running", record });
      } else {
        const state =
          record.status === "completed" ? "completed" : record.status === "cancelled" ? "cancelled" : "error";
        this.#update(item.index, {
          state,
          record,
          note: null,
          error: record.error_message ? { code: record.status, message: record.error_message } : null,
        });
      }
    }
    return { running, unmatched };
  }

  /** Pairs rows with records by prompt text (each record used once; ids already known are kept). */
  #match(records: BatchRecord[], want: (item: BatchItem) => boolean): Map<number, BatchRecord> {
    const taken = new Set(this.#items.flatMap((i) => (i.record && !want(i) ? [i.record.id] : [])));
    const result = new Map<number, BatchRecord>();
    for (const item of this.#items) {
      if (!want(item)) continue;
      const known = item.record ? records.find((r) => r.id === item.record?.id) : undefined;
      const record = known ?? records.find((r) => !taken.has(r.id) && norm(r.raw_prompt) === norm(item.prompt));
      if (record) {
        taken.add(record.id);
        result.set(item.index, record);
      }
    }
    return result;
  }
}
