// Typed Server-Sent Events over fetch: POST streams (optimize, retry, batch) and GET feeds (MCP
// activity, resumed with Last-Event-ID). EventSource cannot POST or send headers, so one reader
// (TextDecoderStream → frames) serves every stream; each stream is an AsyncGenerator stopped by
// an AbortSignal.
import type { PipelineEvent } from "$core/pipeline/events.js";
import { ApiError, errorFromResponse, notifyUnauthorized } from "./client";

export interface SseFrame {
  event: string;
  id: string | null;
  data: string;
}

/** Parses a text/event-stream body into frames; comments (`: ping`) are skipped. */
export async function* readSseFrames(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseFrame> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .getReader();
  const onAbort = () => reader.cancel().catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const frame = parseBlock(block);
        if (frame) yield frame;
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock?.();
  }
}

function parseBlock(block: string): SseFrame | null {
  let event = "message";
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return null;
  return { event, id, data: data.join("\n") };
}

export interface StreamRequest {
  method?: "GET" | "POST";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface OpenStream {
  response: Response;
  frames: AsyncGenerator<SseFrame>;
}

/** Opens an SSE endpoint; a JSON error answer (4xx before the stream starts) throws an ApiError. */
export async function openSse(path: string, request: StreamRequest = {}): Promise<OpenStream> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: request.method ?? "POST",
      headers: {
        Accept: "text/event-stream",
        ...(request.body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...request.headers,
      },
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      credentials: "same-origin",
      signal: request.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "The server could not be reached. Is `promptforge serve` running?");
  }
  if (!response.ok || !response.body) {
    if (response.status === 401) notifyUnauthorized(path);
    throw await errorFromResponse(response);
  }
  return { response, frames: readSseFrames(response.body, request.signal) };
}

export type RunEvent = PipelineEvent & { id: string | null };

/** A pipeline run (optimize or retry) as typed events; the record id comes from X-Optimization-Id. */
export async function streamRun(
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ id: string | null; events: AsyncGenerator<RunEvent> }> {
  // `Prefer: resumable`: a reload or a dropped connection does not cancel the run at once; the page
  // follows it again through GET /api/optimize/{id}/events (the server's RUN_RESUME_GRACE_MS).
  const { response, frames } = await openSse(path, { body, signal, headers: { Prefer: "resumable" } });
  return { id: response.headers.get("X-Optimization-Id"), events: runEvents(frames) };
}

/** A run's SSE frames as typed events (a frame whose data is not JSON is skipped). */
export async function* runEvents(frames: AsyncIterable<SseFrame>): AsyncGenerator<RunEvent> {
  for await (const frame of frames) {
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      continue;
    }
    yield { type: frame.event, data, id: frame.id } as RunEvent;
  }
}

export interface FeedOptions {
  signal: AbortSignal;
  /** Called with each state change so the UI can show "live / reconnecting in 4 s". */
  onState?: (state: { connected: boolean; retryInMs: number | null; error: ApiError | null }) => void;
  lastEventId?: string | null;
}

/**
 * A GET SSE feed that reconnects with exponential backoff (1 s → 30 s) and resumes from the last
 * event id it saw. Yields until the signal aborts.
 */
export async function* followFeed(path: string, options: FeedOptions): AsyncGenerator<SseFrame> {
  let lastId = options.lastEventId ?? null;
  let delay = 1000;
  while (!options.signal.aborted) {
    try {
      const { frames } = await openSse(path, {
        method: "GET",
        signal: options.signal,
        headers: lastId ? { "Last-Event-ID": lastId } : {},
      });
      options.onState?.({ connected: true, retryInMs: null, error: null });
      delay = 1000;
      for await (const frame of frames) {
        if (frame.id) lastId = frame.id;
        yield frame;
      }
    } catch (error) {
      if (options.signal.aborted) return;
      const apiError = error instanceof ApiError ? error : null;
      if (apiError?.status === 401) {
        options.onState?.({ connected: false, retryInMs: null, error: apiError });
        return;
      }
      options.onState?.({ connected: false, retryInMs: delay, error: apiError });
    }
    if (options.signal.aborted) return;
    options.onState?.({ connected: false, retryInMs: delay, error: null });
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      options.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
    delay = Math.min(delay * 2, 30_000);
  }
}
