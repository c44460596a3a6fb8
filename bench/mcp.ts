// `BENCH=mcp npm run bench`: what the MCP server costs an agent's context. The tool list (tools/list
// as JSON) per preset, and the size of the results of optimize, get, sync_workspace, list_projects
// and the projects resource for a 99,000-character prompt in a project with a maximal context
// profile, through the official SDK client. Budgets: tool list ≤ 20,000 characters (core) and
// ≤ 45,000 (all); every tool result (as JSON, envelope included) ≤ RESULT_CHAR_CAP (20,000).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { App } from "../src/app.js";
import { RESULT_CHAR_CAP } from "../src/mcp/compact.js";
import { createMcpServer } from "../src/mcp/server.js";
import type { ToolPreset } from "../src/mcp/tool-kit.js";
import { createTempApp } from "../test/helpers/temp-app.js";
import type { Figure } from "./stats.js";

export const TOOL_LIST_BUDGET: Record<ToolPreset, number> = { core: 20_000, all: 45_000 };

/** A maximal codebase context profile: every field at its length and item limits. */
export function maximalContext() {
  const line = (n: number, width: number) => `${`Rule ${n}: `.padEnd(width - 1, "x")}.`;
  return {
    language: "T".repeat(200),
    framework: "F".repeat(200),
    description: "D".repeat(4000),
    conventions: Array.from({ length: 50 }, (_, i) => line(i, 1000)),
    patterns: Array.from({ length: 50 }, (_, i) => line(i, 1000)),
    code_snippets: Array.from({ length: 20 }, (_, i) =>
      `// snippet ${i}\n${"const x = 1;\n".repeat(600)}`.slice(0, 8000),
    ),
    documentation: "Docs. ".repeat(3400).slice(0, 20_000),
    test_framework: "V".repeat(200),
    test_patterns: Array.from({ length: 50 }, (_, i) => line(i, 1000)),
  };
}

/** A 99,000-character prompt with constraints and placeholders the rewrite must keep. */
export function longPrompt(chars = 99_000): string {
  const head =
    'You are a support agent for {{company}}. Answer the customer in under 120 words and end with "Kind regards".\n\n';
  const body = "Background: the customer wrote about a delayed parcel and a refund that has not arrived yet. ";
  return (head + body.repeat(Math.ceil(chars / body.length))).slice(0, chars);
}

export async function connectClient(app: App, tools?: ToolPreset): Promise<Client & { dispose(): Promise<void> }> {
  const server = createMcpServer({ app, tools });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(clientSide);
  return Object.assign(client, {
    async dispose() {
      await client.close();
      await server.close();
    },
  });
}

const chars = (value: unknown) => JSON.stringify(value).length;

export async function runMcpBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const temp = await createTempApp();
  try {
    for (const preset of ["core", "all"] as const) {
      const client = await connectClient(temp.app, preset);
      const { tools } = await client.listTools();
      const size = chars(tools);
      figures.push({
        name: `mcp.tool_list.${preset}`,
        value: size,
        unit: "chars",
        budget: `<= ${TOOL_LIST_BUDGET[preset]}`,
        within_budget: size <= TOOL_LIST_BUDGET[preset],
        tools: tools.length,
      });
      await client.dispose();
    }

    const client = await connectClient(temp.app, "all");
    const call = async (name: string, args: Record<string, unknown>) => {
      const started = performance.now();
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
      return { result, ms: performance.now() - started };
    };
    const figure = (name: string, result: unknown, extra: Record<string, unknown> = {}): Figure => {
      const size = chars(result);
      return {
        name: `mcp.result.${name}`,
        value: size,
        unit: "chars",
        budget: `<= ${RESULT_CHAR_CAP}`,
        within_budget: size <= RESULT_CHAR_CAP,
        ...extra,
      };
    };
    const context = maximalContext();
    const project = await temp.app.projects.create({ name: "Bench", context_profile: context });
    const prompt = longPrompt();
    const optimized = await call("optimize", { prompt, project_id: project.id });
    const record = optimized.result.structuredContent as { id: string; optimized_prompt: string | null };
    const stored = await temp.app.history.get(record.id);
    figures.push(
      figure("optimize", optimized.result, {
        prompt_chars: prompt.length,
        context_chars: chars(context),
        stored_record_chars: chars(stored),
        optimized_prompt_chars: stored.optimized_prompt?.length ?? 0,
        ms: Math.round(optimized.ms),
      }),
    );
    figures.push(figure("get.full", (await call("get", { id: record.id, detail: "full" })).result));
    figures.push(
      figure("sync_workspace", (await call("sync_workspace", { project_id: project.id, ...context })).result),
    );
    for (let i = 0; i < 20; i++) await temp.app.projects.create({ name: `Bench ${i}`, context_profile: context });
    figures.push(figure("list_projects", (await call("list_projects", {})).result, { projects: 21 }));
    const resource = await client.readResource({ uri: "promptforge://projects" });
    figures.push({ name: "mcp.resource.projects", value: chars(resource), unit: "chars", projects: 21 });
    await client.dispose();
  } finally {
    await temp.dispose();
  }
  return figures;
}
