// The MCP activity feed without Redis keeps its ids increasing across a restart of the server
// (issue 16 item 4): a real `promptforge serve` on SQLite takes an event, is stopped and started
// again on the same data directory, and a browser resuming with its last id from before the
// restart gets the events published since, not nothing. Runs in the sqlite project only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MCP_EVENT_PATH } from "../../src/mcp/activity-webhook.js";
import { signRequest } from "../../src/security/internal-signing.js";
import { TEST_DIALECT } from "../helpers/dialect.js";
import { killAllServe, spawnServe } from "../helpers/serve-process.js";
import { readFeed } from "../mcp/activity-server.js";

const SECRET = "feed-restart-test-secret-0123456789abcdef";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-feed-restart-"));

async function serve(): Promise<{ url: string; stop: () => Promise<void> }> {
  const p = await spawnServe(dataDir, { INTERNAL_WEBHOOK_SECRET: SECRET, DATABASE_URL: "", REDIS_URL: "" });
  return {
    url: p.url,
    stop: async () => {
      p.child.kill("SIGTERM");
      await p.exit;
    },
  };
}

async function publish(base: string, callId: string): Promise<number> {
  const body = JSON.stringify({
    type: "tool_start",
    call_id: callId,
    tool: "optimize_prompt",
    at: new Date().toISOString(),
    transport: "stdio",
  });
  const res = await fetch(`${base}${MCP_EVENT_PATH}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...signRequest({ secret: SECRET, method: "POST", path: MCP_EVENT_PATH, body }),
    },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: number }).id;
}

afterAll(async () => {
  await killAllServe();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(TEST_DIALECT === "postgres")("MCP activity feed ids across a restart (no Redis)", () => {
  it("keeps increasing, so a client resuming with its id from before the restart gets the new events", async () => {
    const first = await serve();
    const before = [await publish(first.url, "restart-before-1"), await publish(first.url, "restart-before-2")];
    expect(before[1]).toBeGreaterThan(before[0] as number);
    await first.stop();

    const second = await serve();
    try {
      const after = await publish(second.url, "restart-after-1");
      expect(after).toBeGreaterThan(before[1] as number);
      expect(Number.isSafeInteger(after)).toBe(true);
      const resumed = await readFeed(`${second.url}/api/mcp/events`, (f) => f.length >= 1, {
        headers: { "Last-Event-ID": String(before[1]) },
        timeoutMs: 5_000,
      });
      expect(resumed.map((x) => (x.data as { call_id: string }).call_id)).toEqual(["restart-after-1"]);
      expect(resumed[0]?.id).toBe(String(after));
      const status = (await (await fetch(`${second.url}/api/mcp/status`)).json()) as { last_event_id: number };
      expect(status.last_event_id).toBe(after);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
