// Audit trail: one record per state-changing request and per auth failure or 429, written to
// every sink (JSON lines in data/audit.log; the database sink is added by the store). Records
// carry no query string, header or body, so no secret can reach them.
import { chmodSync, mkdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { Context, MiddlewareHandler } from "hono";
import { rawPathOf } from "./canonical-path.js";
import { isStateChanging } from "./csrf.js";
import type { RequestIdVariables } from "./request-id.js";
import { canonicalRequestPath } from "./request-path.js";

export interface AuditEvent {
  /** UTC ISO-8601. */
  time: string;
  method: string;
  /** Raw path without the query string. */
  path: string;
  status: number;
  client_ip: string;
  duration_ms: number;
  request_id: string;
}

export interface AuditSink {
  write(event: AuditEvent): void | Promise<void>;
  /** Many events at once, in order (one file append); sinks without it get `write` per event. */
  writeMany?(events: readonly AuditEvent[]): void | Promise<void>;
}

export interface FileAuditSink extends AuditSink {
  /** Resolves when every write so far has reached the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const MAX_FIELD = 2048;

/** Control characters (CR/LF included) percent-encoded so one record is always one line. */
export function sanitizeField(value: string): string {
  const clipped = value.length > MAX_FIELD ? `${value.slice(0, MAX_FIELD)}…` : value;
  return clipped.replace(
    /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** One JSON line for an event. */
export function auditLine(event: AuditEvent): string {
  const safe: AuditEvent = {
    time: sanitizeField(event.time),
    method: sanitizeField(event.method),
    path: sanitizeField(event.path),
    status: event.status,
    client_ip: sanitizeField(event.client_ip),
    duration_ms: event.duration_ms,
    request_id: sanitizeField(event.request_id),
  };
  return `${JSON.stringify(safe)}\n`;
}

/** Appends JSON lines to `path` (created 0600; a looser existing file is tightened). Writes stay in order. */
export function createFileAuditSink(path: string): FileAuditSink {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let handle: Promise<FileHandle> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const getHandle = (): Promise<FileHandle> => {
    handle ??= open(path, "a", 0o600).then((h) => {
      if (process.platform !== "win32") chmodSync(path, 0o600);
      return h;
    });
    return handle;
  };
  const append = (text: string): Promise<void> => {
    const next = queue.then(async () => {
      const h = await getHandle();
      await h.appendFile(text, "utf8");
    });
    queue = next.catch(() => {});
    return next;
  };
  return {
    write: (event) => append(auditLine(event)),
    writeMany: (events) => append(events.map(auditLine).join("")),
    flush: () => queue,
    async close() {
      await queue;
      if (handle) await (await handle).close();
      handle = null;
    },
  };
}

export interface AuditBufferOptions {
  sinks: readonly AuditSink[];
  /** Longest time an event waits in memory before it is handed to the sinks (default 100 ms). */
  flushIntervalMs?: number;
  /** Events waiting that trigger an immediate flush (default 256). */
  maxPending?: number;
  /** A sink failed; its events of that flush are lost to it (the other sinks still get them). */
  onError?: (error: unknown) => void;
}

export interface AuditBuffer extends AuditSink {
  /** Hands every waiting event to the sinks; resolves when they have taken them all. */
  flush(): Promise<void>;
  /** Events accepted but not yet handed to the sinks. */
  readonly pending: number;
}

export const DEFAULT_AUDIT_FLUSH_INTERVAL_MS = 100;

/**
 * Keeps the sinks' disk writes off the request path: `write` only queues the event, and the
 * queue is written in order, in one batch, at most `flushIntervalMs` later (or at once when
 * `maxPending` events wait). A crash (kill -9) loses at most the events of the last interval;
 * a graceful shutdown calls `flush`.
 */
export function createAuditBuffer(options: AuditBufferOptions): AuditBuffer {
  const intervalMs = options.flushIntervalMs ?? DEFAULT_AUDIT_FLUSH_INTERVAL_MS;
  const maxPending = options.maxPending ?? 256;
  const onError = options.onError ?? (() => {});
  let waiting: AuditEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let written: Promise<void> = Promise.resolve();

  const writeBatch = async (batch: readonly AuditEvent[]): Promise<void> => {
    for (const sink of options.sinks) {
      try {
        if (sink.writeMany) await sink.writeMany(batch);
        else for (const event of batch) await sink.write(event);
      } catch (error) {
        onError(error);
      }
    }
  };
  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      written = written.then(() => writeBatch(batch));
    }
    return written;
  };
  return {
    write(event) {
      waiting.push(event);
      if (waiting.length >= maxPending) void flush();
      else if (timer === null) {
        timer = setTimeout(() => void flush(), intervalMs);
        // Waiting events never keep the process alive; shutdown flushes them.
        timer.unref?.();
      }
    },
    flush,
    get pending() {
      return waiting.length;
    },
  };
}

const AUDITED_STATUSES = new Set([401, 403, 429]);

/** State-changing methods, plus any 401, 403 or 429, and any request refused for its path (400 `invalid_path`). */
export function defaultShouldAudit(method: string, status: number, c?: Context): boolean {
  if (isStateChanging(method) || AUDITED_STATUSES.has(status)) return true;
  return status === 400 && c !== undefined && canonicalRequestPath(c) === null;
}

export interface AuditLogOptions {
  sinks: readonly AuditSink[];
  clientIp: (c: Context) => string;
  shouldAudit?: (method: string, status: number, c: Context) => boolean;
  /** Wall clock for `time` (default Date.now). */
  clock?: () => number;
  /** Monotonic milliseconds for `duration_ms` (default performance.now). */
  monotonic?: () => number;
  /** A sink failed; the request is never failed because of it. */
  onError?: (error: unknown) => void;
}

/** Mount early (after `requestId`) so it also sees the 401/403/429 answered by later guards. */
export function auditLog(options: AuditLogOptions): MiddlewareHandler<{ Variables: Partial<RequestIdVariables> }> {
  const clock = options.clock ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  const shouldAudit = options.shouldAudit ?? defaultShouldAudit;
  const onError = options.onError ?? (() => {});
  return async (c, next) => {
    const startedAt = clock();
    const start = monotonic();
    await next();
    const status = c.res.status;
    if (!shouldAudit(c.req.method, status, c)) return;
    const record = (): void => {
      const event: AuditEvent = {
        time: new Date(startedAt).toISOString(),
        method: c.req.method,
        path: rawPathOf(c.req.url),
        status,
        client_ip: options.clientIp(c),
        duration_ms: Math.max(0, Math.round((monotonic() - start) * 1000) / 1000),
        request_id: c.get("requestId") ?? "",
      };
      for (const sink of options.sinks) {
        try {
          const result = sink.write(event);
          if (result instanceof Promise) result.catch(onError);
        } catch (err) {
          onError(err);
        }
      }
    };
    // A stream (SSE) lasts until its end, not until its headers: record it when it ends or is cancelled.
    const body = c.res.body;
    if (body && (c.res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      c.res = new Response(untilEnd(body, record), c.res);
      return;
    }
    record();
  };
}

/** `body` passed through unchanged; `onEnd` runs once when it ends, fails or is cancelled. */
function untilEnd(body: ReadableStream<Uint8Array>, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}
