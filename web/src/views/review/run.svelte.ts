// One streamed pipeline run (a retry, or one strategy of a comparison): stage progress, the
// stored record at the end, cancel through an AbortController (disconnecting cancels the run).
import { streamRun } from "../../api/sse";
import { emit } from "../../lib/bus";
import { describeError, isAbort } from "../../lib/errors";
import { type OptimizationRecord, STAGES, type StageName } from "./types";

export type RunStatus = "idle" | "queued" | "running" | "completed" | "error" | "cancelled";
export type StageState = "pending" | "running" | "done";

const freshStages = (): Record<StageName, StageState> =>
  Object.fromEntries(STAGES.map((s) => [s, "pending"])) as Record<StageName, StageState>;

export class PipelineRun {
  #status = $state<RunStatus>("idle");
  #stages = $state(freshStages());
  #message = $state("");
  #id = $state<string | null>(null);
  #error = $state<{ code: string; message: string } | null>(null);
  #record = $state.raw<OptimizationRecord | null>(null);
  #controller: AbortController | null = null;

  get status(): RunStatus {
    return this.#status;
  }
  get stages(): Record<StageName, StageState> {
    return this.#stages;
  }
  get message(): string {
    return this.#message;
  }
  get id(): string | null {
    return this.#id;
  }
  get error(): { code: string; message: string } | null {
    return this.#error;
  }
  get record(): OptimizationRecord | null {
    return this.#record;
  }
  get active(): boolean {
    return this.#status === "running" || this.#status === "queued";
  }
  /** "Rewrite…" while running, or the final status. */
  get label(): string {
    if (this.#status !== "running") return this.#status;
    const stage = STAGES.find((s) => this.#stages[s] === "running");
    return this.#message || (stage ? `${stage}…` : "starting…");
  }

  queue(): void {
    this.#reset();
    this.#status = "queued";
  }

  /** Runs the stream to its end; resolves with the stored record, or null (error or cancel). */
  async start(path: string, body: unknown): Promise<OptimizationRecord | null> {
    this.#reset();
    this.#status = "running";
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const { id, events } = await streamRun(path, body, controller.signal);
      this.#id = id;
      for await (const event of events) {
        if (event.type === "stage") {
          this.#stages = { ...this.#stages, [event.data.stage]: event.data.status === "started" ? "running" : "done" };
          if (event.data.status === "started") this.#message = "";
        } else if (event.type === "step_progress") {
          this.#message = event.data.message;
        } else if (event.type === "complete") {
          this.#record = event.data as OptimizationRecord;
          this.#status = "completed";
        } else if (event.type === "error") {
          this.#error = { code: event.data.code, message: event.data.message };
          this.#status = "error";
        }
      }
      if (this.#status === "running") {
        this.#status = "error";
        this.#error = { code: "stream_ended", message: "The stream ended before the run finished." };
      }
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) this.#status = "cancelled";
      else {
        this.#status = "error";
        this.#error = describeError(error);
      }
    } finally {
      this.#controller = null;
      if (this.#id) emit("history-changed", { reason: "run", id: this.#id });
      if (this.#id) emit("run-finished", { id: this.#id, status: this.#status });
    }
    return this.#record;
  }

  cancel(): void {
    if (this.#status === "queued") this.#status = "cancelled";
    this.#controller?.abort();
  }

  #reset(): void {
    this.#stages = freshStages();
    this.#message = "";
    this.#id = null;
    this.#error = null;
    this.#record = null;
  }
}
