// What every route module receives: the application facade and the server's streaming settings.
import type { App } from "../app.js";
import type { SseRegistry } from "./sse.js";
import type { StorageFault } from "./storage-faults.js";

export interface HttpDeps {
  app: App;
  /** Open SSE streams, ended with an `error` event on shutdown. */
  streams: SseRegistry;
  /** Interval of the SSE `: ping` heartbeat in ms (15 000 by default; tests shorten it). */
  heartbeatMs: number;
  /** Package version, reported by /api/health and the OpenAPI document. */
  version: string;
  /** State of the MCP server started next to the API. */
  mcpState: () => "not started" | "running" | "stopped";
  /** The port the MCP server really listens on (MCP_PORT may be 0), or null when it is not running. */
  mcpPort: () => number | null;
  /** Writes the audit events still waiting in memory, so a read of the audit log sees them. */
  flushAudit: () => Promise<void>;
  /** Whether the SQLite file is still the one opened at start (null with PostgreSQL). */
  databaseFile: { check(): StorageFault | null } | null;
}
