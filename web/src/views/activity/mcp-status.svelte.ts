// GET /api/mcp/status: the MCP HTTP server's state, its sessions and the latest activity.
import { api, unwrap } from "../../api/client";
import { describeError, isAbort } from "../../lib/errors";

/** McpStatus in the OpenAPI document (src/server/mcp-activity.ts). */
export interface McpStatus {
  running: boolean;
  url: string | null;
  transport: "streamable-http" | null;
  auth_required: boolean | null;
  sessions: number;
  active_calls: number;
  last_activity_at: string | null;
  last_event_id: number | null;
  feed_subscribers: number;
}

// The /api/mcp/* operations are not in schema.d.ts yet (the gen:api document mounts the feed
// without describing it), so this one call is typed narrowly here.
type GetStatus = (
  path: "/api/mcp/status",
  init: { signal?: AbortSignal },
) => Promise<{ data?: McpStatus; error?: unknown; response: Response }>;

export function fetchMcpStatus(signal?: AbortSignal): Promise<McpStatus> {
  return unwrap((api.GET as unknown as GetStatus)("/api/mcp/status", { signal }));
}

export class McpStatusState {
  #status = $state.raw<McpStatus | null>(null);
  #error = $state<{ code: string; message: string } | null>(null);
  #controller: AbortController | null = null;

  get status() {
    return this.#status;
  }
  get error() {
    return this.#error;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      this.#status = await fetchMcpStatus(controller.signal);
      this.#error = null;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    }
  }

  dispose(): void {
    this.#controller?.abort();
  }
}
