// The security model of SECURITY.md on the HTTP app, in the order that makes each control see what
// it must: request id → headers (also on errors) → audit (sees every 401/403/429) → Host guard →
// CSRF → JSON-only bodies → rate limits → bearer auth (token or session cookie) → signed /internal.
import path from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App } from "../app.js";
import {
  type AuditBuffer,
  type AuditEvent,
  type AuditSink,
  auditLog,
  createAuditBuffer,
  createFileAuditSink,
} from "../security/audit.js";
import { bearerAuth, exemptRoutes } from "../security/bearer-auth.js";
import { isUnderPrefix } from "../security/canonical-path.js";
import { clientIpResolver } from "../security/client-ip.js";
import { csrf } from "../security/csrf.js";
import { securityHeaders } from "../security/headers.js";
import { hostGuard } from "../security/host-guard.js";
import { internalAuth } from "../security/internal-signing.js";
import { MemoryRateLimitStore, type RateLimitResult, type RateLimitStore, rateLimit } from "../security/rate-limit.js";
import { requestId } from "../security/request-id.js";
import { canonicalUrlPath } from "../security/request-path.js";
import { requireJson } from "../security/require-json.js";
import { createSessionManager, DEFAULT_SESSION_COOKIE, type SessionManager } from "../security/session.js";

export interface SecurityOptions {
  /** The port actually listened on (known only after listen when PORT=0). */
  port: () => number;
  /** Shared by both limits; a Redis store can replace it for several instances. */
  rateLimitStore?: RateLimitStore;
  /** Milliseconds since the epoch, for the rate limiter (tests use a fake clock). */
  clock?: () => number;
}

export interface SecurityContext {
  sessions: SessionManager;
  clientIp: (c: Context) => string;
  auditSinks: AuditSink[];
  /** Where audit events wait for their batch write (flushed every 100 ms and on close). */
  auditBuffer: AuditBuffer;
  /** Counts one call against the client's optimize-family limit (each provider call of a prompt test). */
  hitOptimizeLimit: (c: Context) => Promise<RateLimitResult>;
  close(): Promise<void>;
}

/**
 * `METHOD /path` of the /api routes that never need a token or session (also read by the OpenAPI
 * document, which gives these operations `security: []`).
 */
export const AUTH_EXEMPT_ROUTES: readonly string[] = [
  "GET /api/health",
  "GET /api/github/callback",
  "GET /api/auth/status",
  "POST /api/auth/session",
];

/** Paths of the optimize family (optimize, retry, batch, orchestrate) with their own rate limit. */
export function isOptimizeFamily(method: string, canonical: string | null): boolean {
  if (method !== "POST" || canonical === null) return false;
  return (
    canonical === "/api/optimize" ||
    canonical === "/api/optimize/batch" ||
    /^\/api\/optimize\/[^/]+\/retry$/.test(canonical) ||
    isUnderPrefix(canonical, "/api/orchestrate")
  );
}

export function applySecurity(http: OpenAPIHono, app: App, options: SecurityOptions): SecurityContext {
  const { config } = app;
  const clientIp = clientIpResolver({ trustProxy: config.trustProxy });
  const sessions = createSessionManager();
  const fileSink = createFileAuditSink(path.join(config.dataDir, "audit.log"));
  const record = (event: AuditEvent) => ({
    time: event.time,
    method: event.method,
    path: event.path,
    status: event.status,
    client_ip: event.client_ip,
    duration_ms: event.duration_ms,
    request_id: event.request_id,
  });
  const dbSink: AuditSink = {
    write: (event) => app.audit.append(record(event)),
    writeMany: (events) => app.audit.appendMany(events.map(record)),
  };
  const auditSinks = [fileSink, dbSink];
  const auditBuffer = createAuditBuffer({
    sinks: auditSinks,
    onError: (error) => app.logger.error({ err: error }, "audit sink failed"),
  });
  const store = options.rateLimitStore ?? new MemoryRateLimitStore();
  const canonical = canonicalUrlPath;

  http.use(requestId());
  http.use(securityHeaders({ trustProxy: config.trustProxy }));
  http.use(
    auditLog({
      sinks: [auditBuffer],
      clientIp,
      onError: (error) => app.logger.error({ err: error }, "audit sink failed"),
    }),
  );
  http.use(hostGuard({ bindHost: config.host, allowedHosts: config.allowedHosts }));
  http.use(csrf({ port: options.port, publicUrls: config.publicUrls, trustProxy: config.trustProxy }));
  http.use("/api/*", requireJson());
  http.use("/internal/*", requireJson());
  http.use(
    "/api/*",
    rateLimit({
      limit: config.rateLimitRpm,
      windowMs: 60_000,
      store,
      keyPrefix: "api",
      clientIp,
      clock: options.clock,
      // Load balancers and monitors poll health; it is never limited.
      skip: (c) => c.req.method === "GET" && canonical(c) === "/api/health",
    }),
  );
  http.use(
    "/api/*",
    rateLimit({
      limit: config.rateLimitOptimizeRpm,
      windowMs: 60_000,
      store,
      keyPrefix: "optimize",
      clientIp,
      clock: options.clock,
      skip: (c) => c.req.method !== "POST" || !isOptimizeFamily(c.req.method, canonical(c)),
    }),
  );
  http.use(
    bearerAuth({
      token: config.authToken,
      protect: (p) => isUnderPrefix(p, "/api"),
      exempt: exemptRoutes(AUTH_EXEMPT_ROUTES),
      sessionCookie: { name: DEFAULT_SESSION_COOKIE, verify: (value) => sessions.verify(value) },
    }),
  );
  http.use(
    "/internal/*",
    internalAuth({
      secret: app.internalSecret,
      replayCache: app.replayCache,
      // The reason stays in the log; the client only ever sees the one 401.
      onReject: (reason) => app.logger.warn({ reason }, "rejected an internal request"),
    }),
  );
  return {
    sessions,
    clientIp,
    auditSinks,
    auditBuffer,
    hitOptimizeLimit: (c) =>
      store.hit(`optimize:${clientIp(c)}`, (options.clock ?? Date.now)(), 60_000, config.rateLimitOptimizeRpm),
    close: async () => {
      await auditBuffer.flush();
      await fileSink.close();
    },
  };
}
