// Control 2 — internal service authentication: POST /internal/mcp-event (mounted as `promptforge
// serve` mounts it) accepts only requests signed with INTERNAL_WEBHOOK_SECRET; the secret is
// generated once into the data directory (0600) and reused by the next start.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "../../src/security/internal-signing.js";
import { type SecureServer, startSecureServer, tempDataDir } from "./harness.js";

const EVENT_PATH = "/internal/mcp-event";
const UNAUTHORIZED = { error: { code: "unauthorized", message: "Request signature rejected" } };

function event(n: number): string {
  return JSON.stringify({
    type: "tool_start",
    call_id: `call-${String(n).padStart(8, "0")}`,
    tool: "optimize",
    at: new Date().toISOString(),
    transport: "stdio",
  });
}

describe("signed /internal/mcp-event", () => {
  let s: SecureServer;
  let secret: string;
  beforeAll(async () => {
    s = await startSecureServer();
    secret = fs.readFileSync(path.join(s.dataDir, "internal-webhook.secret"), "utf8").trim();
  });
  afterAll(() => s.close());

  const post = (body: string, headers: Record<string, string>) =>
    s.fetch(EVENT_PATH, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

  it("accepts a correctly signed event with 202 and publishes it", async () => {
    const body = event(1);
    const res = await post(body, signRequest({ secret, method: "POST", path: EVENT_PATH, body }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: expect.any(Number) });
  });

  it("refuses an unsigned event with 401", async () => {
    const res = await post(event(2), {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  it("refuses a replayed signature with 401", async () => {
    const body = event(3);
    const headers = signRequest({ secret, method: "POST", path: EVENT_PATH, body });
    expect((await post(body, headers)).status).toBe(202);
    const replay = await post(body, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual(UNAUTHORIZED);
  });

  it("refuses a stale (or far-future) timestamp with 401", async () => {
    const body = event(4);
    const stale = signRequest({ secret, method: "POST", path: EVENT_PATH, body, clock: () => Date.now() - 6 * 60_000 });
    expect((await post(body, stale)).status).toBe(401);
    const future = signRequest({
      secret,
      method: "POST",
      path: EVENT_PATH,
      body,
      clock: () => Date.now() + 6 * 60_000,
    });
    expect((await post(body, future)).status).toBe(401);
  });

  it("refuses a wrong secret, a tampered body and a signature for another path", async () => {
    const body = event(5);
    const wrong = signRequest({ secret: "f".repeat(64), method: "POST", path: EVENT_PATH, body });
    expect((await post(body, wrong)).status).toBe(401);
    const signed = signRequest({ secret, method: "POST", path: EVENT_PATH, body });
    expect((await post(body.replace("optimize", "analyze_prompt"), signed)).status).toBe(401);
    const other = signRequest({ secret, method: "POST", path: "/internal/other", body });
    expect((await post(body, other)).status).toBe(401);
  });

  it("never reveals the reason to the client, but logs it", async () => {
    const body = event(6);
    const stale = signRequest({ secret, method: "POST", path: EVENT_PATH, body, clock: () => 0 });
    const res = await post(body, stale);
    expect(await res.json()).toEqual(UNAUTHORIZED);
    const rejected = s.logs.map((l) => JSON.parse(l)).filter((l) => l.reason === "stale_timestamp");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]).toMatchObject({ level: 40, reason: "stale_timestamp" });
  });
});

describe("the internal secret file", () => {
  it("is generated 0600 into DATA_DIR and reused across restarts", async () => {
    const dataDir = tempDataDir();
    try {
      const first = await startSecureServer({ dataDir });
      const file = path.join(dataDir, "internal-webhook.secret");
      const secret1 = fs.readFileSync(file, "utf8").trim();
      expect(secret1).toMatch(/^[0-9a-f]{64}$/);
      expect(first.app.internalSecret).toBe(secret1);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      await first.close();

      const second = await startSecureServer({ dataDir });
      expect(second.app.internalSecret).toBe(secret1);
      expect(fs.readFileSync(file, "utf8").trim()).toBe(secret1);
      // An event signed with the file's secret (as a separate MCP process would) is accepted.
      const body = event(7);
      const res = await second.fetch(EVENT_PATH, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...signRequest({ secret: secret1, method: "POST", path: EVENT_PATH, body }),
        },
        body,
      });
      expect(res.status).toBe(202);
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("INTERNAL_WEBHOOK_SECRET overrides the file", async () => {
    const s = await startSecureServer({ env: { INTERNAL_WEBHOOK_SECRET: "env-secret-0123456789abcdef" } });
    try {
      expect(s.app.internalSecret).toBe("env-secret-0123456789abcdef");
      expect(fs.existsSync(path.join(s.dataDir, "internal-webhook.secret"))).toBe(false);
      const body = event(8);
      const headers = signRequest({ secret: "env-secret-0123456789abcdef", method: "POST", path: EVENT_PATH, body });
      const res = await s.fetch(EVENT_PATH, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body,
      });
      expect(res.status).toBe(202);
    } finally {
      await s.close();
    }
  });
});
