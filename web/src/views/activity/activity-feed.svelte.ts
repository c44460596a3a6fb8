// The live MCP activity feed (GET /api/mcp/events): ONE consumer for the whole app, so a write tool
// an IDE agent runs refreshes History and raises a toast on every view, not only on Activity.
// It starts on first import (and `startActivityFeed()` is idempotent); it follows the sign-in state
// (stops on sign-out or a 401, resumes after sign-in from the last event id it saw).
// Events already on the server when the page opened (the replay of a first connect) are listed but
// never toasted: only calls that finish while the page is open are announced.
import { untrack } from "svelte";
import type { ApiError } from "../../api/client";
import { followFeed } from "../../api/sse";
import { auth } from "../../lib/auth.svelte";
import { emit } from "../../lib/bus";
import { describeError, isAbort } from "../../lib/errors";
import { toasts } from "../../lib/toasts.svelte";
import { fetchMcpStatus } from "./mcp-status.svelte";

/** The `data:` of one feed event (McpActivityEvent in the OpenAPI document). */
export interface McpActivityEvent {
  id: number;
  type: "tool_start" | "tool_progress" | "tool_complete" | "tool_error";
  call_id: string;
  tool: string;
  at: string;
  transport: "http" | "stdio";
  client?: string;
  input?: string;
  progress?: number;
  total?: number;
  message?: string;
  summary?: string;
  duration_ms?: number;
  optimization_id?: string;
}

export interface RunningCall {
  callId: string;
  tool: string;
  startedAt: string;
  transport: string;
  client?: string;
  input?: string;
  progress?: number;
  total?: number;
  message?: string;
}

export interface FinishedCall extends RunningCall {
  status: "completed" | "failed";
  at: string;
  durationMs?: number;
  summary?: string;
  /** The error message of a failed call. */
  error?: string;
  optimizationId?: string;
}

export type Connection = "idle" | "connecting" | "live" | "reconnecting" | "stopped";

/** Tools that change stored optimizations (History refreshes when one finishes). */
export const HISTORY_WRITE_TOOLS = new Set(["optimize", "retry", "cancel", "batch", "tag", "delete", "bulk_delete"]);
/** Tools that change projects, their prompts or their context. */
export const PROJECT_WRITE_TOOLS = new Set([
  "create_project",
  "add_prompt",
  "update_prompt",
  "set_project_context",
  "sync_workspace",
]);
/** Finished calls kept in the list, newest first. */
export const FINISHED_CAP = 100;

class ActivityFeed {
  #running = $state.raw<RunningCall[]>([]);
  #finished = $state.raw<FinishedCall[]>([]);
  #connection = $state<Connection>("idle");
  #retryAt = $state<number | null>(null);
  #error = $state<{ code: string; message: string } | null>(null);
  /** Bumped on every event (the status panel refreshes on it). */
  #version = $state(0);
  #announcement = $state("");
  #controller: AbortController | null = null;
  #lastEventId: string | null = null;
  /** Events with an id up to this one were on the server before the page opened. */
  #liveAfter: number | null = null;
  /** Fallback when the status could not be read: events older than this are not announced. */
  #openedAt = Date.now();

  get running() {
    return this.#running;
  }
  get finished() {
    return this.#finished;
  }
  get connection() {
    return this.#connection;
  }
  /** When the next reconnect attempt happens (epoch ms), while reconnecting. */
  get retryAt() {
    return this.#retryAt;
  }
  get error() {
    return this.#error;
  }
  get version() {
    return this.#version;
  }
  /** The latest finished call, in words, for a polite live region. */
  get announcement() {
    return this.#announcement;
  }

  start(): void {
    if (this.#controller && !this.#controller.signal.aborted) return;
    const controller = new AbortController();
    this.#controller = controller;
    void this.#run(controller);
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#connection = "idle";
    this.#retryAt = null;
  }

  /** Drops the current connection and connects again now (resuming from the last event id). */
  reconnect(): void {
    this.stop();
    this.start();
  }

  clearFinished(): void {
    this.#finished = [];
  }

  async #run(controller: AbortController): Promise<void> {
    const { signal } = controller;
    this.#connection = "connecting";
    this.#retryAt = null;
    if (this.#liveAfter === null) {
      try {
        this.#liveAfter = (await fetchMcpStatus(signal)).last_event_id ?? 0;
      } catch {
        // The feed works without it; the time of each event decides what is announced.
      }
    }
    try {
      for await (const frame of followFeed("/api/mcp/events", {
        signal,
        lastEventId: this.#lastEventId,
        onState: (state) => this.#onState(state),
      })) {
        if (frame.id) this.#lastEventId = frame.id;
        let event: McpActivityEvent;
        try {
          event = JSON.parse(frame.data) as McpActivityEvent;
        } catch {
          continue;
        }
        if (typeof event?.call_id === "string" && typeof event.tool === "string") this.#apply(event);
      }
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    }
    if (this.#controller === controller) {
      // The feed gave up (401): wait for the sign-in state to start it again.
      this.#controller = null;
      this.#connection = "stopped";
      this.#retryAt = null;
    }
  }

  #onState(state: { connected: boolean; retryInMs: number | null; error: ApiError | null }): void {
    if (state.connected) {
      if (this.#connection === "reconnecting") void this.#checkRestart();
      this.#connection = "live";
      this.#retryAt = null;
      this.#error = null;
      return;
    }
    // followFeed reports a failure, then the wait without its error: keep the error shown.
    if (state.error) this.#error = describeError(state.error);
    if (state.retryInMs === null) {
      this.#connection = "stopped";
      this.#retryAt = null;
    } else {
      this.#connection = "reconnecting";
      this.#retryAt = Date.now() + state.retryInMs;
    }
  }

  /**
   * After a reconnect: if the server's newest event id is below the one we resume from, the server
   * restarted (its ids start again) and would skip every event up to our old id. Start afresh.
   */
  async #checkRestart(): Promise<void> {
    const controller = this.#controller;
    const resumeFrom = Number(this.#lastEventId ?? 0);
    if (!controller || !resumeFrom) return;
    try {
      const status = await fetchMcpStatus(controller.signal);
      if ((status.last_event_id ?? 0) >= resumeFrom || this.#controller !== controller) return;
      this.#lastEventId = null;
      this.#liveAfter = null;
      this.#running = []; // calls of the previous server process never finish
      this.reconnect();
    } catch {
      // Keep the feed as it is; the next reconnect checks again.
    }
  }

  #isLive(event: McpActivityEvent): boolean {
    if (this.#liveAfter !== null) return event.id > this.#liveAfter;
    const at = Date.parse(event.at);
    return Number.isNaN(at) || at >= this.#openedAt - 2000;
  }

  #apply(event: McpActivityEvent): void {
    this.#version++;
    const current = this.#running.find((c) => c.callId === event.call_id);
    const base: RunningCall = current ?? {
      callId: event.call_id,
      tool: event.tool,
      startedAt: event.at,
      transport: event.transport,
      client: event.client,
      input: event.input,
    };
    if (event.type === "tool_start" || event.type === "tool_progress") {
      const next: RunningCall =
        event.type === "tool_progress"
          ? { ...base, progress: event.progress, total: event.total, message: event.message ?? base.message }
          : base;
      this.#running = current
        ? this.#running.map((c) => (c.callId === event.call_id ? next : c))
        : [...this.#running, next];
      return;
    }
    if (this.#finished.some((c) => c.callId === event.call_id)) return;
    const done: FinishedCall = {
      ...base,
      status: event.type === "tool_complete" ? "completed" : "failed",
      at: event.at,
      durationMs: event.duration_ms,
      summary: event.summary,
      error: event.type === "tool_error" ? (event.message ?? "The tool failed.") : undefined,
      optimizationId: event.optimization_id,
    };
    this.#running = this.#running.filter((c) => c.callId !== event.call_id);
    this.#finished = [done, ...this.#finished].slice(0, FINISHED_CAP);
    if (this.#isLive(event)) this.#announce(done);
  }

  #announce(call: FinishedCall): void {
    this.#announcement =
      call.status === "completed" ? `MCP ${call.tool} completed` : `MCP ${call.tool} failed: ${call.error}`;
    const writesHistory = HISTORY_WRITE_TOOLS.has(call.tool);
    const writesProjects = PROJECT_WRITE_TOOLS.has(call.tool);
    // A failed optimize still stores a record (status error), so History refreshes either way.
    if (writesHistory) emit("history-changed", { reason: `mcp:${call.tool}`, id: call.optimizationId });
    if (writesProjects) emit("projects-changed", {});
    if (call.status !== "completed" || !(writesHistory || writesProjects)) return;
    const open =
      call.optimizationId && call.tool !== "delete"
        ? { label: "Open", href: `#/r/${encodeURIComponent(call.optimizationId)}` }
        : writesProjects
          ? { label: "Open", href: "#/projects" }
          : { label: "Open", href: "#/history" };
    toasts.push({ kind: "success", message: `MCP ${call.tool} completed`, action: open });
  }
}

export const activityFeed = new ActivityFeed();

let watching = false;

/**
 * Starts the feed for the life of the page (idempotent): connected while signed in, stopped on
 * sign-out. Called on first import, by the shell, and by the Activity view on mount.
 */
export function startActivityFeed(): void {
  if (watching || typeof window === "undefined") return;
  watching = true;
  $effect.root(() => {
    $effect(() => {
      const signedIn = auth.signedIn;
      untrack(() => (signedIn ? activityFeed.start() : activityFeed.stop()));
    });
  });
}

startActivityFeed();
