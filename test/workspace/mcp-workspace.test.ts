// The workspace hub over MCP with the official SDK client: a local folder linked through the app's
// use case shows up in promptforge://workspaces and its context in
// promptforge://projects/{id}/context; sync_workspace pushes the extraction shape; an optimize
// tool call in the project is grounded in the merged context.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorText, type McpTestServer, startMcpTestServer, structured } from "../mcp/harness.js";

let root: string;
let t: McpTestServer;
let client: Client;

const read = async (uri: string) =>
  JSON.parse(String(((await client.readResource({ uri })).contents[0] as { text: string }).text));

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pf-mcpws-"));
  const repo = path.join(root, "gomod");
  fs.mkdirSync(path.join(repo, "internal", "store"), { recursive: true });
  fs.writeFileSync(
    path.join(repo, "go.mod"),
    "module example.com/gomod\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
  );
  fs.writeFileSync(path.join(repo, "main.go"), "package main\n\nfunc main() {}\n".repeat(30));
  fs.writeFileSync(
    path.join(repo, "internal", "store", "store_test.go"),
    'package store\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
  );
  fs.writeFileSync(path.join(repo, "README.md"), "# gomod\n\nA tiny Go HTTP service.\n");
  t = await startMcpTestServer({ WORKSPACE_ROOTS: root });
  client = await t.connect();
});

afterAll(async () => {
  await t?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("workspace hub over MCP", () => {
  it("lists a linked folder in promptforge://workspaces and its context in the project's context resource", async () => {
    const project = await t.app.projects.create({ name: "Go service" });
    const link = await t.app.workspaces.link({ project_id: project.id, local_path: path.join(root, "gomod") });
    await t.app.workspaces.idle();
    const { workspaces } = await read("promptforge://workspaces");
    expect(workspaces).toContainEqual(
      expect.objectContaining({ id: link.id, kind: "local", sync_status: "synced", project_name: "Go service" }),
    );
    const context = await read(`promptforge://projects/${project.id}/context`);
    expect(context.resolved_context.language).toMatch(/Go/);
    expect(context.sources.language.layer).toBe("workspace");
    expect(context.sources.language.source).toContain("local:");
    expect(context.workspaces).toHaveLength(1);

    // An IDE push on top: its fields join the workspace layer (the folder's link still counts).
    const pushed = structured(
      await call("sync_workspace", {
        project_id: project.id,
        conventions: { value: ["Wrap errors with %w"], source: "CLAUDE.md" },
        tree: ["main.go", "go.mod"],
        detail: "full",
      }),
    );
    expect(pushed.context.conventions).toEqual({ value: ["Wrap errors with %w"], source: "CLAUDE.md" });
    expect(pushed.resolved_context.language).toMatch(/Go/);

    const record = structured(
      await call("optimize", {
        prompt: "Write a handler that returns the service version.",
        project_id: project.id,
        detail: "full",
      }),
    );
    expect(record.record.codebase_context.conventions).toEqual(["Wrap errors with %w"]);
    expect(record.record.codebase_context_sources.conventions.source).toContain("CLAUDE.md");
    expect(record.optimized_prompt).toContain("Wrap errors with %w");
  });

  it("refuses bad pushes with clear errors", async () => {
    expect(errorText(await call("sync_workspace", { language: "Go" }))).toMatch(/project_id or project/);
    expect(errorText(await call("sync_workspace", { project_id: "nope", language: "Go" }))).toMatch(/not_found/);
    expect(errorText(await call("sync_workspace", { project: "X", tree: Array(501).fill("a") }))).toMatch(
      /invalid|validation/i,
    );
  });
});

function call(name: string, args: Record<string, unknown>) {
  return client.callTool({ name, arguments: args });
}
