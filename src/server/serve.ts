// Starts the HTTP server on config.host/config.port and stops it gracefully: stop accepting,
// end open SSE streams with an `error` event (their runs are aborted and recorded `cancelled`),
// close the app (database last), then drop the remaining connections.

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { type App, type AppOptions, createApp } from "../app.js";
import type { Config } from "../config.js";
import { warnIfExposed } from "../security/fs-hardening.js";
import { answerClientErrors } from "../security/node-server.js";
import { SECURE_SERVER_OPTIONS } from "../security/response-header.js";
import { createHttpApp, type HttpAppOptions } from "./app.js";
import type { SseRegistry } from "./sse.js";

export interface StartServerOptions {
  config: Config;
  /** A prebuilt app (tests swap engines on it); by default one is built from config. */
  app?: App;
  appOptions?: AppOptions;
  /** SSE heartbeat interval in ms; default 15 000. */
  heartbeatMs?: number;
  /** Extra routes and MCP state, passed to createHttpApp. */
  mount?: HttpAppOptions["mount"];
  mcpState?: HttpAppOptions["mcpState"];
  mcpPort?: HttpAppOptions["mcpPort"];
  /** Runs first on shutdown (stop MCP, end activity feeds), before streams and the app close. */
  beforeClose?: () => Promise<void>;
  /** How long open streams get to end before they are cut; default 5 000 ms. */
  shutdownTimeoutMs?: number;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8000 (the real port when config.port is 0). */
  url: string;
  port: number;
  app: App;
  http: OpenAPIHono;
  streams: SseRegistry;
  /** Graceful shutdown; safe to call more than once. Closes the app only if this server built it. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return host === "::" ? "[::1]" : "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const ownsApp = options.app === undefined;
  const app = options.app ?? (await createApp(config, { logDestination: 1, ...options.appOptions }));
  let listeningPort = config.port;
  const { http, streams, security } = createHttpApp(app, {
    heartbeatMs: options.heartbeatMs,
    port: () => listeningPort,
    mount: options.mount,
    mcpState: options.mcpState,
    mcpPort: options.mcpPort,
  });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({
        fetch: http.fetch,
        hostname: config.host,
        port: config.port,
        serverOptions: SECURE_SERVER_OPTIONS,
      }) as Server;
      // Requests Node's parser refuses (`-X FOO`) still get a JSON error with the security headers.
      answerClientErrors(s, (code) => app.logger.info({ code }, "unparseable request refused"));
      s.once("listening", () => resolve(s));
      s.once("error", reject);
    });
  } catch (error) {
    if (ownsApp) await app.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  listeningPort = port;
  // Network isolation: a non-loopback bind without AUTH_TOKEN is loud in the log.
  warnIfExposed({
    host: config.host,
    token: config.authToken,
    service: "API",
    log: (message, details) => app.logger.warn(details, message),
  });
  const url = `http://${urlHost(config.host)}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await options.beforeClose?.().catch((error) => app.logger.error({ err: error }, "error while stopping"));
      server.closeIdleConnections();
      await streams.shutdown(options.shutdownTimeoutMs ?? 5_000);
      await security.close();
      if (ownsApp) await app.close();
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };
  return { url, port, app, http, streams, close };
}
