// The Hono application: middleware (request id, access log, body limit, 405), every route module,
// the OpenAPI document and one error mapping. Transport only; all behaviour lives in the App facade.
import path from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { App } from "../app.js";
import { printablePath } from "../security/canonical-path.js";
import { VERSION } from "../version.js";
import { CachedRouter } from "./cached-router.js";
import { HttpError, methodNotAllowedResponse, notFoundHandler, onErrorHandler } from "./errors.js";
import type { HttpDeps } from "./http-deps.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerAuthRoutes } from "./routes/auth.js";
import { registerCredentialRoutes } from "./routes/credentials.js";
import { registerDocsRoutes } from "./routes/docs.js";
import { registerGitHubRoutes } from "./routes/github.js";
import { registerHistoryRoutes } from "./routes/history.js";
import { registerMcpConfigRoutes } from "./routes/mcp-config.js";
import { registerMetaRoutes } from "./routes/meta.js";
import { registerOptimizeRoutes } from "./routes/optimize.js";
import { registerOrchestrateRoutes } from "./routes/orchestrate.js";
import { registerProjectRoutes } from "./routes/projects.js";
import { registerTestRoutes } from "./routes/tests.js";
import { registerVerifyRoutes } from "./routes/verify.js";
import { createWebUi } from "./routes/web.js";
import { registerWorkspaceRoutes } from "./routes/workspace.js";
import { applySecurity, type SecurityContext, type SecurityOptions } from "./security.js";
import { SseRegistry } from "./sse.js";
import { databaseFileGuard } from "./storage-faults.js";

export interface HttpAppOptions {
  /** SSE heartbeat interval in ms; default 15 000. */
  heartbeatMs?: number;
  /** Registry of open SSE streams; default a new one. */
  streams?: SseRegistry;
  /** The port actually listened on (CSRF allows our own loopback origins); default config.port. */
  port?: () => number;
  /** Rate-limit store and clock (tests inject a fake clock). */
  rateLimitStore?: SecurityOptions["rateLimitStore"];
  clock?: () => number;
  /** Extra routes mounted by the composing command (e.g. the MCP activity feed). */
  mount?: (http: OpenAPIHono, app: App) => void;
  /** State of the MCP server started next to the API, reported by /api/health. */
  mcpState?: () => "not started" | "running" | "stopped";
  /** The port that MCP server listens on, for the client configuration (default config.mcpPort). */
  mcpPort?: () => number | null;
}

export interface HttpApp {
  http: OpenAPIHono;
  streams: SseRegistry;
  security: SecurityContext;
}

export { VERSION };

export function createHttpApp(app: App, options: HttpAppOptions = {}): HttpApp {
  const streams = options.streams ?? new SseRegistry();
  const deps: HttpDeps = {
    app,
    streams,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    version: VERSION,
    mcpState: options.mcpState ?? (() => "not started"),
    mcpPort: options.mcpPort ?? (() => null),
    flushAudit: async () => {},
    databaseFile: app.config.databaseUrl ? null : databaseFileGuard(path.join(app.config.dataDir, "promptforge.db")),
  };
  // Not strict: one trailing slash is dropped before routing (`/api/history/` is `/api/history`),
  // as the security checks already drop it from the canonical path (SECURITY.md §1).
  const http = new OpenAPIHono({ strict: false, router: new CachedRouter() });
  const logger = app.logger;

  http.use(methodNotAllowed({ app: http, onMethodNotAllowed: methodNotAllowedResponse }));
  http.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 ? "error" : c.req.path === "/api/health" ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    const fields = {
      request_id: (c.get as (key: string) => unknown)("requestId") as string | undefined,
      method: c.req.method,
      path: printablePath(c.req.path),
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
    };
    logger[level](fields, "request");
  });
  // After the request log, so requests refused by a security control are logged too.
  const security = applySecurity(http, app, {
    port: options.port ?? (() => app.config.port),
    rateLimitStore: options.rateLimitStore ?? app.rateLimitStore,
    clock: options.clock,
  });
  deps.flushAudit = () => security.auditBuffer.flush();
  const limitBody = bodyLimit({
    maxSize: app.config.bodyLimitBytes,
    onError: () => {
      // The unread rest of the body makes the connection unusable for another request.
      throw new HttpError(413, "payload_too_large", `The request body exceeds ${app.config.bodyLimitBytes} bytes.`, {
        headers: { Connection: "close" },
      });
    },
  });
  // An HTTP/1.x request without Content-Length or Transfer-Encoding has no body; asking bodyLimit
  // would build the whole web Request (stream, abort signal) just to find that out.
  http.use("/api/*", (c, next) => {
    const incoming = (c.env as { incoming?: { httpVersionMajor?: number } } | undefined)?.incoming;
    const http1 = incoming !== undefined && (incoming.httpVersionMajor ?? 1) < 2;
    if (http1 && c.req.header("content-length") === undefined && c.req.header("transfer-encoding") === undefined) {
      return next();
    }
    return limitBody(c, next);
  });
  // A database file deleted under the running server would swallow every later write: refuse them.
  http.use("/api/*", (c, next) => {
    const fault = c.req.method === "GET" || c.req.method === "HEAD" ? null : deps.databaseFile?.check();
    if (!fault) return next();
    app.logger.error({ code: fault.code }, "database file missing; write refused");
    return Promise.resolve(c.json({ error: { code: fault.code, message: fault.message } }, fault.status));
  });

  registerMetaRoutes(http, deps);
  registerOptimizeRoutes(http, deps);
  registerOrchestrateRoutes(http, deps);
  registerHistoryRoutes(http, deps);
  registerProjectRoutes(http, deps);
  registerTestRoutes(http, deps, security);
  registerVerifyRoutes(http, deps);
  registerDocsRoutes(http, deps);
  registerAuthRoutes(http, deps, security.sessions);
  registerCredentialRoutes(http, deps);
  registerAuditRoutes(http, deps);
  registerMcpConfigRoutes(http, deps);
  registerGitHubRoutes(http, deps, security);
  registerWorkspaceRoutes(http, deps);
  options.mount?.(http, app);

  const webUi = createWebUi(app.config.webDir);
  http.notFound((c) => webUi(c) ?? notFoundHandler(c));
  http.onError(onErrorHandler(logger, { dataDir: app.config.dataDir }));
  return { http, streams, security };
}
