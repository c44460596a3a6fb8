// Shared machinery of the fake LLM servers: a scriptable reply queue, request recording, SSE writing
// and detection of connections the client closed early (cancellation reaching the HTTP request).
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { stageReply } from "./stage-replies.js";

export type FakeReply =
  /** A well-formed reply whose text is JSON.stringify(value). */
  | { type: "json"; value: unknown; delayMs?: number; until?: Promise<unknown> }
  /** A reply with exactly this text (malformed JSON, reasoning tags…). */
  | { type: "text"; text: string; delayMs?: number }
  /** An HTTP error with the provider's error body. */
  | { type: "error"; status: number; headers?: Record<string, string>; message?: string }
  /** Never answers; the connection stays open until the client gives up. */
  | { type: "hang" }
  /** Streams the start of this text, then stalls with the connection open. */
  | { type: "stream-then-hang"; text: string }
  /**
   * Sends the start of this reply (stream chunks, or the first half of the JSON body of a
   * non-streamed call), then ends the response cleanly before the last chunk ("end") or resets
   * the connection ("reset").
   */
  | { type: "cut"; text: string; how: "end" | "reset" };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  system: string;
  user: string;
  stream: boolean;
}

export type Responder = (req: RecordedRequest) => FakeReply;

/** Replies are taken from the queue first; when it is empty the stage-aware default answers. */
export class FakeScript {
  private readonly queue: FakeReply[] = [];
  constructor(public fallback: Responder = stageReply) {}
  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }
  next(req: RecordedRequest): FakeReply {
    return this.queue.shift() ?? this.fallback(req);
  }
  get pending(): number {
    return this.queue.length;
  }
}

export interface FakeServer {
  url: string;
  script: FakeScript;
  requests: RecordedRequest[];
  /** Milliseconds each completed response took, from its request's arrival to its last byte. */
  timings: number[];
  /** Responses the client abandoned before they were complete. */
  readonly closedEarly: number;
  /** Resolves when the next (or an already recorded) early close happens. */
  waitForEarlyClose(): Promise<void>;
  close(): Promise<void>;
}

export interface ProtocolHandler {
  /** Returns null when the path is not an endpoint of this protocol. */
  parse(path: string, headers: Record<string, string>, body: Record<string, unknown>): RecordedRequest | null;
  /** Returns an error reply when the request's credentials are wrong. */
  authenticate(req: RecordedRequest): FakeReply | null;
  writeJson(res: http.ServerResponse, req: RecordedRequest, text: string): void;
  writeStream(res: http.ServerResponse, req: RecordedRequest, chunks: string[], finish: boolean): void;
  writeError(res: http.ServerResponse, reply: Extract<FakeReply, { type: "error" }>): void;
}

export function chunkText(text: string, size = 24): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks.length > 0 ? chunks : [""];
}

export function sse(res: http.ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

export function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeServer(protocol: ProtocolHandler, script = new FakeScript()): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const timings: number[] = [];
  let closedEarly = 0;
  let waiters: Array<() => void> = [];
  const sockets = new Set<import("node:net").Socket>();

  const server = http.createServer(async (req, res) => {
    const started = performance.now();
    res.on("finish", () => timings.push(performance.now() - started));
    res.on("close", () => {
      if (!res.writableFinished) {
        closedEarly++;
        for (const w of waiters) w();
        waiters = [];
      }
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      sendJson(res, 400, { error: { message: "invalid JSON body" } });
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const recorded = protocol.parse(req.url ?? "/", headers, body);
    if (!recorded) {
      sendJson(res, 404, { error: { message: `no route ${req.url}` } });
      return;
    }
    requests.push(recorded);
    const reply = protocol.authenticate(recorded) ?? script.next(recorded);
    if (reply.type === "hang") return;
    if (reply.type === "error") {
      protocol.writeError(res, reply);
      return;
    }
    if (reply.type === "stream-then-hang") {
      const parts = chunkText(reply.text);
      protocol.writeStream(res, recorded, parts, false);
      return;
    }
    if (reply.type === "cut") {
      if (recorded.stream) protocol.writeStream(res, recorded, chunkText(reply.text), false);
      else {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(JSON.stringify({ text: reply.text }).slice(0, Math.max(1, reply.text.length / 2)));
      }
      // Let the written bytes reach the client before the cut.
      setTimeout(() => (reply.how === "reset" ? res.socket?.resetAndDestroy() : res.end()), 20);
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    // Held until the test releases it (a run kept in flight for as long as a test needs).
    if (reply.type === "json" && reply.until) await reply.until;
    if (res.destroyed) return;
    const text = reply.type === "json" ? JSON.stringify(reply.value) : reply.text;
    if (recorded.stream) protocol.writeStream(res, recorded, chunkText(text), true);
    else protocol.writeJson(res, recorded, text);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script,
    requests,
    timings,
    get closedEarly() {
      return closedEarly;
    },
    waitForEarlyClose: () => (closedEarly > 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Text of a message content that is a string or an array of text parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === "object" && "text" in p ? String((p as { text: unknown }).text) : ""))
      .join("");
  }
  return "";
}
