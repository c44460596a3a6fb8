// Server-Sent Events: named events with an incrementing `id:`, a `: ping` heartbeat, cancel on
// client disconnect, and a registry so a shutting-down server can end every open stream cleanly.

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseStreamOptions {
  /** Interval of the `: ping` comment; 0 disables it. */
  heartbeatMs: number;
  registry?: SseRegistry;
  /** The client went away (the response stream was cancelled). */
  onCancel?: () => void;
  /** The server is shutting down; the default sends an `error` event and closes. */
  onShutdown?: () => void;
}

const encoder = new TextEncoder();

export class SseStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private nextId = 1;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private isClosed = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  onShutdown: () => void;

  constructor(private readonly options: SseStreamOptions) {
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        if (this.isClosed) return;
        this.finish();
        options.onCancel?.();
      },
    });
    this.onShutdown =
      options.onShutdown ??
      (() => {
        this.send("error", {
          code: "shutting_down",
          message: "The server is shutting down.",
          stage: null,
          retryable: true,
        });
        this.close();
      });
    if (options.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.write(": ping\n\n"), options.heartbeatMs);
      this.heartbeat.unref?.();
    }
    options.registry?.add(this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Resolves once the stream is closed, by us, by the client or by shutdown. */
  get done(): Promise<void> {
    return this.closedPromise;
  }

  /**
   * Sends a named event and returns its `id:` — the next of this stream's sequence, or `id` when
   * given (a resumed run's stream repeats the ids of the run's own stream); 0 once closed.
   */
  send(event: string, data: unknown, id?: number): number {
    if (this.isClosed) return 0;
    const eventId = id ?? this.nextId++;
    // JSON.stringify never emits a raw newline, so one `data:` line always holds the whole payload.
    const json = JSON.stringify(data ?? null);
    this.write(`id: ${eventId}\nevent: ${event}\ndata: ${json}\n\n`);
    return eventId;
  }

  close(): void {
    if (this.isClosed) return;
    this.finish();
    try {
      this.controller.close();
    } catch {
      // Already closed or errored by the runtime: nothing left to flush.
    }
  }

  response(headers: Record<string, string> = {}): Response {
    return new Response(this.body, {
      status: 200,
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-store",
        "X-Accel-Buffering": "no",
        ...headers,
      },
    });
  }

  private write(text: string): void {
    if (this.isClosed) return;
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      this.finish();
    }
  }

  private finish(): void {
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.options.registry?.delete(this);
    this.resolveClosed();
  }
}

/** The open streams of one server. */
export class SseRegistry {
  private readonly streams = new Set<SseStream>();

  add(stream: SseStream): void {
    this.streams.add(stream);
  }

  delete(stream: SseStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Asks every stream to end (each sends its `error` event), then force-closes stragglers. */
  async shutdown(timeoutMs: number): Promise<void> {
    const open = [...this.streams];
    for (const stream of open) stream.onShutdown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(open.map((s) => s.done)), timeout]);
    if (timer) clearTimeout(timer);
    for (const stream of open) stream.close();
  }
}
