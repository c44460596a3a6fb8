// One streamed pipeline run (a forge, a retry, one strategy of a comparison): the four stages as a
// timeline (status, duration, step_progress), the rewrite as it streams, warnings as they come,
// then the stored record — or the error, or "cancelled".
import type { StageName } from "$core/pipeline/events.js";
import { ApiError, api, type Schemas, unwrap } from "../api/client";
import { openSse, type RunEvent, runEvents, streamRun } from "../api/sse";
import { emit } from "./bus";
import { describeError, isAbort } from "./errors";

export interface StageState {
  name: StageName;
  status: "pending" | "running" | "done";
  startedAt: number | null;
  ms: number | null;
  progress: number;
  message: string;
  iteration: number;
}

export type RunStatus = "idle" | "queued" | "running" | "completed" | "error" | "cancelled";

const STAGE_NAMES: StageName[] = ["analyze", "strategy", "optimize", "validate"];

export type StoredRecord = Schemas["OptimizationRecord"];

export class RunSession {
  status = $state<RunStatus>("idle");
  stages = $state<StageState[]>(freshStages());
  streamed = $state("");
  optimized = $state<string | null>(null);
  warnings = $state<{ code: string; message: string }[]>([]);
  error = $state<{ code: string; message: string; stage?: string | null } | null>(null);
  recordId = $state<string | null>(null);
  record = $state.raw<StoredRecord | null>(null);
  strategy = $state<string | null>(null);
  iteration = $state<{ iteration: number; max_iterations: number; overall: number } | null>(null);
  private controller: AbortController | null = null;
  /** The `id:` of the last event applied: where a dropped stream resumes. */
  private lastEventId: string | null = null;

  get running(): boolean {
    return this.status === "running";
  }

  /** Running, or waiting for its turn (a comparison runs two at a time). */
  get active(): boolean {
    return this.status === "running" || this.status === "queued";
  }

  /** The running stage's latest step message ("analyze…" when it has none), or the status. */
  get label(): string {
    if (this.status !== "running") return this.status;
    const stage = this.stages.find((s) => s.status === "running");
    return stage ? stage.message || `${stage.name}…` : "starting…";
  }

  queue(): void {
    this.reset();
    this.status = "queued";
  }

  /**
   * Streams a run (`POST /api/optimize` by default; a retry passes its own path) to its end and
   * resolves with the stored record when it completed, else null.
   */
  async start(body: Record<string, unknown>, path = "/api/optimize"): Promise<StoredRecord | null> {
    if (this.running) return null;
    this.reset();
    this.status = "running";
    const controller = new AbortController();
    this.controller = controller;
    try {
      const { id, events } = await streamRun(path, body, controller.signal);
      this.recordId = id;
      try {
        for await (const event of events) this.apply(event);
      } catch (error) {
        // The connection dropped mid-run (a proxy timeout, the network): follow the rest below.
        if (isAbort(error) || !this.recordId) throw error;
      }
      if (this.status === "running" && this.recordId) {
        // The stream ended without `complete` or `error`: resume after the last event we saw
        // (the server keeps the run's events; it ends with one built from the record if they are gone).
        await this.follow(this.recordId, controller.signal);
      }
      if (this.status === "running") await this.settleFromServer();
    } catch (error) {
      await this.fail(error);
    } finally {
      this.finish();
    }
    // (Read back: the stream handlers above set the status, which narrowing cannot see.)
    return (this.status as RunStatus) === "completed" ? this.record : null;
  }

  /**
   * Re-attaches to a run started earlier (before a page reload): replays its events from the
   * first one, then follows it live to its end. Resolves with the stored record when it completed.
   */
  async attach(id: string): Promise<StoredRecord | null> {
    if (this.running) return null;
    this.reset();
    this.status = "running";
    this.recordId = id;
    const controller = new AbortController();
    this.controller = controller;
    try {
      await this.follow(id, controller.signal);
      if (this.status === "running") await this.settleFromServer();
    } catch (error) {
      await this.fail(error);
    } finally {
      this.finish();
    }
    return (this.status as RunStatus) === "completed" ? this.record : null;
  }

  /** The end of a run that threw: a cancel (the record says how it ended) or an error to show. */
  private async fail(error: unknown): Promise<void> {
    if (isAbort(error)) {
      this.status = "cancelled";
      await this.settleFromServer();
    } else {
      this.status = "error";
      this.error = describeError(error);
    }
  }

  /** Tells the rest of the page that the run (if it got a record) has finished. */
  private finish(): void {
    this.controller = null;
    if (this.recordId) {
      emit("history-changed", { reason: "run", id: this.recordId });
      emit("run-finished", { id: this.recordId, status: this.status });
    }
  }

  /** `GET /api/optimize/{id}/events` after the last event seen; a few retries if the connection drops. */
  private async follow(id: string, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; attempt < 4 && this.status === "running"; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      if (signal.aborted) throw new DOMException("The run was cancelled.", "AbortError");
      try {
        const { frames } = await openSse(`/api/optimize/${encodeURIComponent(id)}/events`, {
          method: "GET",
          signal,
          headers: this.lastEventId ? { "Last-Event-ID": this.lastEventId } : {},
        });
        for await (const event of runEvents(frames)) this.apply(event);
      } catch (error) {
        const refused = error instanceof ApiError && error.status >= 400;
        if (isAbort(error) || refused || attempt === 3) throw error;
      }
    }
  }

  /** Cancels on the server (the record ends `cancelled`) and stops reading the stream. */
  async cancel(): Promise<void> {
    if (this.status === "queued") this.status = "cancelled";
    if (!this.running) return;
    const id = this.recordId;
    if (id) {
      try {
        await unwrap(api.POST("/api/optimize/{id}/cancel", { params: { path: { id } } }));
      } catch {
        // Already finished or never started: aborting the stream below settles it either way.
      }
    }
    this.controller?.abort();
  }

  private async settleFromServer(): Promise<void> {
    if (!this.recordId) return;
    try {
      const rec = (await unwrap(
        api.GET("/api/optimize/{id}", { params: { path: { id: this.recordId } } }),
      )) as StoredRecord;
      this.record = rec;
      if (rec.status === "cancelled" || rec.status === "error" || rec.status === "completed") this.status = rec.status;
    } catch {
      // The record could not be read; keep the local state.
    }
  }

  private reset(): void {
    this.stages = freshStages();
    this.streamed = "";
    this.optimized = null;
    this.warnings = [];
    this.error = null;
    this.recordId = null;
    this.lastEventId = null;
    this.record = null;
    this.strategy = null;
    this.iteration = null;
  }

  private stage(name: StageName): StageState | undefined {
    return this.stages.find((s) => s.name === name);
  }

  private apply(event: RunEvent): void {
    if (event.id) this.lastEventId = event.id;
    switch (event.type) {
      case "stage": {
        const s = this.stage(event.data.stage);
        if (!s) break;
        s.iteration = event.data.iteration;
        if (event.data.status === "started") {
          s.status = "running";
          s.startedAt = performance.now();
          s.progress = 0;
          if (event.data.stage === "optimize") this.streamed = "";
        } else {
          s.status = "done";
          s.progress = 1;
          s.ms = s.startedAt === null ? null : Math.round(performance.now() - s.startedAt);
        }
        break;
      }
      case "step_progress": {
        const s = this.stage(event.data.stage);
        if (s) {
          s.progress = event.data.progress;
          s.message = event.data.message;
        }
        break;
      }
      case "strategy":
        this.strategy = event.data.strategy;
        break;
      case "optimization_delta":
        this.streamed += event.data.text;
        break;
      case "optimization":
        this.optimized = event.data.optimized_prompt;
        break;
      case "iteration":
        this.iteration = event.data;
        break;
      case "warning":
        this.warnings = [...this.warnings, event.data];
        break;
      case "complete": {
        const rec = event.data as StoredRecord;
        this.record = rec;
        this.recordId = rec.id ?? this.recordId;
        this.optimized = rec.optimized_prompt ?? this.optimized;
        this.status = rec.status === "cancelled" ? "cancelled" : "completed";
        break;
      }
      case "error":
        this.error = event.data;
        this.status = event.data.code === "cancelled" ? "cancelled" : "error";
        break;
    }
  }
}

function freshStages(): StageState[] {
  return STAGE_NAMES.map((name) => ({
    name,
    status: "pending",
    startedAt: null,
    ms: null,
    progress: 0,
    message: "",
    iteration: 1,
  }));
}
