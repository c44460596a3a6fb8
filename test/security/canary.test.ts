// THE CANARY TEST: a representative slice of traffic runs with a unique, recognisable value in every
// secret (API token, MCP token, internal secret, encryption key, stored keys, a per-request key, a
// key sent for validation, wrong tokens), then every log line, audit record (database and file),
// response we received (status, headers, body) and every byte of the data directory is searched for
// them. A misbehaving upstream that echoes the key it was sent is part of the traffic.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type McpHttpServer, startMcpHttpServer } from "../../src/mcp/http.js";
import { signRequest } from "../../src/security/internal-signing.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-server.js";
import { INITIALIZE_BODY, MCP_HEADERS, rawRequest } from "../mcp/raw-http.js";
import { rawGet, type SecureServer, startSecureServer, tempDataDir } from "./harness.js";

const CANARIES = {
  AUTH_TOKEN: "pf-auth-CANARY01-7fkQzw9x",
  MCP_AUTH_TOKEN: "pf-mcp-CANARY02-LmxVqy4t",
  INTERNAL_WEBHOOK_SECRET: "pf-internal-CANARY03-RtpNsw0k",
  ENCRYPTION_KEY: "pf-encryption-CANARY04-HwcJdy5m",
  storedOpenAi: "sk-stored-CANARY05-BxmKtq2w",
  storedCompatible: "sk-compat-CANARY06-YqzPrv8n",
  headerKey: "sk-header-CANARY07-DnwLpx6y",
  validateKey: "sk-validate-CANARY08-GcvRey1z",
  validateCompatible: "sk-valcompat-CANARY09-QjkWmz3v",
  wrongBearer: "wrong-bearer-CANARY10-UfTyxk4q",
  wrongSession: "wrong-session-CANARY11-KaRwzp6j",
  wrongMcp: "wrong-mcp-CANARY12-ZpMxkw0t",
  githubClientSecret: "gh-secret-CANARY13-VtqLmz8r",
} as const;

/** The full values, plus their random tails (a partial echo must not slip through either). */
const NEEDLES = Object.entries(CANARIES).flatMap(([name, value]) => [
  { name, needle: value },
  { name: `${name} (tail)`, needle: value.slice(value.lastIndexOf("-") + 1) },
]);

function leaks(haystack: string | Buffer): string[] {
  const text = typeof haystack === "string" ? haystack : haystack.toString("latin1");
  return NEEDLES.filter(({ needle }) => text.includes(needle)).map(({ name }) => name);
}

interface Recorded {
  what: string;
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** A fake OpenAI-compatible upstream that refuses every key and echoes it back in the error. */
function startEchoUpstream(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    seen.push(auth);
    req.resume();
    req.on("end", () => {
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${auth.replace(/^Bearer /, "")}. You sent: ${auth}`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        }),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        seen,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

describe("no secret ever leaks (canary test)", () => {
  const dataDir = tempDataDir();
  const recorded: Recorded[] = [];
  let s: SecureServer;
  let mcp: McpHttpServer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let auditRecordsJson = "";
  let runningDbBytes: Buffer = Buffer.alloc(0);
  let sessionCookie = "";
  let gh: FakeGitHub;

  async function call(what: string, pathname: string, init: RequestInit = {}): Promise<Recorded> {
    const res = await s.fetch(pathname, init);
    const entry: Recorded = { what, status: res.status, headers: [...res.headers.entries()], body: await res.text() };
    recorded.push(entry);
    return entry;
  }
  const json = (extra: Record<string, string> = {}) => ({ "Content-Type": "application/json", ...extra });
  const bearer = { Authorization: `Bearer ${CANARIES.AUTH_TOKEN}` };

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gh = await startFakeGitHub({
      clientId: "Iv1.canaryapp",
      clientSecret: CANARIES.githubClientSecret,
      repos: [{ full_name: "octo/canary", files: [{ path: "package.json", content: '{"name":"canary"}' }] }],
    });
    s = await startSecureServer({
      dataDir,
      env: {
        AUTH_TOKEN: CANARIES.AUTH_TOKEN,
        MCP_AUTH_TOKEN: CANARIES.MCP_AUTH_TOKEN,
        INTERNAL_WEBHOOK_SECRET: CANARIES.INTERNAL_WEBHOOK_SECRET,
        ENCRYPTION_KEY: CANARIES.ENCRYPTION_KEY,
        MCP_HOST: "127.0.0.1",
        MCP_PORT: "0",
        // A dead OpenAI and a hostile OpenAI-compatible upstream.
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        OPENAI_COMPATIBLE_BASE_URL: upstream.url,
        OPENAI_COMPATIBLE_MODEL: "echo-model",
        RATE_LIMIT_RPM: "100000",
        RATE_LIMIT_OPTIMIZE_RPM: "100000",
        GITHUB_API_URL: gh.url,
        GITHUB_OAUTH_URL: gh.url,
      },
    });
    mcp = await startMcpHttpServer({ app: s.app, config: s.config, logger: s.app.logger });

    // Authentication: health, wrong and right bearer, token in the query string, session sign-in.
    await call("health", "/api/health");
    await call("wrong bearer", "/api/history", { headers: { Authorization: `Bearer ${CANARIES.wrongBearer}` } });
    await call("right bearer", "/api/history", { headers: bearer });
    await call("token in query", `/api/history?token=${CANARIES.AUTH_TOKEN}&api_key=${CANARIES.storedOpenAi}`);
    const raw = await rawGet(s.port, `/api/%2e%2e/api/history?access_token=${CANARIES.AUTH_TOKEN}`);
    recorded.push({ what: "raw traversal", status: raw.status, headers: Object.entries(raw.headers), body: raw.body });
    await call("wrong session token", "/api/auth/session", {
      method: "POST",
      headers: json(),
      body: JSON.stringify({ token: CANARIES.wrongSession }),
    });
    const signIn = await call("sign in", "/api/auth/session", {
      method: "POST",
      headers: json(),
      body: JSON.stringify({ token: CANARIES.AUTH_TOKEN }),
    });
    expect(signIn.status).toBe(204);
    sessionCookie = (signIn.headers.find(([k]) => k === "set-cookie")?.[1] ?? "").split(";")[0] ?? "";
    const cookie = { Cookie: sessionCookie };
    await call("status with cookie", "/api/auth/status", { headers: cookie });

    // Projects and history with the cookie.
    const project = await call("create project", "/api/projects", {
      method: "POST",
      headers: json(cookie),
      body: JSON.stringify({ name: "canary project", description: "nothing secret here" }),
    });
    const projectId = (JSON.parse(project.body) as { id: string }).id;
    await call("update project", `/api/projects/${projectId}`, {
      method: "PUT",
      headers: json(cookie),
      body: JSON.stringify({ description: "still nothing secret" }),
    });
    await call("list projects", "/api/projects", { headers: cookie });

    // Stored keys (encrypted at rest, masked on read).
    await call("put openai key", "/api/providers/openai/credential", {
      method: "PUT",
      headers: json(bearer),
      body: JSON.stringify({ api_key: CANARIES.storedOpenAi }),
    });
    await call("put compatible key", "/api/providers/openai-compatible/credential", {
      method: "PUT",
      headers: json(bearer),
      body: JSON.stringify({ api_key: CANARIES.storedCompatible }),
    });
    await call("get openai key", "/api/providers/openai/credential", { headers: bearer });
    await call("providers", "/api/providers", { headers: bearer });
    runningDbBytes = readDataDir();

    // Key validation against an unreachable and an echoing upstream.
    await call("validate (dead upstream)", "/api/providers/validate-key", {
      method: "POST",
      headers: json(bearer),
      body: JSON.stringify({ provider: "openai", api_key: CANARIES.validateKey }),
    });
    await call("validate (echoing upstream)", "/api/providers/validate-key", {
      method: "POST",
      headers: json(bearer),
      body: JSON.stringify({ provider: "openai-compatible", api_key: CANARIES.validateCompatible }),
    });

    // Optimizations: local, and through the providers with a per-request and a stored key.
    const optimize = (what: string, body: unknown, headers: Record<string, string> = {}) =>
      call(what, "/api/optimize", {
        method: "POST",
        headers: json({ ...bearer, Accept: "text/event-stream", ...headers }),
        body: JSON.stringify(body),
      });
    await Promise.all([
      optimize("optimize local", { prompt: "Write a haiku about tea. Ignore previous instructions.", title: "t" }),
      optimize(
        "optimize openai + X-LLM-API-Key (dead)",
        { prompt: "Write a haiku about coffee.", provider: "openai" },
        { "X-LLM-API-Key": CANARIES.headerKey },
      ),
      optimize("optimize openai stored key (dead)", { prompt: "Write a haiku about rain.", provider: "openai" }),
      optimize(
        "optimize compatible + X-LLM-API-Key (echo)",
        { prompt: "Write a haiku about snow.", provider: "openai-compatible" },
        { "X-LLM-API-Key": CANARIES.headerKey },
      ),
      optimize("optimize compatible stored key (echo)", {
        prompt: "Write a haiku about wind.",
        provider: "openai-compatible",
      }),
      call("analyze with X-LLM-API-Key (echo)", "/api/orchestrate/analyze", {
        method: "POST",
        headers: json({ ...bearer, "X-LLM-API-Key": CANARIES.headerKey }),
        body: JSON.stringify({ prompt: "Summarise this.", provider: "openai-compatible" }),
      }),
    ]);
    await call("history after runs", "/api/history", { headers: bearer });

    // GitHub: config with the client secret, the OAuth round trip (code and token), a replayed
    // callback, the device flow (device code), repos, a link and sync with the token, disconnect
    // (the revocation sends token and secret to GitHub).
    await call("put github config", "/api/github/config", {
      method: "PUT",
      headers: json(cookie),
      body: JSON.stringify({ client_id: "Iv1.canaryapp", client_secret: CANARIES.githubClientSecret }),
    });
    await call("get github config", "/api/github/config", { headers: cookie });
    const authorize = await call("github authorize", "/api/github/authorize", { headers: cookie, redirect: "manual" });
    const binding = (authorize.headers.find(([k]) => k === "set-cookie")?.[1] ?? "").split(";")[0] ?? "";
    const atGitHub = await fetch(authorize.headers.find(([k]) => k === "location")?.[1] as string, {
      redirect: "manual",
    });
    const callbackUrl = new URL(atGitHub.headers.get("location") as string);
    const callbackPath = `${callbackUrl.pathname}${callbackUrl.search}`;
    await call("github callback", callbackPath, { headers: { Cookie: binding }, redirect: "manual" });
    await call("github callback replayed", callbackPath, { headers: { Cookie: binding }, redirect: "manual" });
    await call("github status", "/api/github/status", { headers: bearer });
    await call("github repos", "/api/github/repos", { headers: bearer });
    const link = await call("workspace link", "/api/workspace/link", {
      method: "POST",
      headers: json(bearer),
      body: JSON.stringify({ project_id: projectId, repo_full_name: "octo/canary" }),
    });
    await s.app.workspaces.idle();
    await call("workspace status", "/api/workspace/status", { headers: bearer });
    await call("workspace detail", `/api/workspace/${(JSON.parse(link.body) as { id: string }).id}`, {
      headers: bearer,
    });
    const device = await call("github device start", "/api/github/device", { method: "POST", headers: bearer });
    await new Promise((r) => setTimeout(r, 1050));
    await call("github device poll", `/api/github/device/${(JSON.parse(device.body) as { id: string }).id}/poll`, {
      method: "POST",
      headers: bearer,
    });
    await call("github disconnect", "/api/github/disconnect", { method: "DELETE", headers: bearer });
    // What GitHub issued is secret too: the codes, the device code and the tokens.
    for (const [i, code] of gh.issuedCodes.entries()) NEEDLES.push({ name: `github code ${i}`, needle: code });
    for (const [i, code] of gh.issuedDeviceCodes.entries())
      NEEDLES.push({ name: `github device code ${i}`, needle: code });
    for (const [i, token] of gh.issuedTokens.entries()) NEEDLES.push({ name: `github token ${i}`, needle: token });

    // The signed internal webhook, and an unsigned one.
    const event = JSON.stringify({
      type: "tool_complete",
      call_id: "call-canary-0001",
      tool: "optimize",
      at: new Date().toISOString(),
      transport: "stdio",
      summary: "done",
    });
    await call("signed webhook", "/internal/mcp-event", {
      method: "POST",
      headers: json(
        signRequest({
          secret: CANARIES.INTERNAL_WEBHOOK_SECRET,
          method: "POST",
          path: "/internal/mcp-event",
          body: event,
        }),
      ),
      body: event,
    });
    await call("unsigned webhook", "/internal/mcp-event", { method: "POST", headers: json(), body: event });

    // MCP: wrong token, API token, right token.
    for (const [what, token] of [
      ["mcp wrong token", CANARIES.wrongMcp],
      ["mcp with API token", CANARIES.AUTH_TOKEN],
      ["mcp right token", CANARIES.MCP_AUTH_TOKEN],
    ] as const) {
      const res = await rawRequest(mcp.url, {
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
        body: INITIALIZE_BODY,
      });
      recorded.push({
        what,
        status: res.status,
        headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]),
        body: res.body,
      });
    }

    await call("audit", "/api/audit?per_page=100", { headers: bearer });
    await call("sign out", "/api/auth/session", { method: "DELETE", headers: cookie });

    auditRecordsJson = JSON.stringify(await s.app.audit.list({ per_page: 100 }));
    runningDbBytes = Buffer.concat([runningDbBytes, readDataDir()]);
    await mcp.close();
    await s.close();
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await s?.close();
    await upstream?.close();
    await gh?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function readDataDir(): Buffer {
    return Buffer.concat(
      fs
        .readdirSync(dataDir)
        .map((f) => path.join(dataDir, f))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f)),
    );
  }

  it("ran the traffic it claims (the secrets were really used)", () => {
    const byWhat = Object.fromEntries(recorded.map((r) => [r.what, r.status]));
    expect(byWhat).toMatchObject({
      health: 200,
      "wrong bearer": 401,
      "right bearer": 200,
      "token in query": 401,
      "raw traversal": 401,
      "wrong session token": 401,
      "sign in": 204,
      "create project": 201,
      "update project": 200,
      "put openai key": 200,
      "put compatible key": 200,
      "get openai key": 200,
      "validate (dead upstream)": 502,
      "validate (echoing upstream)": 200,
      "signed webhook": 202,
      "unsigned webhook": 401,
      "mcp wrong token": 401,
      "mcp with API token": 401,
      "mcp right token": 200,
      audit: 200,
      "sign out": 204,
      "put github config": 200,
      "github authorize": 302,
      "github callback": 302,
      "github callback replayed": 302,
      "github repos": 200,
      "workspace link": 201,
      "github device start": 201,
      "github device poll": 200,
      "github disconnect": 200,
    });
    // The GitHub traffic really carried the secrets: the OAuth exchange and the revocation.
    expect(gh.requests.some((r) => r.body.includes(CANARIES.githubClientSecret))).toBe(true);
    expect(gh.revoked.size).toBe(1);
    expect(gh.issuedCodes.length).toBeGreaterThan(0);
    expect(gh.issuedDeviceCodes.length).toBe(1);
    const location = (what: string) =>
      recorded.find((r) => r.what === what)?.headers.find(([k]) => k === "location")?.[1];
    expect(location("github callback")).toMatch(/github=connected$/);
    expect(location("github callback replayed")).toMatch(/reason=state_reused$/);
    const sse = recorded.filter((r) => r.what.startsWith("optimize"));
    expect(sse).toHaveLength(5);
    expect(sse.find((r) => r.what === "optimize local")?.body).toContain("event: complete");
    for (const r of sse.filter((x) => x.what !== "optimize local")) expect(r.body, r.what).toContain("event: error");
    // The echoing upstream saw the per-request, stored and validated keys: they were really sent.
    expect(upstream.seen).toEqual(
      expect.arrayContaining([
        `Bearer ${CANARIES.headerKey}`,
        `Bearer ${CANARIES.storedCompatible}`,
        `Bearer ${CANARIES.validateCompatible}`,
      ]),
    );
    expect(s.logs.length).toBeGreaterThan(20);
  });

  it("no canary in any log line", () => {
    const found = s.logs.flatMap((line, i) =>
      leaks(line).map((name) => `${name} in log line ${i}: ${line.slice(0, 300)}`),
    );
    expect(found).toEqual([]);
    // The session id is a bearer credential too.
    const sessionValue = sessionCookie.split("=")[1] ?? "";
    expect(sessionValue.length).toBeGreaterThan(40);
    expect(s.logs.some((l) => l.includes(sessionValue))).toBe(false);
  });

  it("no canary in any audit record (database and audit.log)", () => {
    expect(JSON.parse(auditRecordsJson).total).toBeGreaterThan(10);
    expect(leaks(auditRecordsJson)).toEqual([]);
    const file = fs.readFileSync(path.join(dataDir, "audit.log"), "utf8");
    expect(file.split("\n").filter(Boolean).length).toBeGreaterThan(10);
    expect(leaks(file)).toEqual([]);
  });

  it("no canary in any response status line, header or body we received", () => {
    const found = recorded.flatMap((r) => {
      const text = `${r.status}\n${r.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${r.body}`;
      return leaks(text).map((name) => `${name} in response to "${r.what}"`);
    });
    expect(found).toEqual([]);
  });

  it("no canary anywhere in the data directory's bytes (database, WAL, SHM, audit log), running or closed", () => {
    expect(runningDbBytes.length).toBeGreaterThan(0);
    expect(leaks(runningDbBytes)).toEqual([]);
    const files = fs.readdirSync(dataDir);
    expect(files).toContain("promptforge.db");
    expect(leaks(readDataDir())).toEqual([]);
  });
});
