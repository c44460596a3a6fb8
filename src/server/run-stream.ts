// Runs an optimize-family use case behind an SSE response. The response only starts once the
// record exists, so invalid input is still answered with a plain JSON error; from then on every
// pipeline event is a named SSE event and the stream ends after `complete` or `error`. Every event
// of an optimize or retry run is also kept under the run's id (app.runEvents), so a client whose
// stream dropped can follow the rest with `Last-Event-ID` (followRun). A run started with
// `Prefer: resumable` outlives a dropped client for the resume grace period; any run goes on as
// long as someone follows it. Otherwise a disconnect cancels, as PRODUCT.md 3.5 says.
import type { Context } from "hono";
import { isAppError } from "../core/errors.js";
import type { EmitEvent } from "../core/pipeline/events.js";
import type { OptimizationRecord } from "../core/records.js";
import { type RunEvent, TERMINAL_RUN_EVENTS } from "../events/run-events.js";
import type { BatchItemResult, BatchSummary } from "../usecases/batch-optimize.js";
import { HttpError } from "./errors.js";
import type { HttpDeps } from "./http-deps.js";
import { SseStream } from "./sse.js";

export interface RunHooks {
  signal: AbortSignal;
  emit: EmitEvent;
  /**
   * Resolves on the next turn of the event loop, after the response head has been handed to the
   * socket. A use case that awaits it lets the client see the stream open before a CPU-bound engine
   * (the local one) runs every stage without yielding.
   */
  onCreated: (record: OptimizationRecord) => Promise<void>;
}

const SHUTDOWN_MESSAGE = "The server is shutting down; the optimization was cancelled.";

/**
 * The SSE stream of one run. A client disconnect (the request aborted or the response cancelled)
 * calls `onDisconnect` once — by default it aborts the run; a server shutdown always does.
 */
function openRunStream(c: Context, deps: HttpDeps, onDisconnect?: () => void) {
  const controller = new AbortController();
  let disconnected = false;
  const disconnect = () => {
    if (disconnected) return;
    disconnected = true;
    if (onDisconnect) onDisconnect();
    else controller.abort();
  };
  const requestSignal = c.req.raw.signal;
  if (requestSignal.aborted) disconnect();
  else requestSignal.addEventListener("abort", disconnect, { once: true });
  let closingForShutdown = false;
  const stream = new SseStream({
    heartbeatMs: deps.heartbeatMs,
    registry: deps.streams,
    onCancel: disconnect,
    onShutdown: () => {
      closingForShutdown = true;
      controller.abort();
    },
  });
  return { controller, stream, shuttingDown: () => closingForShutdown };
}

/**
 * Whether the client asked for its run to outlive a dropped connection: `Prefer: resumable`
 * (RFC 7240; the web UI sends it). Without it a client disconnect cancels the run at once, as
 * PRODUCT.md 3.5 says, unless a follower is already attached.
 */
export function prefersResumable(c: Context): boolean {
  const prefer = c.req.header("prefer");
  if (prefer === undefined) return false;
  return prefer.split(",").some((part) => part.split(";")[0]?.trim().toLowerCase() === "resumable");
}

/**
 * What happens to a run whose stream client went away: it keeps running while anyone follows it
 * (`GET /api/optimize/{id}/events`, on any instance with Redis) and is cancelled once nobody has
 * for `graceMs` (0: at once, unless a follower is already attached).
 */
function detachPolicy(deps: HttpDeps, abort: () => void, graceMs: number) {
  let runId: string | undefined;
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (check: () => void, ms: number) => {
    timer = setTimeout(check, ms);
    timer.unref?.();
  };
  const check = async () => {
    if (settled || runId === undefined) return;
    const followed = await deps.app.runEvents.attached(runId).catch(() => false);
    if (settled) return;
    if (followed) schedule(check, Math.max(graceMs, 1_000));
    else abort();
  };
  return {
    created(id: string) {
      runId = id;
    },
    disconnected() {
      // Before the record exists there is nothing to resume.
      if (runId === undefined) abort();
      else if (graceMs === 0) void check();
      else schedule(check, graceMs);
    },
    settled() {
      settled = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export async function streamOptimization(
  c: Context,
  deps: HttpDeps,
  start: (hooks: RunHooks) => Promise<OptimizationRecord>,
): Promise<Response> {
  let abortRun = () => {};
  const resumable = prefersResumable(c);
  const detach = detachPolicy(deps, () => abortRun(), resumable ? deps.app.config.runResumeGraceMs : 0);
  const { controller, stream, shuttingDown } = openRunStream(c, deps, () => detach.disconnected());
  abortRun = () => controller.abort();
  const runEvents = deps.app.runEvents;
  // Whether the run already ended the stream with its own `complete` or `error` event.
  let ended = false;
  let createdId: string | undefined;
  // The run's own ids: they go on after the client left, as the retained copy for resuming does.
  let lastId = 0;
  const send = (event: string, data: unknown) => {
    const id = ++lastId;
    stream.send(event, data, id);
    if (createdId !== undefined) runEvents.publish(createdId, { id, event, data });
  };
  const emit: EmitEvent = (event) => {
    if (event.type === "complete" || event.type === "error") ended = true;
    if (event.type === "error" && shuttingDown()) {
      send("error", { ...event.data, message: SHUTDOWN_MESSAGE, retryable: true });
      return;
    }
    send(event.type, event.data);
  };

  let resolveCreated!: (id: string) => void;
  const created = new Promise<string>((resolve) => {
    resolveCreated = resolve;
  });
  const run = start({
    signal: controller.signal,
    emit,
    onCreated: (record) => {
      createdId = record.id;
      detach.created(record.id);
      resolveCreated(record.id);
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
  });
  const settle = () => {
    detach.settled();
    if (createdId !== undefined) runEvents.end(createdId);
    stream.close();
  };
  run.then(settle, (error: unknown) => {
    // Failures after the record exists end the stream; earlier ones become a JSON error below.
    if (createdId && ended) {
      deps.app.logger.info({ id: createdId, err: error }, "optimization ended without a record (deleted while it ran)");
    } else if (createdId) {
      deps.app.logger.error({ err: error, id: createdId }, "optimization stream failed");
      send("error", {
        code: "internal_error",
        message: "The optimization failed; details are in the server log.",
        stage: null,
        retryable: false,
      });
    }
    settle();
  });

  try {
    const id = await Promise.race([created, run.then((record) => record.id)]);
    return stream.response({
      "X-Optimization-Id": id,
      ...(resumable ? { "Preference-Applied": "resumable", Vary: "Prefer" } : {}),
    });
  } catch (error) {
    stream.close();
    throw error;
  }
}

/** How often a follower checks the run's record while it waits for events. */
const FOLLOW_CHECK_MS = 1_000;

/** The terminal event for a run that ended without one reaching the follower (built from its record). */
function terminalFromRecord(id: string, record: OptimizationRecord | null): { event: string; data: unknown } {
  if (record === null) {
    return {
      event: "error",
      data: { code: "not_found", message: `Optimization ${id} was deleted.`, stage: null, retryable: false },
    };
  }
  if (record.status === "completed") return { event: "complete", data: record };
  if (record.status === "cancelled") {
    return {
      event: "error",
      data: { code: "cancelled", message: "The optimization was cancelled.", stage: null, retryable: true },
    };
  }
  return {
    event: "error",
    data: {
      // The original error code is not stored with the record; its message is.
      code: "run_failed",
      message: record.error_message ?? "The optimization failed.",
      stage: null,
      retryable: false,
    },
  };
}

/** Parses a Last-Event-ID (header or `last_event_id`): a run's ids are positive integers. */
export function parseRunEventId(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 0;
  const trimmed = value.trim();
  const id = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    throw new HttpError(
      400,
      "invalid_last_event_id",
      `Last-Event-ID must be the id of an event of this run (a whole number ≥ 0), got "${trimmed.slice(0, 40)}".`,
      { details: { field: "Last-Event-ID" } },
    );
  }
  return id;
}

/**
 * Follows a run (`GET /api/optimize/{id}/events`): the retained events after `after`, then live
 * ones, with the ids the run's own stream used, until its `complete` or `error`. A run that ended
 * and whose events are gone (expired, or its instance died) ends with a terminal event built from
 * the stored record, never a hang.
 */
export async function followRun(c: Context, deps: HttpDeps, id: string, after: number): Promise<Response> {
  const { app } = deps;
  const record = await app.history.get(id);
  const runEvents = app.runEvents;
  let last = after;
  let finished = false;
  let unfollow = () => {};
  let watch: ReturnType<typeof setInterval> | undefined;
  // On shutdown the follower just ends: the run may go on elsewhere and the client can reconnect.
  const stream: SseStream = new SseStream({
    heartbeatMs: deps.heartbeatMs,
    registry: deps.streams,
    onShutdown: () => stream.close(),
  });
  const release = runEvents.attach(id);
  const finish = () => {
    if (finished) return;
    finished = true;
    unfollow();
    release();
    if (watch) clearInterval(watch);
    stream.close();
  };
  void stream.done.then(finish);
  c.req.raw.signal.addEventListener("abort", finish, { once: true });
  const deliver = (entry: RunEvent) => {
    if (finished || entry.id <= last) return;
    last = entry.id;
    stream.send(entry.event, entry.data, entry.id);
    if (TERMINAL_RUN_EVENTS.has(entry.event)) finish();
  };
  let concluding = false;
  const conclude = async () => {
    if (concluding) return;
    concluding = true;
    for (const entry of await runEvents.replay(id, last).catch(() => [])) deliver(entry);
    if (finished) return;
    const current = await app.history.get(id).catch(() => null);
    if (finished) return;
    const terminal = terminalFromRecord(id, current);
    stream.send(terminal.event, terminal.data, last + 1);
    finish();
  };

  if (record.status !== "running" && record.status !== "pending") {
    await conclude();
  } else {
    unfollow = runEvents.follow(id, after, deliver);
    // The record ended but no terminal event came (its instance died, or it is still on its way):
    // after two checks in a row, conclude from what is retained and the record.
    let endedChecks = 0;
    watch = setInterval(() => {
      void app.history.get(id).then(
        (current) => {
          endedChecks = current.status === "running" || current.status === "pending" ? 0 : endedChecks + 1;
          if (endedChecks >= 2 && !finished) void conclude();
        },
        (error: unknown) => {
          if (isAppError(error) && error.code === "not_found" && !finished) void conclude();
        },
      );
    }, FOLLOW_CHECK_MS);
    watch.unref?.();
  }
  return stream.response({ "X-Optimization-Id": id });
}

/** Batch progress as SSE: one `progress` event per finished item, then `complete` with the summary. */
export function streamBatch(
  c: Context,
  deps: HttpDeps,
  start: (options: {
    signal: AbortSignal;
    onItem: (result: BatchItemResult, done: number, total: number) => void;
    emit: (index: number) => EmitEvent;
  }) => Promise<BatchSummary>,
): Response {
  const { controller, stream, shuttingDown } = openRunStream(c, deps);
  start({
    signal: controller.signal,
    onItem: (result, done, total) => stream.send("progress", { ...result, done, total }),
    // Each item's stage changes, so a client can show which stage every prompt is in.
    emit: (index) => (event) => {
      if (event.type === "stage") stream.send("item_stage", { index, ...event.data });
    },
  }).then(
    (summary) => {
      if (shuttingDown()) {
        stream.send("error", { code: "cancelled", message: SHUTDOWN_MESSAGE, stage: null, retryable: true });
      } else {
        stream.send("complete", summary);
      }
      stream.close();
    },
    (error: unknown) => {
      deps.app.logger.error({ err: error }, "batch stream failed");
      stream.send("error", {
        code: "internal_error",
        message: "The batch failed; details are in the server log.",
        stage: null,
        retryable: false,
      });
      stream.close();
    },
  );
  return stream.response();
}

/** True when the client asked for Server-Sent Events. */
export function wantsEventStream(c: Context): boolean {
  return (c.req.header("accept") ?? "").toLowerCase().includes("text/event-stream");
}
