// Issue 16, items 1, 2 and 6 through the official SDK client: compact, capped results (a 99,000-
// character prompt in a project with a maximal context profile), the tool list per preset, one
// text block, detail "full", strict nested arguments, stages that do what they say, and errors an
// MCP client can act on. Over Streamable HTTP, and the real `promptforge mcp` process on stdio.
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { longPrompt, maximalContext, TOOL_LIST_BUDGET } from "../../bench/mcp.js";
import { serveUntilSignal } from "../../src/cli/commands/serve.js";
import { loadConfig } from "../../src/config.js";
import { RESULT_CHAR_CAP, sha256 } from "../../src/mcp/compact.js";
import { TOOL_NAMES } from "../../src/mcp/server.js";
import { CORE_TOOLS } from "../../src/mcp/tool-kit.js";
import { tempDir } from "../helpers/temp-app.js";
import { TSX_IMPORT } from "../helpers/tsx.js";
import { errorText, type McpTestServer, startMcpTestServer, structured } from "./harness.js";
import { goodReply, stageOf } from "./sampling-replies.js";

const SMALL = 'Write a product description for a steel water bottle in under 80 words. End with "Stay cold".';

type Result = Awaited<ReturnType<Client["callTool"]>>;
const size = (result: unknown) => JSON.stringify(result).length;

/** Every result: one text block, within the cap as a whole. */
function expectLean(result: Result, what: string): void {
  expect(result.content, what).toHaveLength(1);
  expect((result.content as Array<{ type: string }>)[0]?.type, what).toBe("text");
  expect(size(result), what).toBeLessThanOrEqual(RESULT_CHAR_CAP);
}

describe("lean MCP results over Streamable HTTP", () => {
  let t: McpTestServer;
  let client: Client;
  let projectId: string;
  const prompt = longPrompt();
  const context = maximalContext();
  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

  beforeAll(async () => {
    t = await startMcpTestServer();
    client = await t.connect();
    projectId = (await t.app.projects.create({ name: "Huge", context_profile: context })).id;
  }, 30_000);
  afterAll(async () => {
    await t.close();
  });

  it("keeps a 99,000-character optimization in a maximal-context project under the cap, with a pointer to the rest", async () => {
    const result = await call("optimize", { prompt, project_id: projectId, tags: ["huge"] });
    expectLean(result, "optimize");
    const record = structured(result);
    const stored = await t.app.history.get(record.id);
    expect(size(stored)).toBeGreaterThan(400_000); // what used to come back, twice
    // Inputs are not echoed: their size and hash are.
    expect(record.raw_prompt).toEqual({ chars: prompt.length, sha256: sha256(prompt) });
    expect(record.codebase_context.fields).toHaveLength(9);
    expect(record.codebase_context.completeness).toBe(1);
    expect(JSON.stringify(record)).not.toContain(context.documentation.slice(0, 200));
    // The optimized prompt is too long for the cap: its start is kept, and the result says where the rest is.
    expect(stored.optimized_prompt?.length).toBeGreaterThan(RESULT_CHAR_CAP);
    expect(stored.optimized_prompt?.startsWith(record.optimized_prompt.split("… [")[0])).toBe(true);
    expect(record.truncated).toMatchObject({ cap: RESULT_CHAR_CAP, clipped: ["optimized_prompt"] });
    expect(record.truncated.read_more).toContain(`promptforge://optimizations/${record.id}`);
    expect(record.resource).toBe(`promptforge://optimizations/${record.id}`);
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? "";
    expect(text).toContain(record.id);
    expect(text).not.toContain("{"); // the summary line, not the JSON a second time

    // The resource holds everything.
    const read = await client.readResource({ uri: record.resource });
    const whole = JSON.parse(String((read.contents[0] as { text: string }).text));
    expect(whole.optimized_prompt).toBe(stored.optimized_prompt);
    expect(whole.codebase_context.documentation).toBe(context.documentation);

    for (const [name, args] of [
      ["get", { id: record.id }],
      ["get", { id: record.id, detail: "full" }],
      ["tag", { id: record.id, add: ["checked"] }],
      ["search", { query: "parcel refund" }],
      ["list", { per_page: 100 }],
      ["get_by_project", { project_id: projectId }],
      ["get_project", { id: projectId, detail: "full" }],
      ["list_projects", {}],
      ["sync_workspace", { project_id: projectId, ...context }],
      ["sync_workspace", { project_id: projectId, ...context, detail: "full" }],
    ] as const) {
      expectLean(await call(name, args), `${name} ${JSON.stringify(args).slice(0, 60)}`);
    }
  }, 60_000);

  it('returns the whole stored record with detail: "full", and keeps lists free of profiles', async () => {
    const compact = structured(await call("optimize", { prompt: SMALL, tags: ["small"] }));
    expect(compact.record).toBeUndefined();
    expect(compact.optimized_prompt).toContain('"Stay cold"');
    expect(compact.scores.overall).toBeGreaterThan(0);
    expect(compact.preserved.constraints.total).toBeGreaterThanOrEqual(1);
    const full = structured(await call("get", { id: compact.id, detail: "full" }));
    expect(full.record).toEqual(await t.app.history.get(compact.id));
    expect(full.truncated).toBeUndefined();

    const projects = structured(await call("list_projects", {}));
    const huge = projects.items.find((p: { id: string }) => p.id === projectId);
    expect(huge).toMatchObject({ has_context: true, completeness: 1 });
    expect(huge.context_profile).toBeUndefined();
    const resource = await client.readResource({ uri: "promptforge://projects" });
    const listed = JSON.parse(String((resource.contents[0] as { text: string }).text)).projects;
    expect(listed.find((p: { id: string }) => p.id === projectId)).toMatchObject({ has_context: true });
    expect(JSON.stringify(listed)).not.toContain(context.documentation.slice(0, 200));
  });

  it("refuses unknown fields at any depth, naming them, and stage lists with a gap", async () => {
    const before = (await t.app.history.list({})).total;
    const nested = errorText(await call("optimize", { prompt: SMALL, codebase_context: { language: "Go", tabs: 4 } }));
    expect(nested).toBe(
      'validation_error: Invalid arguments for optimize — codebase_context: unknown field(s) "tabs".',
    );
    expect(
      errorText(
        await call("sync_workspace", { project_id: projectId, framework: { value: "Hono", source: "a", extra: 1 } }),
      ),
    ).toMatch(/framework/);
    expect(
      errorText(await call("test_prompt", { original: "a", optimized: "b", cases: [{ vars: {}, bogus: true }] })),
    ).toMatch(/cases\.0: unknown field\(s\) "bogus"/);
    expect(errorText(await call("get", { id: "x", verbose: true }))).toMatch(/unknown field\(s\) "verbose"/);

    const gap = errorText(await call("optimize", { prompt: SMALL, stages: ["validate"] }));
    expect(gap).toContain("validate also needs analyze, strategy, optimize");
    expect(gap).toContain('["analyze","strategy","optimize","validate"]');
    expect((await t.app.history.list({})).total).toBe(before); // nothing ran, nothing stored

    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const early = await client.callTool(
      { name: "optimize", arguments: { prompt: SMALL, stages: ["analyze", "strategy"] } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    const analysed = structured(early);
    expect(analysed).toMatchObject({ optimized_prompt: null, scores: null });
    expect(analysed.strategy).toBeTruthy();
    expect((early.content as Array<{ text: string }>)[0]?.text).toContain("no rewrite");
    expect(progress.at(-1)).toMatchObject({ progress: 2, total: 2 });
    for (const p of progress) expect(p.message).toMatch(/\((\d|[1-9]\d|100)%\)$/);
  });

  it("errors carry one code prefix, no raw dumps and no REST or UI steps", async () => {
    const missing = errorText(await call("get", { id: "nope" }));
    expect(missing).toBe("not_found: Optimization nope does not exist.");
    const bad = errorText(await call("list", { per_page: 1000, status: "weird" }));
    expect(bad).toMatch(/^validation_error: Invalid arguments for list — /);
    expect(bad).not.toMatch(/[[{]\s*"/);
    expect(bad).toMatch(/per_page/);
    expect(bad).toMatch(/status/);
    const noKey = errorText(await call("optimize", { prompt: SMALL, provider: "openai" }));
    expect(noKey).toMatch(/^provider_\w+: |^\w+: /);
    expect(noKey).not.toMatch(/X-LLM-API-Key|Settings|\/api\//);

    // A project prompt of another project is refused by the use case; MCP passes its message through.
    const other = await t.app.projects.create({ name: "Other" });
    const foreign = await t.app.projects.addPrompt(other.id, { content: SMALL });
    const refused = errorText(await call("optimize", { prompt: SMALL, project_id: projectId, prompt_id: foreign.id }));
    expect(refused).toMatch(new RegExp(`^validation_error: prompt_id ${foreign.id} belongs to project ${other.id}`));
    expect(refused.match(/validation_error/g)).toHaveLength(1);
  });

  it("merges list fields pushed by sync_workspace; replace: true is marked destructive", async () => {
    const project = "merge-test";
    await call("sync_workspace", { project, conventions: ["ESM only"], language: "TypeScript" });
    const second = structured(
      await call("sync_workspace", {
        project,
        conventions: { value: ["No default exports", "ESM only"], source: "biome.json" },
        detail: "full",
      }),
    );
    expect(second.context.conventions.value).toEqual(["No default exports", "ESM only"]);
    const third = structured(await call("sync_workspace", { project, conventions: ["Tabs"], detail: "full" }));
    expect(third.context.conventions.value).toEqual(["No default exports", "ESM only", "Tabs"]);
    expect(third.context.language.value).toBe("TypeScript");
    expect(third.fields.conventions).toMatchObject({ items: 3 });
    const replaced = structured(await call("sync_workspace", { project, conventions: ["Tabs"], replace: true }));
    expect(Object.keys(replaced.fields)).toEqual(["conventions"]);

    const { tools } = await client.listTools();
    const sync = tools.find((x) => x.name === "sync_workspace");
    expect(sync?.annotations?.destructiveHint).toBe(true);
    const replace = ((sync?.inputSchema.properties ?? {}) as Record<string, { description?: string }>).replace;
    expect(replace?.description).toMatch(/^DESTRUCTIVE/);
  });

  it("lists every tool lean: described parameters, enums, no safe-integer bounds, within the budget", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([...TOOL_NAMES].sort());
    const listing = JSON.stringify(tools);
    expect(listing.length).toBeLessThanOrEqual(TOOL_LIST_BUDGET.all);
    expect(listing).not.toContain("9007199254740991");
    for (const tool of tools) {
      expect(tool.description, tool.name).toMatch(/\S{3}/);
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [name, schema] of Object.entries(properties)) {
        expect(schema.description, `${tool.name}.${name}`).toBeTruthy();
      }
      if (["optimize", "retry", "get", "tag", "cancel", "test_prompt"].includes(tool.name)) {
        expect(tool.description, tool.name).toContain("20,000 characters");
      }
    }
    const optimize = tools.find((x) => x.name === "optimize");
    const strategy = ((optimize?.inputSchema.properties ?? {}) as Record<string, { enum?: string[] }>).strategy;
    expect(strategy?.enum).toHaveLength(10);
    expect(strategy?.enum).toContain("co-star");
  });

  it("analyze runs on the client's model with provider mcp-sampling, and says so when the client cannot sample", async () => {
    expect(errorText(await call("analyze", { prompt: SMALL, provider: "mcp-sampling" }))).toMatch(
      /sampling capability/,
    );
    const sampler = await t.connect({ capabilities: { sampling: {} }, name: "sampling-ide" });
    let asked = 0;
    sampler.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked++;
      const stage = stageOf(request.params.systemPrompt ?? "");
      const first = request.params.messages[0]?.content;
      const text = first && !Array.isArray(first) && first.type === "text" ? first.text : "";
      return {
        role: "assistant",
        model: "ide-model-1",
        content: { type: "text", text: stage ? goodReply(stage, text) : "?" },
      };
    });
    const result = structured(
      await sampler.callTool({ name: "analyze", arguments: { prompt: SMALL, provider: "mcp-sampling" } }),
    );
    expect(result.engine).toBe("mcp-sampling");
    expect(result.analysis.weaknesses.map((w: { code: string }) => w.code)).toContain("PF-AUDIENCE");
    expect(asked).toBe(1);
  });
});

describe("the core preset", () => {
  let t: McpTestServer;
  beforeAll(async () => {
    t = await startMcpTestServer({ MCP_TOOLS: "core" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("registers only analyze, optimize, get, search and verify_output, within its budget", async () => {
    const client = await t.connect();
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([...CORE_TOOLS].sort());
    expect(JSON.stringify(tools).length).toBeLessThanOrEqual(TOOL_LIST_BUDGET.core);
    const outside = await client.callTool({ name: "list_projects", arguments: {} });
    expect(errorText(outside)).toMatch(/list_projects not found/);
    expectLean(await client.callTool({ name: "optimize", arguments: { prompt: SMALL } }), "optimize (core)");
  });
});

describe("lean MCP results over stdio", () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const dir = tempDir("pf-mcp-lean-");
  let client: Client;

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", TSX_IMPORT, path.join(root, "test/helpers/cli-entry.ts"), "mcp"],
      cwd: root,
      // PORT 9 (discard): no API server there, so activity webhooks fail quietly.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATA_DIR: dir.dir,
        PORT: "9",
        LLM_PROVIDER: "local",
        MCP_TOOLS: "core",
      },
      stderr: "pipe",
    });
    client = new Client({ name: "stdio-lean", version: "1.0.0" });
    await client.connect(transport);
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    dir.cleanup();
  });

  it("serves the core preset and keeps a 99,000-character optimization under the cap", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([...CORE_TOOLS].sort());
    expect(JSON.stringify(tools).length).toBeLessThanOrEqual(TOOL_LIST_BUDGET.core);
    const prompt = longPrompt();
    const result = await client.callTool({
      name: "optimize",
      arguments: { prompt, codebase_context: { documentation: maximalContext().documentation } },
    });
    expectLean(result, "optimize over stdio");
    const record = structured(result);
    expect(record.raw_prompt.sha256).toBe(sha256(prompt));
    expect(record.truncated.read_more).toContain(record.resource);
    const full = await client.callTool({ name: "get", arguments: { id: record.id, detail: "full" } });
    expectLean(full, "get full over stdio");
  }, 60_000);
});

describe("serve with AUTH_TOKEN but an open /mcp", () => {
  it("warns on stderr and in the log that /mcp takes no token", async () => {
    const dir = tempDir("pf-mcp-open-");
    const stderr = new PassThrough();
    let text = "";
    stderr.on("data", (d) => {
      text += String(d);
    });
    const env = { DATA_DIR: dir.dir, PORT: "0", MCP_PORT: "0", LOG_LEVEL: "silent", LLM_PROVIDER: "local" };
    const serve = (extra: Record<string, string>) =>
      serveUntilSignal({
        config: loadConfig({ ...env, ...extra }),
        io: { stdout: new PassThrough(), stderr, stdin: new PassThrough() },
        signals: ["SIGUSR2"],
      });
    try {
      const running = serve({ AUTH_TOKEN: "api-token-123456789" });
      for (let i = 0; i < 200 && !text.includes("listening on"); i++) await new Promise((r) => setTimeout(r, 25));
      process.emit("SIGUSR2", "SIGUSR2");
      expect(await running).toBe(0);
      expect(text).toMatch(/warning: http:\/\/127\.0\.0\.1:\d+\/mcp accepts every local client without a token/);
      expect(text).toContain("MCP_AUTH_TOKEN");
      expect(text).not.toContain("api-token-123456789");

      text = "";
      const guarded = serve({ AUTH_TOKEN: "api-token-123456789", MCP_AUTH_TOKEN: "mcp-token-123456789" });
      for (let i = 0; i < 200 && !text.includes("listening on"); i++) await new Promise((r) => setTimeout(r, 25));
      process.emit("SIGUSR2", "SIGUSR2");
      expect(await guarded).toBe(0);
      expect(text).not.toContain("without a token");
    } finally {
      dir.cleanup();
    }
  }, 30_000);
});
