// Activity from a separate MCP process (stdio) to the API server: signed `POST /internal/mcp-event`
// calls, sent one at a time in order, each bounded by a short timeout. A failed delivery is dropped
// (the activity feed is a convenience and must never slow down or break a tool); the first failure
// is a warning naming the API address and what to set, later ones are logged at debug.
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
  logger: Pick<Logger, "debug" | "warn">;
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
  /** Asks `GET /api/health` whether an API server answers; warns (once) when none does. */
  probe(timeoutMs?: number): Promise<boolean>;
  /** True once the unreachable/refused warning was logged. */
  readonly warned: boolean;
}

export function createWebhookSink(options: WebhookSinkOptions): WebhookSink {
  const signedFetch = createSignedFetch({ baseUrl: options.baseUrl, secret: options.secret, fetch: options.fetch });
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxQueue = options.maxQueue ?? 200;
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();
  let warned = false;
  const warnOnce = (details: Record<string, unknown>, why: string) => {
    if (warned) return;
    warned = true;
    options.logger.warn?.({ api: options.baseUrl, ...details }, unreachableMessage(options.baseUrl, why));
  };

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
        warnOnce({ status: response.status }, refusedReason(response.status));
        options.logger.debug({ status: response.status, type: event.type }, "MCP activity webhook refused the event");
      }
    } catch (error) {
      const err = error instanceof Error ? error.message : String(error);
      warnOnce({ err }, "nothing answers there");
      options.logger.debug({ err, type: event.type }, "MCP activity webhook unreachable");
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
    get warned() {
      return warned;
    },
    async probe(probeTimeoutMs = timeoutMs) {
      const f = options.fetch ?? fetch;
      try {
        const response = await f(`${options.baseUrl}/api/health`, { signal: AbortSignal.timeout(probeTimeoutMs) });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) return true;
        warnOnce({ status: response.status }, refusedReason(response.status));
      } catch (error) {
        warnOnce({ err: error instanceof Error ? error.message : String(error) }, "nothing answers there");
      }
      return false;
    },
  };
}

function refusedReason(status: number): string {
  if (status === 401 || status === 403) {
    return `it refused the signed event (${status}): it uses another data directory or INTERNAL_WEBHOOK_SECRET than this process`;
  }
  if (status === 404) return "it answered 404: this is not a PromptForge API server";
  return `it answered ${status}`;
}

/** The warning when activity cannot be delivered (stdio: it goes to stderr, the client's MCP log). */
export function unreachableMessage(baseUrl: string, why: string): string {
  return (
    `MCP activity cannot reach the PromptForge API at ${baseUrl} (${why}); tool calls still work but will not ` +
    "appear in the web UI's activity feed. Start `promptforge serve` with the same DATA_DIR, or set HOST/PORT " +
    "(and DATA_DIR) of this MCP server to those of the running `serve`."
  );
}
