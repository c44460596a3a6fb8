// Control 10 — network isolation: binding the API (HOST) or MCP (MCP_HOST) to a non-loopback
// address without its token logs a loud warning naming the risk and the variable to set.
import { afterEach, describe, expect, it } from "vitest";
import { startMcpHttpServer } from "../../src/mcp/http.js";
import { type SecureServer, startSecureServer } from "./harness.js";

interface LogLine {
  level: number;
  msg: string;
  service?: string;
  host?: string;
  variable?: string;
}
const warnings = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg.startsWith("SECURITY WARNING"));

const servers: SecureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(env: Record<string, string>): Promise<SecureServer> {
  const s = await startSecureServer({ env });
  servers.push(s);
  return s;
}

describe("exposure warning", () => {
  it("HOST=0.0.0.0 without AUTH_TOKEN logs a loud warning naming the risk", async () => {
    const s = await start({ HOST: "0.0.0.0" });
    const [warning, ...rest] = warnings(s.logs);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ level: 40, service: "API", host: "0.0.0.0", variable: "AUTH_TOKEN" });
    expect(warning?.msg).toMatch(/non-loopback/);
    expect(warning?.msg).toMatch(/without authentication/);
    expect(warning?.msg).toMatch(/Set AUTH_TOKEN or bind to 127\.0\.0\.1/);
    // The server is reachable and open, which is exactly what the warning is about.
    expect((await s.fetch("/api/history")).status).toBe(200);
  });

  it("stays quiet with AUTH_TOKEN set, or on a loopback bind", async () => {
    const withToken = await start({ HOST: "0.0.0.0", AUTH_TOKEN: "exposure-test-token-42" });
    expect(warnings(withToken.logs)).toEqual([]);
    const loopback = await start({});
    expect(warnings(loopback.logs)).toEqual([]);
  });

  it("MCP_HOST=0.0.0.0 without MCP_AUTH_TOKEN warns about MCP (AUTH_TOKEN does not count)", async () => {
    const s = await start({ MCP_HOST: "0.0.0.0", MCP_PORT: "0", AUTH_TOKEN: "exposure-test-token-42" });
    const mcp = await startMcpHttpServer({ app: s.app, config: s.config, logger: s.app.logger });
    try {
      const found = warnings(s.logs);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ service: "MCP", host: "0.0.0.0", variable: "MCP_AUTH_TOKEN" });
    } finally {
      await mcp.close();
    }
  });
});
