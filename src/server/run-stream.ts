// Runs an optimize-family use case behind an SSE response. The response only starts once the
// record exists, so invalid input is still answered with a plain JSON error; from then on every
// pipeline event is a named SSE event and the stream ends after `complete` or `error`.
import type { Context } from "hono";
import type { EmitEvent } from "../core/pipeline/events.js";
import type { OptimizationRecord } from "../core/records.js";
import type { BatchItemResult, BatchSummary } from "../usecases/batch-optimize.js";
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

/** Links the run to the client: a disconnect (or server shutdown) aborts it. */
function runController(c: Context): AbortController {
  const controller = new AbortController();
  const requestSignal = c.req.raw.signal;
  if (requestSignal.aborted) controller.abort();
  else requestSignal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller;
}

/** The SSE stream of one run: a client disconnect or a server shutdown aborts the run. */
function openRunStream(c: Context, deps: HttpDeps) {
  const controller = runController(c);
  let closingForShutdown = false;
  const stream = new SseStream({
    heartbeatMs: deps.heartbeatMs,
    registry: deps.streams,
    onCancel: () => controller.abort(),
    onShutdown: () => {
      closingForShutdown = true;
      controller.abort();
    },
  });
  return { controller, stream, shuttingDown: () => closingForShutdown };
}

export async function streamOptimization(
  c: Context,
  deps: HttpDeps,
  start: (hooks: RunHooks) => Promise<OptimizationRecord>,
): Promise<Response> {
  const { controller, stream, shuttingDown } = openRunStream(c, deps);
  // Whether the run already ended the stream with its own `complete` or `error` event.
  let ended = false;
  const emit: EmitEvent = (event) => {
    if (event.type === "complete" || event.type === "error") ended = true;
    if (event.type === "error" && shuttingDown()) {
      stream.send("error", { ...event.data, message: SHUTDOWN_MESSAGE, retryable: true });
      return;
    }
    stream.send(event.type, event.data);
  };

  let createdId: string | undefined;
  let resolveCreated!: (id: string) => void;
  const created = new Promise<string>((resolve) => {
    resolveCreated = resolve;
  });
  const run = start({
    signal: controller.signal,
    emit,
    onCreated: (record) => {
      createdId = record.id;
      resolveCreated(record.id);
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
  });
  run.then(
    () => stream.close(),
    (error: unknown) => {
      // Failures after the record exists end the stream; earlier ones become a JSON error below.
      if (createdId && ended) {
        deps.app.logger.info(
          { id: createdId, err: error },
          "optimization ended without a record (deleted while it ran)",
        );
      } else if (createdId) {
        deps.app.logger.error({ err: error, id: createdId }, "optimization stream failed");
        stream.send("error", {
          code: "internal_error",
          message: "The optimization failed; details are in the server log.",
          stage: null,
          retryable: false,
        });
      }
      stream.close();
    },
  );

  try {
    const id = await Promise.race([created, run.then((record) => record.id)]);
    return stream.response({ "X-Optimization-Id": id });
  } catch (error) {
    stream.close();
    throw error;
  }
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
