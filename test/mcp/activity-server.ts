// A small HTTP server with the MCP activity routes mounted as the API server will mount them.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createMemoryEventBus } from "../../src/events/bus.js";
import type { McpActivity, McpActivityBus } from "../../src/events/mcp-activity.js";
import {
  createMcpActivityRoutes,
  type McpActivityRoutes,
  type McpActivityRoutesOptions,
} from "../../src/mcp/activity-routes.js";
import { readSse, type SseFrame } from "../helpers/sse.js";

export interface ActivityServer {
  url: string;
  port: number;
  bus: McpActivityBus;
  routes: McpActivityRoutes;
  close(): Promise<void>;
}

export async function startActivityServer(
  options: Omit<McpActivityRoutesOptions, "bus"> & { bus?: McpActivityBus },
): Promise<ActivityServer> {
  const bus = options.bus ?? createMemoryEventBus<McpActivity>();
  const routes = createMcpActivityRoutes({ ...options, bus });
  const http = new Hono();
  http.route("/", routes.app);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: http.fetch, hostname: "127.0.0.1", port: 0 }) as Server;
    s.once("listening", () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    bus,
    routes,
    async close() {
      routes.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Reads the activity feed until `until` holds for the frames so far (or the timeout passes). */
export async function readFeed(
  url: string,
  until: (frames: SseFrame[]) => boolean,
  options: { headers?: Record<string, string>; timeoutMs?: number; comments?: string[] } = {},
): Promise<SseFrame[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 5_000);
  const frames: SseFrame[] = [];
  try {
    const response = await fetch(url, { headers: options.headers, signal: controller.signal });
    if (!response.ok) throw new Error(`feed answered ${response.status}`);
    for await (const item of readSse(response)) {
      if (item.kind === "comment") options.comments?.push(item.text);
      else frames.push(item.frame);
      if (until(frames)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return frames;
}
