// Activity from a separate MCP process (stdio) to the API server: signed `POST /internal/mcp-event`
// calls, sent one at a time in order, each bounded by a short timeout. A failed delivery is logged
// at debug and dropped: the activity feed is a convenience and must never slow down or break a tool.
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { ActivitySink, McpActivity } from "../events/mcp-activity.js";
import { createSignedFetch, loadOrCreateSecret } from "../security/internal-signing.js";

export const MCP_EVENT_PATH = "/internal/mcp-event";
export const INTERNAL_SECRET_FILE = "internal-webhook.secret";

/** INTERNAL_WEBHOOK_SECRET, else the secret generated once into the data directory (shared by every process). */
export function resolveInternalSecret(config: Pick<Config, "internalWebhookSecret" | "dataDir">): string {
  return config.internalWebhookSecret ?? loadOrCreateSecret(config.dataDir, INTERNAL_SECRET_FILE).value;
}

/** `http://HOST:PORT` of the API server, with wildcard binds mapped to loopback. */
export function apiBaseUrl(config: Pick<Config, "host" | "port">): string {
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

export interface WebhookSinkOptions {
  baseUrl: string;
  secret: string;
  logger: Pick<Logger, "debug">;
  /** Per-delivery time limit (default 2 000 ms). */
  timeoutMs?: number;
  /** Events waiting beyond this are dropped (default 200). */
  maxQueue?: number;
  fetch?: typeof fetch;
}

export interface WebhookSink {
  sink: ActivitySink;
  /** Waits (at most `timeoutMs`) for queued deliveries, e.g. before the process exits. */
  flush(timeoutMs?: number): Promise<void>;
  readonly pending: number;
}

export function createWebhookSink(options: WebhookSinkOptions): WebhookSink {
  const signedFetch = createSignedFetch({ baseUrl: options.baseUrl, secret: options.secret, fetch: options.fetch });
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxQueue = options.maxQueue ?? 200;
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();

  const deliver = async (event: McpActivity): Promise<void> => {
    try {
      const response = await signedFetch(MCP_EVENT_PATH, {
        method: "POST",
        body: JSON.stringify(event),
        headers: { "Content-Type": "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) {
        options.logger.debug({ status: response.status, type: event.type }, "MCP activity webhook refused the event");
      }
    } catch (error) {
      options.logger.debug(
        { err: error instanceof Error ? error.message : String(error), type: event.type },
        "MCP activity webhook unreachable",
      );
    }
  };

  return {
    sink(event) {
      if (pending >= maxQueue) {
        options.logger.debug({ type: event.type }, "MCP activity webhook queue full; event dropped");
        return;
      }
      pending++;
      chain = chain
        .then(() => deliver(event))
        .finally(() => {
          pending--;
        });
    },
    async flush(flushTimeoutMs = timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, flushTimeoutMs);
      });
      await Promise.race([chain, timeout]);
      if (timer) clearTimeout(timer);
    },
    get pending() {
      return pending;
    },
  };
}
