// The MCP server over Streamable HTTP at `/mcp` (MCP_HOST:MCP_PORT), started by `promptforge serve`
// next to the API. Stateful sessions (one McpServer per session, ids from crypto.randomUUID), closed
// by the client's DELETE or after an idle period (MCP_SESSION_IDLE_MS); beyond MCP_MAX_SESSIONS the
// least-recently-used idle session is evicted (SDK clients that only close() never send DELETE).
// At shutdown every call in flight is answered with an error result before the sessions close. In front: security headers, the Host guard and the
// Origin guard (DNS rebinding), MCP_AUTH_TOKEN bearer auth (never the API token) and a body limit.
import { randomUUID } from "node:crypto";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { App } from "../app.js";
import type { Config } from "../config.js";
import { type ActivitySink, busSink, type McpActivityBus } from "../events/mcp-activity.js";
import { bearerAuth } from "../security/bearer-auth.js";
import { warnIfExposed } from "../security/fs-hardening.js";
import { securityHeaders } from "../security/headers.js";
import { hostGuard, originGuard } from "../security/host-guard.js";
import { answerClientErrors } from "../security/node-server.js";
import { SECURE_SERVER_OPTIONS } from "../security/response-header.js";
import { ToolCallTracker } from "./activity.js";
import { createMcpServer } from "./server.js";

export const MCP_PATH = "/mcp";

export interface StartMcpHttpOptions {
  app: App;
  config: Pick<
    Config,
    "mcpHost" | "mcpPort" | "mcpAuthToken" | "port" | "publicUrls" | "allowedHosts" | "bodyLimitBytes"
  > &
    Partial<Pick<Config, "mcpMaxSessions" | "mcpSessionIdleMs">>;
  /** In-process activity bus (when MCP runs inside `promptforge serve`). */
  bus?: McpActivityBus;
  /** Alternative activity destination; used when no bus is given. */
  sink?: ActivitySink;
  logger?: Logger;
  /**
   * Open sessions at most (default MCP_MAX_SESSIONS, 100); a new one beyond that evicts the
   * least-recently-used session without a call in flight, and gets 503 only when every one is busy.
   */
  maxSessions?: number;
  /** A session without requests for this long is closed (default MCP_SESSION_IDLE_MS, 30 minutes). */
  sessionIdleMs?: number;
  /** How long shutdown waits for interrupted runs to be stored as cancelled (default 2 s). */
  shutdownGraceMs?: number;
}

export interface McpHttpStatus {
  running: boolean;
  url: string;
  transport: "streamable-http";
  auth_required: boolean;
  sessions: number;
  active_calls: number;
  last_activity_at: string | null;
}

export interface McpHttpServer {
  /** e.g. http://127.0.0.1:8001/mcp (the real port when MCP_PORT is 0). */
  url: string;
  port: number;
  status(): McpHttpStatus;
  /** Closes every session, then the listener; safe to call more than once. */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  tracker: ToolCallTracker;
  lastSeen: number;
}

const rpcError = (code: number, message: string) => ({ jsonrpc: "2.0" as const, error: { code, message }, id: null });

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startMcpHttpServer(options: StartMcpHttpOptions): Promise<McpHttpServer> {
  const { app, config } = options;
  const logger = options.logger ?? app.logger;
  const maxSessions = options.maxSessions ?? config.mcpMaxSessions ?? 100;
  const idleMs = options.sessionIdleMs ?? config.mcpSessionIdleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  let lastActivity: string | null = null;
  const baseSink: ActivitySink =
    options.sink ??
    (options.bus ? busSink(options.bus, (err) => logger.debug({ err }, "MCP activity not published")) : () => {});
  const sink: ActivitySink = (event) => {
    lastActivity = event.at;
    baseSink(event);
  };

  warnIfExposed({
    host: config.mcpHost,
    token: config.mcpAuthToken,
    service: "MCP",
    log: (message, details) => logger.warn(details, message),
  });

  // The Origin guard needs the real port, known once listening.
  let checkOrigin: MiddlewareHandler = async (c) => c.json(rpcError(-32000, "Server starting"), 503);
  const http = new Hono();
  http.use(securityHeaders());
  http.use(hostGuard({ bindHost: config.mcpHost, allowedHosts: config.allowedHosts }));
  http.use((c, next) => checkOrigin(c, next));
  // Everything behind auth (not only /mcp), so no spelling of a path can reach a handler without it.
  http.use(bearerAuth({ token: config.mcpAuthToken, realm: "promptforge-mcp" }));
  http.use(
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: (c) =>
        c.json(rpcError(-32600, `Request body exceeds ${config.bodyLimitBytes} bytes`), 413, { Connection: "close" }),
    }),
  );

  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close().catch(() => undefined);
  };

  /** Closes the least-recently-used session without a call in flight; false when all are busy. */
  const evictIdlest = async (): Promise<boolean> => {
    let oldest: [string, Session] | undefined;
    for (const entry of sessions) {
      if (entry[1].tracker.activeCalls === 0 && (!oldest || entry[1].lastSeen < oldest[1].lastSeen)) oldest = entry;
    }
    if (!oldest) return false;
    logger.info(
      { client: oldest[1].server.server.getClientVersion()?.name, idle_ms: Date.now() - oldest[1].lastSeen },
      "MCP session evicted (session limit reached)",
    );
    await closeSession(oldest[0]);
    return true;
  };

  const openSession = async (c: Context, body: unknown): Promise<Response> => {
    while (sessions.size >= maxSessions) {
      if (!(await evictIdlest())) {
        return c.json(
          rpcError(-32000, `All ${maxSessions} MCP sessions have a call in flight; retry shortly (MCP_MAX_SESSIONS)`),
          503,
        );
      }
    }
    const tracker = new ToolCallTracker({
      sink,
      transport: "http",
      clientName: () => server.server.getClientVersion()?.name,
    });
    const server = createMcpServer({ app, logger, tracker });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: config.bodyLimitBytes,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, tracker, lastSeen: Date.now() });
        logger.info({ client: server.server.getClientVersion()?.name }, "MCP session opened");
      },
      onsessionclosed: (id) => {
        void closeSession(id);
      },
    });
    await server.connect(tracker.wrap(transport));
    server.server.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const response = await transport.handleRequest(c.req.raw, { parsedBody: body });
    if (!transport.sessionId || !sessions.has(transport.sessionId)) await server.close().catch(() => undefined);
    return response;
  };

  http.all(MCP_PATH, async (c) => {
    const sessionId = c.req.header("mcp-session-id");
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return c.json(rpcError(-32001, "Session not found; initialize a new one"), 404);
      session.lastSeen = Date.now();
      try {
        return await session.transport.handleRequest(c.req.raw);
      } finally {
        session.lastSeen = Date.now();
      }
    }
    if (c.req.method !== "POST") return c.json(rpcError(-32000, "Mcp-Session-Id header required"), 400);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(rpcError(-32700, "Parse error: the body is not JSON"), 400);
    }
    const initialize = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
    if (!initialize) return c.json(rpcError(-32000, "Mcp-Session-Id header required (initialize first)"), 400);
    return openSession(c, body);
  });
  http.notFound((c) => c.json({ error: { code: "not_found", message: "Not found; the MCP endpoint is /mcp" } }, 404));
  http.onError((error, c) => {
    logger.error({ err: error }, "MCP HTTP request failed");
    return c.json(rpcError(-32603, "Internal error"), 500);
  });

  const listener = await new Promise<HttpServer>((resolve, reject) => {
    const s = serve({
      fetch: http.fetch,
      hostname: config.mcpHost,
      port: config.mcpPort,
      serverOptions: SECURE_SERVER_OPTIONS,
    }) as HttpServer;
    // Requests Node's parser refuses (`-X FOO`) get a JSON error with the security headers, as on the API.
    answerClientErrors(s);
    s.once("listening", () => resolve(s));
    s.once("error", reject);
  });
  const port = (listener.address() as AddressInfo).port;
  checkOrigin = originGuard({ ports: [port, config.port], allowedOrigins: config.publicUrls });
  const url = `http://${urlHost(config.mcpHost)}:${port}${MCP_PATH}`;

  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const [id, session] of sessions) {
        if (session.lastSeen < cutoff && session.tracker.activeCalls === 0) void closeSession(id);
      }
    },
    Math.min(60_000, idleMs),
  );
  sweeper.unref();

  // The interrupted handlers store their runs as cancelled; give them a moment before the app closes.
  const waitForRuns = async (graceMs: number) => {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && app.deps.runs.size > 0) await new Promise((r) => setTimeout(r, 25));
  };

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    status: () => ({
      running: closing === undefined,
      url,
      transport: "streamable-http",
      auth_required: (config.mcpAuthToken ?? "") !== "",
      sessions: sessions.size,
      active_calls: [...sessions.values()].reduce((n, s) => n + s.tracker.activeCalls, 0),
      last_activity_at: lastActivity,
    }),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
        // Calls in flight get an error result now (not silence until the client's own timeout),
        // and their handlers are stopped, so the runs they started end cancelled.
        const interrupted = (
          await Promise.all([...sessions.values()].map((s) => s.tracker.interruptAll().catch(() => 0)))
        ).reduce((a, b) => a + b, 0);
        if (interrupted > 0) {
          logger.info({ calls: interrupted }, "MCP calls in flight answered with an error (shutting down)");
          await waitForRuns(options.shutdownGraceMs ?? 2_000);
        }
        await Promise.all([...sessions.keys()].map(closeSession));
        listener.closeIdleConnections();
        listener.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
