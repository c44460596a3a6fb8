// Fake GitHub on loopback speaking the REST and OAuth endpoints PromptForge uses, with GitHub's own
// shapes: /login/oauth/authorize (redirects back with code + state), /login/oauth/access_token
// (authorization code and device grant: authorization_pending, slow_down, expired_token),
// /login/device/code, /user (X-OAuth-Scopes), /user/repos (Link pagination), /repos/{o}/{r},
// git trees, contents (base64), rate-limit headers, 401 for a revoked token, and
// DELETE /applications/{client_id}/token. Both base URLs point at this one server.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRepoFile {
  path: string;
  content: string | Buffer;
}

export interface FakeRepo {
  full_name: string;
  default_branch?: string;
  private?: boolean;
  description?: string | null;
  files?: FakeRepoFile[];
}

export interface FakeGitHubOptions {
  clientId: string;
  clientSecret: string;
  repos?: FakeRepo[];
  login?: string;
  scopes?: string;
  /** Requests allowed per token before the rate limit is exhausted; default unlimited. */
  rateLimit?: number;
}

export interface DeviceScript {
  /** Poll answers before the token is granted, in order: "pending" | "slow_down" | "expired" | "denied". */
  steps: Array<"pending" | "slow_down" | "expired" | "denied">;
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  time: number;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedGitHubRequest[];
  /** Codes issued by /login/oauth/authorize (each usable once). */
  issuedCodes: string[];
  /** Tokens ever issued. */
  issuedTokens: string[];
  /** Device codes ever issued (secret between client and GitHub, like a token). */
  issuedDeviceCodes: string[];
  /** Tokens revoked through the revocation endpoint or `revoke`. */
  revoked: Set<string>;
  /** Makes GitHub treat a token as revoked (next API call answers 401). */
  revoke(token: string): void;
  /** Scripts the next device flow's poll answers. */
  scriptDevice(script: DeviceScript): void;
  /** Remaining calls before the rate limit (per token); undefined = unlimited. */
  setRateLimit(remaining: number | undefined): void;
  /** Delays every REST API answer by this many ms (0 = none). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

const PER_PAGE_DEFAULT = 30;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const requests: RecordedGitHubRequest[] = [];
  const issuedCodes: string[] = [];
  const usedCodes = new Set<string>();
  const issuedTokens: string[] = [];
  const issuedDeviceCodes: string[] = [];
  const revoked = new Set<string>();
  const codeRedirect = new Map<string, string>();
  const devices = new Map<string, { steps: DeviceScript["steps"]; interval: number; lastPoll: number }>();
  let nextScript: DeviceScript = { steps: ["pending"] };
  let rateRemaining: number | undefined = options.rateLimit;
  let counter = 0;
  let delayMs = 0;
  const repos = options.repos ?? [];
  const login = options.login ?? "octocat";
  const scopes = options.scopes ?? "repo, read:user";

  const issueToken = () => {
    const token = `gho_fake${(++counter).toString().padStart(4, "0")}${Math.random().toString(36).slice(2, 12)}`;
    issuedTokens.push(token);
    return token;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://fake");
      requests.push({
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body,
        time: Date.now(),
      });
      const form = new URLSearchParams(body);
      const path = url.pathname;

      // ── OAuth (github.com) ────────────────────────────────────────────────────────────────
      if (req.method === "GET" && path === "/login/oauth/authorize") {
        if (url.searchParams.get("client_id") !== options.clientId) return send(res, 404, { error: "unknown client" });
        const code = `code_${(++counter).toString(36)}${Math.random().toString(36).slice(2, 10)}`;
        issuedCodes.push(code);
        const redirect = new URL(url.searchParams.get("redirect_uri") ?? "http://invalid/");
        codeRedirect.set(code, redirect.toString());
        redirect.searchParams.set("code", code);
        redirect.searchParams.set("state", url.searchParams.get("state") ?? "");
        res.writeHead(302, { Location: redirect.toString() });
        return res.end();
      }
      if (req.method === "POST" && path === "/login/device/code") {
        if (form.get("client_id") !== options.clientId)
          return send(res, 200, { error: "incorrect_client_credentials" });
        const deviceCode = `dev_${(++counter).toString(36)}${Math.random().toString(36).slice(2, 10)}`;
        issuedDeviceCodes.push(deviceCode);
        devices.set(deviceCode, { steps: [...nextScript.steps], interval: 1, lastPoll: 0 });
        return send(res, 200, {
          device_code: deviceCode,
          user_code: `ABCD-${(1000 + counter).toString().slice(-4)}`,
          verification_uri: "https://github.com/login/device",
          expires_in: 900,
          interval: 1,
        });
      }
      if (req.method === "POST" && path === "/login/oauth/access_token") {
        if ((req.headers.accept ?? "") !== "application/json") return send(res, 406, { error: "accept json" });
        if (form.get("client_id") !== options.clientId)
          return send(res, 200, { error: "incorrect_client_credentials" });
        const grant = form.get("grant_type");
        if (grant === "urn:ietf:params:oauth:grant-type:device_code") {
          const device = devices.get(form.get("device_code") ?? "");
          if (!device) return send(res, 200, { error: "bad_verification_code" });
          const now = Date.now();
          const tooSoon = device.lastPoll > 0 && now - device.lastPoll < device.interval * 1000 - 150;
          device.lastPoll = now;
          if (tooSoon) {
            device.interval += 5;
            return send(res, 200, { error: "slow_down", interval: device.interval });
          }
          const step = device.steps.shift();
          if (step === "pending") return send(res, 200, { error: "authorization_pending" });
          if (step === "slow_down") {
            device.interval += 1;
            return send(res, 200, { error: "slow_down", interval: device.interval });
          }
          if (step === "expired") return send(res, 200, { error: "expired_token" });
          if (step === "denied") return send(res, 200, { error: "access_denied" });
          devices.delete(form.get("device_code") ?? "");
          return send(res, 200, { access_token: issueToken(), token_type: "bearer", scope: "repo,read:user" });
        }
        if (form.get("client_secret") !== options.clientSecret) {
          return send(res, 200, { error: "incorrect_client_credentials" });
        }
        const code = form.get("code") ?? "";
        if (!issuedCodes.includes(code) || usedCodes.has(code))
          return send(res, 200, { error: "bad_verification_code" });
        const expected = codeRedirect.get(code);
        if (expected && form.get("redirect_uri") && expected !== form.get("redirect_uri")) {
          return send(res, 200, { error: "redirect_uri_mismatch" });
        }
        usedCodes.add(code);
        return send(res, 200, { access_token: issueToken(), token_type: "bearer", scope: "repo,read:user" });
      }

      // ── Token revocation (api.github.com, Basic auth with the app's credentials) ──────────
      const revokeMatch = /^\/applications\/([^/]+)\/token$/.exec(path);
      if (req.method === "DELETE" && revokeMatch) {
        const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
        if (req.headers.authorization !== expected || decodeURIComponent(revokeMatch[1] ?? "") !== options.clientId) {
          return send(res, 404, { message: "Not Found" });
        }
        let token = "";
        try {
          token = String((JSON.parse(body) as { access_token?: string }).access_token ?? "");
        } catch {
          return send(res, 422, { message: "Invalid request" });
        }
        if (!issuedTokens.includes(token)) return send(res, 404, { message: "Not Found" });
        revoked.add(token);
        res.writeHead(204);
        return res.end();
      }

      // ── REST API (bearer token) ─────────────────────────────────────────────────────────────
      if (delayMs > 0 && !path.startsWith("/login/")) {
        setTimeout(() => rest(), delayMs);
        return;
      }
      rest();
      function rest() {
        const auth = req.headers.authorization ?? "";
        const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
        if (!issuedTokens.includes(token) || revoked.has(token)) {
          return send(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
        }
        const reset = Math.floor(Date.now() / 1000) + 3600;
        if (rateRemaining !== undefined && rateRemaining <= 0) {
          return send(
            res,
            403,
            { message: "API rate limit exceeded for user." },
            { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
          );
        }
        if (rateRemaining !== undefined) rateRemaining--;
        const rate = {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": String(rateRemaining ?? 4999),
          "x-ratelimit-reset": String(reset),
        };

        if (req.method === "GET" && path === "/user") {
          return send(
            res,
            200,
            {
              login,
              id: 1,
              name: "The Octocat",
              avatar_url: "https://avatars.example/u/1",
              html_url: `https://github.com/${login}`,
            },
            { ...rate, "x-oauth-scopes": scopes },
          );
        }
        if (req.method === "GET" && path === "/user/repos") {
          const perPage = Math.min(
            100,
            Number(url.searchParams.get("per_page") ?? PER_PAGE_DEFAULT) || PER_PAGE_DEFAULT,
          );
          const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
          const last = Math.max(1, Math.ceil(repos.length / perPage));
          const slice = repos.slice((page - 1) * perPage, page * perPage);
          const base = `http://${req.headers.host}/user/repos?per_page=${perPage}`;
          const links: string[] = [];
          if (page < last) links.push(`<${base}&page=${page + 1}>; rel="next"`, `<${base}&page=${last}>; rel="last"`);
          if (page > 1) links.push(`<${base}&page=1>; rel="first"`, `<${base}&page=${page - 1}>; rel="prev"`);
          return send(
            res,
            200,
            slice.map((r, i) => ({
              id: i + 1,
              name: r.full_name.split("/")[1],
              full_name: r.full_name,
              owner: { login: r.full_name.split("/")[0] },
              private: r.private ?? false,
              description: r.description ?? null,
              default_branch: r.default_branch ?? "main",
              html_url: `https://github.com/${r.full_name}`,
              language: null,
              updated_at: "2026-01-01T00:00:00Z",
            })),
            links.length > 0 ? { ...rate, link: links.join(", ") } : rate,
          );
        }
        const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
        if (req.method === "GET" && repoMatch) {
          const fullName = `${decodeURIComponent(repoMatch[1] ?? "")}/${decodeURIComponent(repoMatch[2] ?? "")}`;
          const repo = repos.find((r) => r.full_name.toLowerCase() === fullName.toLowerCase());
          if (!repo) return send(res, 404, { message: "Not Found" }, rate);
          const rest = repoMatch[3] ?? "";
          const files = repo.files ?? [];
          const branch = repo.default_branch ?? "main";
          if (rest === "") return send(res, 200, { full_name: repo.full_name, default_branch: branch }, rate);
          if (rest.startsWith("/git/trees/")) {
            if (decodeURIComponent(rest.slice("/git/trees/".length)) !== branch)
              return send(res, 404, { message: "Not Found" }, rate);
            const dirs = new Set<string>();
            for (const f of files) {
              const parts = f.path.split("/");
              for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
            }
            return send(
              res,
              200,
              {
                sha: "0".repeat(40),
                tree: [
                  ...[...dirs].map((d) => ({ path: d, type: "tree", mode: "040000", sha: "1".repeat(40) })),
                  ...files.map((f) => ({
                    path: f.path,
                    type: "blob",
                    mode: "100644",
                    sha: "2".repeat(40),
                    size: Buffer.byteLength(f.content),
                  })),
                ],
                truncated: false,
              },
              rate,
            );
          }
          if (rest.startsWith("/contents/")) {
            const filePath = rest
              .slice("/contents/".length)
              .split("/")
              .map((s) => decodeURIComponent(s))
              .join("/");
            const file = files.find((f) => f.path === filePath);
            if (!file) return send(res, 404, { message: "Not Found" }, rate);
            const bytes = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8");
            return send(
              res,
              200,
              {
                type: "file",
                path: file.path,
                size: bytes.length,
                encoding: "base64",
                // GitHub wraps base64 at 60 columns with newlines.
                content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n"),
              },
              rate,
            );
          }
        }
        send(res, 404, { message: "Not Found" }, rate);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issuedCodes,
    issuedTokens,
    issuedDeviceCodes,
    revoked,
    revoke: (token) => revoked.add(token),
    scriptDevice: (script) => {
      nextScript = script;
    },
    setRateLimit: (remaining) => {
      rateRemaining = remaining;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
