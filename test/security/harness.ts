// The real server for security tests: startServer on an ephemeral loopback port, a temporary data
// directory, the MCP activity routes mounted the way `promptforge serve` mounts them, and every log
// line captured in memory. Rate limits keep their defaults unless the test's env says otherwise.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino, { type Logger } from "pino";
import { type App, createApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import { createMemoryEventBus } from "../../src/events/bus.js";
import type { McpActivity } from "../../src/events/mcp-activity.js";
import { createMcpActivityRoutes, type McpActivityRoutes } from "../../src/mcp/activity-routes.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";

/** A pino logger at `trace` (no redaction: stricter than production) writing JSON lines to memory. */
export function memoryLogger(level = "trace"): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level, base: { service: "promptforge" } }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pf-sec-"));
}

export interface SecureServerOptions {
  env?: Record<string, string>;
  /** Reuse a data directory (restarts); by default a new temporary one. */
  dataDir?: string;
  /** Leave the data directory in place on close (default: removed unless `dataDir` was given). */
  keepDataDir?: boolean;
  /** Mount /internal/mcp-event and the activity feed as `promptforge serve` does (default true). */
  activity?: boolean;
}

export interface SecureServer {
  url: string;
  port: number;
  app: App;
  config: Config;
  server: RunningServer;
  dataDir: string;
  /** Every JSON log line written so far. */
  logs: string[];
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export function secureConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "trace",
    LLM_PROVIDER: "local",
    PATH: process.env.PATH ?? "",
    ...env,
  });
}

export async function startSecureServer(options: SecureServerOptions = {}): Promise<SecureServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const removeDir = options.dataDir === undefined && !options.keepDataDir;
  const config = secureConfig(dataDir, options.env);
  const { logger, lines } = memoryLogger();
  const app = await createApp(config, { logger });
  const bus = createMemoryEventBus<McpActivity>();
  let activity: McpActivityRoutes | null = null;
  const server = await startServer({
    config,
    app,
    mount:
      options.activity === false
        ? undefined
        : (http, a) => {
            activity = createMcpActivityRoutes({ bus, secret: a.internalSecret, logger: a.logger });
            http.route("/", activity.app);
          },
    beforeClose: async () => {
      (activity as McpActivityRoutes | null)?.close();
    },
    shutdownTimeoutMs: 1_000,
  });
  let closed = false;
  return {
    url: server.url,
    port: server.port,
    app,
    config,
    server,
    dataDir,
    logs: lines,
    fetch: (pathname, init) => fetch(`${server.url}${pathname}`, init),
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await app.close();
      if (removeDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/**
 * Sends bytes exactly as given over a TCP socket (fetch and node:http normalise or refuse `..`,
 * encoded slashes and forged Host values) and parses the answer. The request should say
 * `Connection: close`; `rawGet` builds such a request.
 */
export function rawHttp(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const split = raw.indexOf("\r\n\r\n");
      const head = split === -1 ? raw : raw.slice(0, split);
      let body = split === -1 ? "" : raw.slice(split + 4);
      const [statusLine = "", ...headerLines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      if ((headers["transfer-encoding"] ?? "").includes("chunked")) body = dechunk(body);
      resolve({ status: Number(statusLine.split(" ")[1] ?? 0), headers, body, raw });
    });
    socket.end(request);
  });
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    if (eol === -1) break;
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  return out;
}

/** `METHOD target HTTP/1.1` with Host, the given headers, an optional body and Connection: close. */
export function rawRequestText(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): string {
  const all: Record<string, string> = { Host: `127.0.0.1:${port}`, ...headers, Connection: "close" };
  if (body !== undefined) all["Content-Length"] = String(Buffer.byteLength(body));
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n${body ?? ""}`;
}

export function rawGet(port: number, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawHttp(port, rawRequestText(port, "GET", target, headers));
}

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code;
}

export const JSON_HEADERS = { "Content-Type": "application/json" } as const;
