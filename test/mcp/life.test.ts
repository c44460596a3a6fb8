// No leaks, no hangs (issue 16 item 4), through the official SDK client: a call the client cancels is
// closed on the activity feed and its sampling request is cancelled too; sessions that clients drop
// without DELETE never lock new clients out; a SIGTERM answers calls in flight with an error result.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { McpActivity } from "../../src/events/mcp-activity.js";
import { tempDir } from "../helpers/temp-app.js";
import { TSX_IMPORT } from "../helpers/tsx.js";
import { startActivityServer } from "./activity-server.js";
import { type McpTestServer, startMcpTestServer } from "./harness.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const entry = path.join(root, "test/helpers/cli-entry.ts");
const PROMPT = 'Write a limerick about a cat who codes. End with "meow".';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let t: McpTestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("a call the client cancels (notifications/cancelled)", () => {
  it("is closed on the feed, releases active_calls, cancels its sampling request, and the session is reaped", async () => {
    // LLM_PROVIDER unset and a sampling client: optimize runs on the client's model.
    t = await startMcpTestServer({ LLM_PROVIDER: "", MCP_SESSION_IDLE_MS: "1000" });
    const client = await t.connect({ capabilities: { sampling: {} }, name: "cancelling-ide" });
    let samplingRequests = 0;
    let samplingAborted = false;
    // The "user" never answers the approval dialog: the request stays open until it is cancelled.
    client.setRequestHandler(CreateMessageRequestSchema, (_request, extra) => {
      samplingRequests++;
      return new Promise((_resolve, reject) => {
        extra.signal.addEventListener("abort", () => {
          samplingAborted = true;
          reject(new Error("cancelled"));
        });
      });
    });
    const seen: unknown[] = [];
    // What reaches the client on the wire.
    const wire = client.transport as unknown as { onmessage: (m: unknown, e: unknown) => void };
    const deliver = wire.onmessage;
    wire.onmessage = (m, e) => {
      seen.push(m);
      deliver(m, e);
    };
    const controller = new AbortController();
    const call = client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }, undefined, {
      signal: controller.signal,
    });
    await until(() => samplingRequests === 1, 10_000, "the first sampling request");
    expect(t.server.status().active_calls).toBe(1);
    controller.abort("user pressed Esc");
    await expect(call).rejects.toThrow();

    // The server cancels its sampling request on the wire (notifications/cancelled with its id)…
    const sampling = seen.find((m) => (m as { method?: string }).method === "sampling/createMessage") as { id: number };
    await until(
      () =>
        seen.some(
          (m) =>
            (m as { method?: string }).method === "notifications/cancelled" &&
            (m as { params: { requestId: unknown } }).params.requestId === sampling.id,
        ),
      5_000,
      "the sampling request to be cancelled",
    );
    // …and the client's handler is told, except for request id 0, which the SDK's _oncancel skips
    // (`if (!notification.params.requestId) return;`, @modelcontextprotocol/sdk 1.x).
    if (sampling.id !== 0) await until(() => samplingAborted, 5_000, "the client's sampling handler to abort");
    await until(() => t?.server.status().active_calls === 0, 5_000, "active_calls to drop");
    const events = (await t.bus.since()).map((e) => e.event as McpActivity);
    const types = events.filter((e) => e.tool === "optimize").map((e) => e.type);
    expect(types[0]).toBe("tool_start");
    expect(types.at(-1)).toBe("tool_error");
    expect(events.at(-1)?.message).toMatch(/^Cancelled by the client/);
    // The run stopped: no further sampling request, and the record ends cancelled.
    await new Promise((r) => setTimeout(r, 200));
    expect(samplingRequests).toBe(1);
    await until(
      async () => (await t?.app.history.list({}))?.items.some((i) => i.status === "cancelled") ?? false,
      5_000,
      "the record to end cancelled",
    );
    // Nothing in flight any more: the idle session is reaped.
    await until(() => t?.server.status().sessions === 0, 5_000, "the idle session to be reaped");
  }, 40_000);
});

/** `promptforge mcp` over stdio in `dir` (its data directory and HOME), each stage 20 s slow. */
function slowStdioMcp(dir: string, env: Record<string, string>): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: ["--import", TSX_IMPORT, entry, "mcp"],
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      DATA_DIR: dir,
      LLM_PROVIDER: "local",
      LOG_LEVEL: "warn",
      PF_TEST_ENGINE_DELAY_MS: "20000",
      ...env,
    },
    stderr: "pipe",
  });
}

describe("a call cancelled over stdio", () => {
  it("is closed on the activity feed (through the webhook) and the server keeps answering", async () => {
    const secret = "ab".repeat(32);
    const activity = await startActivityServer({ secret });
    const data = tempDir("pf-life-cancel-stdio-");
    try {
      const transport = slowStdioMcp(data.dir, {
        PORT: String(activity.port),
        INTERNAL_WEBHOOK_SECRET: secret,
      });
      const client = new Client({ name: "cancelling-stdio-ide", version: "1.0.0" });
      await client.connect(transport);
      const controller = new AbortController();
      const call = client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }, undefined, {
        signal: controller.signal,
      });
      const events = async () => (await activity.bus.since()).map((e) => e.event as McpActivity);
      await until(async () => (await events()).some((e) => e.type === "tool_start"), 15_000, "tool_start");
      controller.abort("user pressed Esc");
      await expect(call).rejects.toThrow();
      await until(async () => (await events()).some((e) => e.type === "tool_error"), 5_000, "tool_error");
      const closed = (await events()).find((e) => e.type === "tool_error");
      expect(closed?.message).toMatch(/^Cancelled by the client/);
      // Not stuck: the same process answers the next call.
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      await client.close();
    } finally {
      await activity.close();
      data.cleanup();
    }
  }, 60_000);
});

describe("sessions dropped without DELETE", () => {
  it("150 clients that only close(): the oldest idle sessions are evicted and a new client is served", async () => {
    t = await startMcpTestServer({ MCP_MAX_SESSIONS: "100" });
    for (let i = 0; i < 150; i++) {
      const client = new Client({ name: `drop-${i}`, version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(t.url)));
      await client.close(); // no terminateSession(): the server never hears a DELETE
    }
    expect(t.server.status().sessions).toBe(100);
    const fresh = await t.connect({ name: "after-the-crowd" });
    const { tools } = await fresh.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(t.server.status().sessions).toBeLessThanOrEqual(100);
  }, 60_000);
});

const spawned: ChildProcess[] = [];
afterAll(() => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

describe("SIGTERM with a call in flight", () => {
  it("over Streamable HTTP: the call gets an error result at once, not the client's timeout", async () => {
    const data = tempDir("pf-life-sigterm-");
    try {
      const child = spawn(process.execPath, ["--import", TSX_IMPORT, entry, "serve"], {
        cwd: data.dir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: data.dir,
          DATA_DIR: data.dir,
          HOST: "127.0.0.1",
          PORT: "0",
          MCP_HOST: "127.0.0.1",
          MCP_PORT: "0",
          LLM_PROVIDER: "local",
          LOG_LEVEL: "warn",
          PF_TEST_ENGINE_DELAY_MS: "20000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      spawned.push(child);
      let err = "";
      child.stderr?.on("data", (d) => {
        err += d;
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await until(() => /MCP \(Streamable HTTP\) on (\S+)/.test(err) && /listening on/.test(err), 30_000, "serve");
      const mcpUrl = /MCP \(Streamable HTTP\) on (\S+)/.exec(err)?.[1] as string;
      const client = new Client({ name: "sigterm-ide", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
      const started = Date.now();
      const call = client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }, undefined, {
        timeout: 60_000,
      });
      await new Promise((r) => setTimeout(r, 1_500)); // the run is in its first (20 s) stage
      child.kill("SIGTERM");
      const result = (await call) as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toMatch(/shutting down/);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await exited).toBe(0);
      await client.close().catch(() => undefined);
    } finally {
      data.cleanup();
    }
  }, 60_000);

  it("over stdio: the same", async () => {
    const data = tempDir("pf-life-sigterm-stdio-");
    try {
      const transport = slowStdioMcp(data.dir, { PORT: "9" });
      const client = new Client({ name: "sigterm-stdio-ide", version: "1.0.0" });
      await client.connect(transport);
      const started = Date.now();
      const call = client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }, undefined, {
        timeout: 60_000,
      });
      await new Promise((r) => setTimeout(r, 1_500));
      process.kill(transport.pid as number, "SIGTERM");
      const result = (await call) as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toMatch(/shutting down/);
      expect(Date.now() - started).toBeLessThan(15_000);
      await client.close().catch(() => undefined);
    } finally {
      data.cleanup();
    }
  }, 60_000);
});
