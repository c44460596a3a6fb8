// The GitHub connection through the real HTTP server against the fake GitHub: config with a masked
// secret, the full authorization-code flow, every refused `state` (missing, unknown, reused,
// expired, another browser's) redirected with a reason and audited, the device flow with
// authorization_pending / slow_down / expired_token, repository listing across Link pages and
// search, rate-limit and revoked-token errors, and disconnect with revocation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-server.js";
import { startTestServer, type TestServer } from "../http/server.js";

const CLIENT_ID = "Iv1.fakeclient123";
const CLIENT_SECRET = "fake-client-secret-0123456789abcdef";

let gh: FakeGitHub;
let server: TestServer;

/** Runs authorize → GitHub → back to us; returns the callback URL GitHub sent and our cookie. */
async function authorizeRound(): Promise<{ callback: string; cookie: string }> {
  const res = await server.fetch("/api/github/authorize", { redirect: "manual" });
  expect(res.status).toBe(302);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
  expect(cookie).toMatch(/^pf_github_oauth=.+/);
  const atGitHub = await fetch(res.headers.get("location") as string, { redirect: "manual" });
  expect(atGitHub.status).toBe(302);
  return { callback: atGitHub.headers.get("location") as string, cookie };
}

async function followCallback(url: string, cookie?: string): Promise<URL> {
  const res = await fetch(url, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location") as string);
  // Hash-routed UI: the outcome is in the fragment's query.
  return new URL(location.hash.slice(1), location.origin);
}

beforeAll(async () => {
  gh = await startFakeGitHub({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    repos: Array.from({ length: 75 }, (_, i) => ({
      full_name: `octo/repo-${String(i).padStart(2, "0")}`,
      description: i === 42 ? "The answer service" : null,
    })),
  });
  server = await startTestServer({ env: { GITHUB_API_URL: gh.url, GITHUB_OAUTH_URL: gh.url } });
});

afterAll(async () => {
  await server?.close();
  await gh?.close();
});

describe("GitHub OAuth app config", () => {
  it("is unconfigured at first and authorize says so", async () => {
    const cfg = await server.json("GET", "/api/github/config");
    expect(cfg.body).toMatchObject({ configured: false, client_secret: null });
    expect(cfg.body.callback_url).toBe(`${server.url}/api/github/callback`);
    const res = await server.json("GET", "/api/github/authorize");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("not_configured");
  });

  it("stores the secret encrypted and shows it masked", async () => {
    const put = await server.json("PUT", "/api/github/config", { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      configured: true,
      client_id: CLIENT_ID,
      client_secret: "••••cdef",
      has_client_secret: true,
    });
    expect(JSON.stringify(put.body)).not.toContain(CLIENT_SECRET);
    const row = await server.app.deps.store.db
      .selectFrom("github_oauth_config" as never)
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
  });

  it("refuses a malformed client id with a clear 422", async () => {
    const res = await server.json("PUT", "/api/github/config", {
      client_id: "bad id with spaces",
      client_secret: "x".repeat(20),
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("client_id");
  });
});

describe("authorization-code flow", () => {
  it("connects, then refuses the same state a second time", async () => {
    const { callback, cookie } = await authorizeRound();
    const outcome = await followCallback(callback, cookie);
    expect(outcome.pathname).toBe("/workspace");
    expect(outcome.searchParams.get("github")).toBe("connected");
    const status = await server.json("GET", "/api/github/status");
    expect(status.body).toMatchObject({ configured: true, connected: true, login: "octocat", flow: "oauth" });
    expect(status.body.scopes).toEqual(["repo", "read:user"]);
    expect(Date.parse(status.body.connected_since)).toBeGreaterThan(Date.now() - 60_000);

    const replay = await followCallback(callback, cookie);
    expect(replay.searchParams.get("github")).toBe("error");
    expect(replay.searchParams.get("reason")).toBe("state_reused");
  });

  it("refuses a missing or unknown state", async () => {
    const missing = await followCallback(`${server.url}/api/github/callback?code=abc`);
    expect(missing.searchParams.get("reason")).toBe("missing_state");
    const unknown = await followCallback(`${server.url}/api/github/callback?code=abc&state=forged`);
    expect(unknown.searchParams.get("reason")).toBe("invalid_state");
  });

  it("refuses a state from another browser (no binding cookie)", async () => {
    const { callback } = await authorizeRound();
    const outcome = await followCallback(callback);
    expect(outcome.searchParams.get("reason")).toBe("state_session_mismatch");
  });

  it("refuses an expired state (older than 10 minutes)", async () => {
    const { callback, cookie } = await authorizeRound();
    await server.app.deps.store.db
      .updateTable("github_oauth_state" as never)
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() } as never)
      .execute();
    const outcome = await followCallback(callback, cookie);
    expect(outcome.searchParams.get("reason")).toBe("state_expired");
  });

  it("audits the refused callbacks without the code or state", async () => {
    await new Promise((r) => setTimeout(r, 250)); // audit writes are buffered
    const audit = await server.json("GET", "/api/audit?per_page=100");
    const refused = audit.body.items.filter(
      (e: { path: string; status: number }) => e.path === "/api/github/callback" && e.status === 403,
    );
    expect(refused.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(audit.body);
    for (const code of gh.issuedCodes) expect(text).not.toContain(code);
  });
});

describe("repositories", () => {
  it("follows GitHub's Link pagination", async () => {
    const first = await server.json("GET", "/api/github/repos?per_page=30&page=1");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(30);
    expect(first.body.has_more).toBe(true);
    const last = await server.json("GET", "/api/github/repos?per_page=30&page=3");
    expect(last.body.items.map((r: { full_name: string }) => r.full_name)).toEqual(
      Array.from({ length: 15 }, (_, i) => `octo/repo-${60 + i}`),
    );
    expect(last.body.has_more).toBe(false);
  });

  it("searches across pages by name or description", async () => {
    const byDescription = await server.json("GET", "/api/github/repos?search=answer");
    expect(byDescription.body.items.map((r: { full_name: string }) => r.full_name)).toEqual(["octo/repo-42"]);
    const byName = await server.json("GET", "/api/github/repos?search=repo-7&per_page=3");
    expect(byName.body.total).toBe(5);
    expect(byName.body.items).toHaveLength(3);
    expect(byName.body.has_more).toBe(true);
  });

  it("says clearly when GitHub's rate limit is exhausted", async () => {
    gh.setRateLimit(0);
    try {
      const res = await server.json("GET", "/api/github/repos");
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe("github_rate_limited");
      expect(res.body.error.message).toMatch(/rate limit.*resets at \d{4}-/);
    } finally {
      gh.setRateLimit(undefined);
    }
  });
});

describe("disconnect", () => {
  it("deletes the token and revokes it at GitHub", async () => {
    const token = gh.issuedTokens.at(-1) as string;
    const res = await server.json("DELETE", "/api/github/disconnect");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ disconnected: true, revoked: true });
    expect(gh.revoked.has(token)).toBe(true);
    expect((await server.json("GET", "/api/github/status")).body.connected).toBe(false);
    expect((await server.json("DELETE", "/api/github/disconnect")).status).toBe(404);
  });
});

describe("device flow", () => {
  it("polls through authorization_pending and slow_down to a token", async () => {
    gh.scriptDevice({ steps: ["pending", "slow_down"] });
    const start = await server.json("POST", "/api/github/device");
    expect(start.status).toBe(201);
    expect(start.body.user_code).toMatch(/^[A-Z]{4}-\d{4}$/);
    expect(start.body.verification_uri).toBe("https://github.com/login/device");
    const id = start.body.id as string;
    // Asking before the interval has passed does not reach GitHub.
    const before = gh.requests.filter((r) => r.path === "/login/oauth/access_token").length;
    expect((await server.json("POST", `/api/github/device/${id}/poll`)).body.status).toBe("pending");
    expect(gh.requests.filter((r) => r.path === "/login/oauth/access_token").length).toBe(before);

    let interval = start.body.interval as number;
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, interval * 1000 + 50));
      const poll = await server.json("POST", `/api/github/device/${id}/poll`);
      seen.push(`${poll.body.status}/${poll.body.interval}`);
      interval = poll.body.interval;
      if (poll.body.status === "authorized") {
        expect(poll.body.login).toBe("octocat");
        break;
      }
    }
    expect(seen[0]).toBe("pending/1");
    // slow_down raised the interval (by 5 s, as RFC 8628 says), so the next poll waited.
    expect(seen[1]).toBe("pending/6");
    expect(seen.at(-1)).toBe("authorized/6");
    expect((await server.json("GET", "/api/github/status")).body).toMatchObject({ connected: true, flow: "device" });
  }, 20_000);

  it("reports an expired device code", async () => {
    gh.scriptDevice({ steps: ["expired"] });
    const start = await server.json("POST", "/api/github/device");
    await new Promise((r) => setTimeout(r, 1100));
    const poll = await server.json("POST", `/api/github/device/${start.body.id}/poll`);
    expect(poll.body.status).toBe("expired");
    expect((await server.json("POST", "/api/github/device/nope/poll")).status).toBe(404);
  });

  it("a token GitHub revoked gives a clear error and drops the connection", async () => {
    gh.revoke(gh.issuedTokens.at(-1) as string);
    const res = await server.json("GET", "/api/github/repos");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("github_unauthorized");
    expect(res.body.error.message).toMatch(/revoked or expired/);
    expect((await server.json("GET", "/api/github/status")).body.connected).toBe(false);
  });
});
