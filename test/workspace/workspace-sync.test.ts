// Workspace links through the real HTTP server: a local folder inside WORKSPACE_ROOTS and a GitHub
// repository on the fake GitHub are linked, synced in the background (events on the bus), and
// their context reaches the next optimization of the project (record snapshot with per-field
// sources, and the local engine's Context section). Also: failure keeps the previous context,
// cancel, staleness, unlink, and the three-layer merge (request beats project beats workspace).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkspaceEvent } from "../../src/usecases/workspace.js";
import { type FakeGitHub, startFakeGitHub } from "../fakes/github-server.js";
import { postSse } from "../helpers/sse.js";
import { startTestServer, type TestServer } from "../http/server.js";

const CLIENT_ID = "Iv1.syncclient";
const CLIENT_SECRET = "sync-client-secret-abcdef0123";

const NODE_APP: Record<string, string> = {
  "package.json": JSON.stringify({
    name: "shop-api",
    type: "module",
    scripts: { test: "vitest run" },
    dependencies: { hono: "^4.6.0" },
    devDependencies: { typescript: "^5.6.0", vitest: "^2.1.0", "@biomejs/biome": "^1.9.0" },
  }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext" } }),
  "biome.json": JSON.stringify({ formatter: { indentStyle: "space", lineWidth: 100 } }),
  "README.md": "# Shop API\n\nA small HTTP API for the shop's orders and invoices.\n",
  "AGENTS.md": "# Agents\n\n- Run `npm test` before every commit.\n- Never edit generated files under src/gen.\n",
  "src/index.ts": "export const app = 1;\n".repeat(40),
  "src/routes/orders.ts": "export function orders() { return []; }\n".repeat(20),
  "test/orders.test.ts": "import { it } from 'vitest';\nit('works', () => {});\n",
};

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

let base: string;
let root: string;
let outside: string;
let gh: FakeGitHub;
let server: TestServer;
let projectId: string;
const events: WorkspaceEvent[] = [];

async function waitForStatus(id: string, wanted: string[], timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.json("GET", "/api/workspace/status");
    const link = res.body.items.find((l: { id: string }) => l.id === id);
    if (link && wanted.includes(link.sync_status)) return link;
    if (Date.now() > until) throw new Error(`link ${id} stayed ${link?.sync_status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function optimize(body: Record<string, unknown>) {
  const { events: frames } = await postSse(`${server.url}/api/optimize`, body);
  const complete = frames.find((f) => f.event === "complete");
  if (!complete) throw new Error(`no complete event: ${JSON.stringify(frames.at(-1))}`);
  return complete.data as {
    id: string;
    optimized_prompt: string;
    codebase_context: Record<string, unknown> | null;
    codebase_context_sources: Record<string, { layer: string; source: string }> | null;
  };
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "pf-ws-"));
  root = path.join(base, "root");
  outside = path.join(base, "outside");
  writeTree(path.join(root, "shop"), NODE_APP);
  writeTree(outside, { "secret.md": "OUTSIDE-CANARY-7731 must never be read" });
  // Hostile content inside the linked folder: a symlink escaping it, a device, a FIFO, a huge file
  // and a binary file.
  fs.symlinkSync(path.join(outside, "secret.md"), path.join(root, "shop", "notes.md"));
  fs.symlinkSync("/dev/zero", path.join(root, "shop", "zero"));
  try {
    execFileSync("mkfifo", [path.join(root, "shop", "pipe")]);
  } catch {
    // no mkfifo: the other hostile entries still run
  }
  fs.writeFileSync(path.join(root, "shop", "huge.json"), `"${"x".repeat(200_000)}"`);
  fs.writeFileSync(path.join(root, "shop", "src", "logo.dat"), Buffer.from([0x89, 0x50, 0x00, 0x00, 0x1a, 0x0a]));
  fs.symlinkSync(outside, path.join(root, "escape"));

  gh = await startFakeGitHub({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    repos: [
      {
        full_name: "octo/pyservice",
        files: [
          {
            path: "pyproject.toml",
            content:
              '[project]\nname = "pyservice"\ndependencies = ["fastapi>=0.110"]\n\n[tool.ruff]\nline-length = 88\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
          },
          { path: "README.md", content: "# pyservice\n\nA FastAPI service that prices shipments.\n" },
          { path: "src/pyservice/__init__.py", content: "VERSION = '1'\n".repeat(50) },
          { path: "tests/test_price.py", content: "def test_price():\n    assert True\n" },
        ],
      },
    ],
  });
  server = await startTestServer({
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_OAUTH_URL: gh.url,
      WORKSPACE_ROOTS: root,
      WORKSPACE_MAX_FILE_BYTES: "65536",
    },
  });
  server.app.workspaceEvents.subscribe((entry) => events.push(entry.event));
  const project = await server.json("POST", "/api/projects", { name: "Shop" });
  projectId = project.body.id;
});

afterAll(async () => {
  await server?.close();
  await gh?.close();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe("local folder", () => {
  let linkId: string;

  it("links a folder inside WORKSPACE_ROOTS and syncs it in the background", async () => {
    const res = await server.json("POST", "/api/workspace/link", {
      project_id: projectId,
      local_path: path.join(root, "shop"),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ project_id: projectId, kind: "local", sync_status: "syncing" });
    linkId = res.body.id;
    const link = await waitForStatus(linkId, ["synced", "error"]);
    expect(link.error).toBeNull();
    expect(link.sync_status).toBe("synced");
    expect(link.completeness).toBeGreaterThan(0.3);
    expect(Date.parse(link.last_synced_at)).toBeGreaterThan(Date.now() - 60_000);
    const kinds = events.filter((e) => e.link_id === linkId).map((e) => e.status);
    expect(kinds[0]).toBe("started");
    expect(kinds).toContain("progress");
    expect(kinds.at(-1)).toBe("completed");
  });

  it("extracts fields with their sources and a tree without the hostile entries", async () => {
    const detail = await server.json("GET", `/api/workspace/${linkId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.context.language.value).toMatch(/TypeScript/);
    expect(detail.body.context.test_framework.value).toMatch(/vitest/i);
    expect(detail.body.context.test_framework.source).toContain("package.json");
    const tree: string[] = detail.body.tree;
    expect(tree).toContain("package.json");
    expect(tree).toContain("src/index.ts");
    for (const hostile of ["notes.md", "zero", "pipe", "huge.json"]) expect(tree).not.toContain(hostile);
    expect(JSON.stringify(detail.body)).not.toContain("OUTSIDE-CANARY");
  });

  it("puts the context on the next optimization, with sources, and the local engine renders it", async () => {
    const record = await optimize({ prompt: "Write a function that lists the open orders.", project_id: projectId });
    expect(record.codebase_context?.language).toMatch(/TypeScript/);
    expect(record.codebase_context_sources?.language).toMatchObject({ layer: "workspace" });
    expect(record.codebase_context_sources?.language?.source).toContain(
      `local:${fs.realpathSync(path.join(root, "shop"))}`,
    );
    expect(record.optimized_prompt).toContain("<codebase_context>");
    expect(record.optimized_prompt).toMatch(/Language: .*TypeScript/);
    const stored = await server.json("GET", `/api/optimize/${record.id}`);
    expect(stored.body.codebase_context_sources.language.layer).toBe("workspace");
  });

  it("merges three layers: the project profile beats the workspace, the request beats both", async () => {
    await server.json("PUT", `/api/projects/${projectId}`, {
      context_profile: { framework: "Hono 4 (profile)", description: "From the profile" },
    });
    const record = await optimize({
      prompt: "Write a function that lists the open orders.",
      project_id: projectId,
      codebase_context: { description: "From the request" },
    });
    expect(record.codebase_context).toMatchObject({ framework: "Hono 4 (profile)", description: "From the request" });
    expect(record.codebase_context?.language).toMatch(/TypeScript/);
    expect(record.codebase_context_sources).toMatchObject({
      framework: { layer: "project" },
      description: { layer: "request" },
      language: { layer: "workspace" },
    });
    const inspector = await server.json("GET", `/api/workspace/context?project_id=${projectId}`);
    expect(inspector.body.sources.framework.layer).toBe("project");
    expect(inspector.body.sources.language.layer).toBe("workspace");
    expect(inspector.body.completeness).toBeGreaterThan(0.3);
    await server.json("PUT", `/api/projects/${projectId}`, { context_profile: null });
  });

  it("refuses a second link of the project to the same folder", async () => {
    const again = await server.json("POST", "/api/workspace/link", {
      project_id: projectId,
      local_path: path.join(root, "shop"),
    });
    expect(again.status).toBe(409);
  });

  it("a failed sync keeps the previous context in place", async () => {
    fs.renameSync(path.join(root, "shop"), path.join(root, "shop-moved"));
    try {
      const res = await server.json("POST", `/api/workspace/${linkId}/sync`);
      expect(res.status).toBe(202);
      const link = await waitForStatus(linkId, ["error"]);
      expect(link.error).toMatch(/does not exist/);
      const detail = await server.json("GET", `/api/workspace/${linkId}`);
      expect(detail.body.context.language.value).toMatch(/TypeScript/);
      const record = await optimize({ prompt: "Write a function that lists the open orders.", project_id: projectId });
      expect(record.codebase_context?.language).toMatch(/TypeScript/);
    } finally {
      fs.renameSync(path.join(root, "shop-moved"), path.join(root, "shop"));
    }
  });

  it("reports stale after 24 hours", async () => {
    await server.json("POST", `/api/workspace/${linkId}/sync`);
    await waitForStatus(linkId, ["synced"]);
    await server.app.deps.store.db
      .updateTable("workspace_link" as never)
      .set({ last_synced_at: new Date(Date.now() - 25 * 3600_000).toISOString() } as never)
      .execute();
    const link = await waitForStatus(linkId, ["stale"]);
    expect(link.completeness).toBeGreaterThan(0);
  });
});

describe("local folder: hostile paths", () => {
  const link = (local_path: string) =>
    server.json("POST", "/api/workspace/link", { project_id: projectId, local_path });

  it("refuses traversal, a folder outside the roots and a symlink escaping them", async () => {
    const traversal = await link(`${root}/shop/../../outside`);
    expect(traversal.status).toBe(422);
    expect(traversal.body.error.message).toMatch(/\.\./);
    const out = await link(outside);
    expect(out.status).toBe(403);
    expect(out.body.error.message).toMatch(/outside every WORKSPACE_ROOTS/);
    const viaSymlink = await link(path.join(root, "escape"));
    expect(viaSymlink.status).toBe(403);
    const etc = await link("/etc");
    expect(etc.status).toBe(403);
    const missing = await link(path.join(root, "nope"));
    expect(missing.status).toBe(404);
    const file = await link(path.join(root, "shop", "README.md"));
    expect(file.status).toBe(422);
    const nul = await link(`${root}/shop\u0000x`);
    expect(nul.status).toBe(422);
  });

  it("refuses a body with both or neither target", async () => {
    expect((await server.json("POST", "/api/workspace/link", { project_id: projectId })).status).toBe(422);
    const both = await server.json("POST", "/api/workspace/link", {
      project_id: projectId,
      local_path: root,
      repo_full_name: "a/b",
    });
    expect(both.status).toBe(422);
    expect((await server.json("POST", "/api/workspace/link", { project_id: "nope", local_path: root })).status).toBe(
      404,
    );
  });
});

describe("GitHub repository", () => {
  let linkId: string;

  beforeAll(async () => {
    await server.json("PUT", "/api/github/config", { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const res = await server.fetch("/api/github/authorize", { redirect: "manual" });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const atGitHub = await fetch(res.headers.get("location") as string, { redirect: "manual" });
    await fetch(atGitHub.headers.get("location") as string, { redirect: "manual", headers: { Cookie: cookie } });
    expect((await server.json("GET", "/api/github/status")).body.connected).toBe(true);
  });

  it("refuses odd repository names and unknown repositories", async () => {
    for (const name of ["../etc", "octo/../../x", "octo/a b", "octo", "octo/repo/extra", "-octo/x", "octo/%2e%2e"]) {
      const res = await server.json("POST", "/api/workspace/link", { project_id: projectId, repo_full_name: name });
      expect(res.status, name).toBe(422);
    }
    const unknown = await server.json("POST", "/api/workspace/link", {
      project_id: projectId,
      repo_full_name: "octo/nothing",
    });
    expect(unknown.status).toBe(404);
  });

  it("links and syncs through the trees and contents API", async () => {
    const project = await server.json("POST", "/api/projects", { name: "Pricing" });
    const res = await server.json("POST", "/api/workspace/link", {
      project_id: project.body.id,
      repo_full_name: "octo/pyservice",
    });
    expect(res.status).toBe(201);
    linkId = res.body.id;
    const link = await waitForStatus(linkId, ["synced", "error"]);
    expect(link.error).toBeNull();
    const detail = await server.json("GET", `/api/workspace/${linkId}`);
    expect(detail.body.context.language.value).toMatch(/Python/);
    expect(detail.body.context.test_framework.value).toMatch(/pytest/);
    expect(detail.body.tree).toEqual(
      expect.arrayContaining(["pyproject.toml", "README.md", "src/pyservice/__init__.py", "tests/test_price.py"]),
    );
    expect(gh.requests.some((r) => r.path.includes("/git/trees/main?recursive=1"))).toBe(true);
    expect(gh.requests.some((r) => r.path.startsWith("/repos/octo/pyservice/contents/pyproject.toml"))).toBe(true);
    const record = await optimize({
      prompt: "Add an endpoint that returns a shipment's price.",
      project_id: project.body.id,
    });
    expect(record.codebase_context_sources?.language?.source).toContain("github:octo/pyservice");
    expect(record.optimized_prompt).toMatch(/Language: .*Python/);
  });

  it("cancels a running sync and keeps the previous context", async () => {
    gh.setDelay(300);
    try {
      const started = await server.json("POST", `/api/workspace/${linkId}/sync`);
      expect(started.status).toBe(202);
      expect((await server.json("POST", `/api/workspace/${linkId}/sync`)).status).toBe(409);
      const cancelled = await server.json("POST", `/api/workspace/${linkId}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ sync_status: "error", error: "cancelled" });
      expect(events.some((e) => e.link_id === linkId && e.status === "cancelled")).toBe(true);
      const detail = await server.json("GET", `/api/workspace/${linkId}`);
      expect(detail.body.context.language.value).toMatch(/Python/);
      expect((await server.json("POST", `/api/workspace/${linkId}/cancel`)).status).toBe(409);
    } finally {
      gh.setDelay(0);
    }
  });

  it("a token GitHub revoked ends the sync with a clear error", async () => {
    gh.revoke(gh.issuedTokens.at(-1) as string);
    await server.json("POST", `/api/workspace/${linkId}/sync`);
    const link = await waitForStatus(linkId, ["error"]);
    expect(link.error).toMatch(/revoked or expired/);
    expect((await server.json("GET", "/api/github/status")).body.connected).toBe(false);
  });

  it("unlinks", async () => {
    expect((await server.fetch(`/api/workspace/${linkId}`, { method: "DELETE" })).status).toBe(204);
    expect((await server.json("GET", `/api/workspace/${linkId}`)).status).toBe(404);
  });
});

describe("without WORKSPACE_ROOTS", () => {
  it("local linking is off, with a message naming the variable", async () => {
    const plain = await startTestServer();
    try {
      const project = await plain.json("POST", "/api/projects", { name: "P" });
      const res = await plain.json("POST", "/api/workspace/link", {
        project_id: project.body.id,
        local_path: os.tmpdir(),
      });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain("WORKSPACE_ROOTS");
    } finally {
      await plain.close();
    }
  });
});
