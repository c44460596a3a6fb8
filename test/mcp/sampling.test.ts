// mcp-sampling over Streamable HTTP: a client that declares sampling answers sampling/createMessage
// with its "own model"; optimize uses it when no other provider is configured, or when asked to.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CreateMessageRequest, CreateMessageRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { type McpTestServer, startMcpTestServer, structured } from "./harness.js";
import { goodReply, stageOf } from "./sampling-replies.js";

// LLM_PROVIDER unset: auto-detection (which finds nothing: the test config has no keys and no PATH).
const AUTO_DETECT = { LLM_PROVIDER: "" };
const PROMPT = 'Write a poem about the sea in exactly 3 lines. End with the phrase "Fair winds".';

let t: McpTestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function samplingClient(
  server: McpTestServer,
): Promise<{ client: Client; requests: CreateMessageRequest["params"][] }> {
  const client = await server.connect({ capabilities: { sampling: {} }, name: "sampling-ide" });
  const requests: CreateMessageRequest["params"][] = [];
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    requests.push(request.params);
    const stage = stageOf(request.params.systemPrompt ?? "");
    const first = request.params.messages[0]?.content;
    const text = first && !Array.isArray(first) && first.type === "text" ? first.text : "";
    return {
      role: "assistant",
      model: "ide-model-1",
      content: { type: "text", text: stage ? goodReply(stage, text) : "?" },
    };
  });
  return { client, requests };
}

describe("optimize with mcp-sampling", () => {
  it("uses the client's model when it can sample and no other provider is configured", async () => {
    t = await startMcpTestServer(AUTO_DETECT);
    const { client, requests } = await samplingClient(t);
    const record = structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }));
    expect(record.engine).toBe("mcp-sampling");
    expect(record.provider).toBe("mcp-sampling");
    expect((await t.app.history.get(record.id)).strategy?.reasoning).toBe("Sampled choice.");
    expect(record.notes).toBe("sampled rewrite");
    expect(record.optimized_prompt).toContain('"Fair winds"');
    expect(requests.map((r) => stageOf(r.systemPrompt ?? ""))).toEqual(["analyze", "strategy", "optimize", "validate"]);
    expect(requests.every((r) => r.includeContext === "none" && r.maxTokens > 0)).toBe(true);
    expect((await t.app.history.get(record.id)).engine).toBe("mcp-sampling");
  });

  it("keeps the local engine for a client without sampling, and honours an explicit provider", async () => {
    t = await startMcpTestServer(AUTO_DETECT);
    const plain = await t.connect();
    expect(structured(await plain.callTool({ name: "optimize", arguments: { prompt: PROMPT } })).engine).toBe("local");
    const { client, requests } = await samplingClient(t);
    const local = structured(
      await client.callTool({ name: "optimize", arguments: { prompt: PROMPT, provider: "local" } }),
    );
    expect(local.engine).toBe("local");
    expect(requests).toHaveLength(0);
  });

  it("does not replace a configured provider, but mcp-sampling can still be asked for by name", async () => {
    t = await startMcpTestServer({ LLM_PROVIDER: "local" });
    const { client, requests } = await samplingClient(t);
    expect(structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } })).engine).toBe("local");
    expect(requests).toHaveLength(0);
    const sampled = structured(
      await client.callTool({ name: "optimize", arguments: { prompt: PROMPT, provider: "mcp-sampling" } }),
    );
    expect(sampled.engine).toBe("mcp-sampling");
    expect(requests.length).toBe(4);
  });

  it("runs a batch on the client's model when asked for mcp-sampling", async () => {
    t = await startMcpTestServer({ LLM_PROVIDER: "local" });
    const { client, requests } = await samplingClient(t);
    const result = structured(
      await client.callTool({
        name: "batch",
        arguments: { prompts: [PROMPT, "Explain recursion to a beginner."], provider: "mcp-sampling" },
      }),
    );
    expect(result).toMatchObject({ total: 2, completed: 2, failed: 0 });
    expect(requests.length).toBe(8);
    for (const item of result.results) expect((await t.app.history.get(item.id)).engine).toBe("mcp-sampling");
  });

  it("falls back to the built-in engine per stage when the client's model answers nonsense", async () => {
    t = await startMcpTestServer(AUTO_DETECT);
    const client = await t.connect({ capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: "assistant",
      model: "chatty",
      content: { type: "text", text: "Sure! Here are some thoughts about your prompt." },
    }));
    const record = structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }));
    expect(record.status).toBe("completed");
    // Every stage fell back: the record says so instead of claiming mcp-sampling.
    const stored = await t.app.history.get(record.id);
    expect(stored.engine).toBe("local");
    expect(stored.notes).toContain("built-in rewrite");
    expect(stored.optimized_prompt).toContain('"Fair winds"');
  });

  it("records the model the client reported", async () => {
    t = await startMcpTestServer(AUTO_DETECT);
    const { client } = await samplingClient(t);
    const record = structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }));
    const stored = await t.app.history.get(record.id);
    expect(stored).toMatchObject({ engine: "mcp-sampling", provider: "mcp-sampling", model: "ide-model-1" });
  });

  it("stops at the first refused sampling request: one approval prompt, a clear error result", async () => {
    t = await startMcpTestServer(AUTO_DETECT);
    const client = await t.connect({ capabilities: { sampling: {} }, name: "refusing-ide" });
    let requests = 0;
    client.setRequestHandler(CreateMessageRequestSchema, async () => {
      requests++;
      throw new McpError(-1, "User rejected sampling request");
    });
    const result = (await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } })) as {
      isError?: boolean;
      content: Array<{ text: string }>;
    };
    expect(requests).toBe(1);
    expect(result.isError).toBe(true);
    expect(result.content.map((c) => c.text).join("\n")).toMatch(/refused the sampling request for the analyze stage/);
    const [stored] = (await t.app.history.list({})).items;
    expect(stored?.status).toBe("error");
  });
});
