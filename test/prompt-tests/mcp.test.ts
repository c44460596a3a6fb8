// The test_prompt MCP tool through the official SDK client: on the client's own model (MCP sampling)
// and on a configured provider (fake OpenAI server).
import { type CreateMessageRequest, CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { FakeScript } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { errorText, type McpTestServer, startMcpTestServer, structured } from "../mcp/harness.js";
import { cases, OPTIMIZED, ORIGINAL, section } from "./fixture.js";

let t: McpTestServer | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe("test_prompt", () => {
  it("runs on the client's own model through MCP sampling, judge included, when nothing else is configured", async () => {
    t = await startMcpTestServer({ LLM_PROVIDER: "" });
    const client = await t.connect({ capabilities: { sampling: {} }, name: "sampling-ide" });
    const requests: CreateMessageRequest["params"][] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      requests.push(request.params);
      const first = request.params.messages[0]?.content;
      const text = first && !Array.isArray(first) && first.type === "text" ? first.text : "";
      if ((request.params.systemPrompt ?? "").includes("impartial judge")) {
        const b = section(text, "response_b");
        const score = b === b.toLowerCase() ? 0.8 : 0.2;
        return {
          role: "assistant",
          model: "ide",
          content: { type: "text", text: JSON.stringify({ reason: "r", score }) },
        };
      }
      const answer = text.includes("lowercase") ? "the answer is paris." : "The answer is Paris.";
      return { role: "assistant", model: "ide", content: { type: "text", text: answer } };
    });
    const result = await client.callTool({
      name: "test_prompt",
      arguments: { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(2), judge: true },
    });
    const run = structured(result);
    expect(run.status).toBe("completed");
    expect(run.provider).toBe("mcp-sampling");
    expect(requests).toHaveLength(8);
    expect(run.outputs.find((o: { version: string }) => o.version === "b").text).toBe("the answer is paris.");
    expect(run.summary.comparison).toMatchObject({ source: "judge", wins: 2 });
    const text = (result.content as Array<{ text: string }>)[0].text;
    expect(text).toMatch(/cannot tell .*by judge; constraints followed original n\/a vs optimized 100 %/);
  });

  it("runs on a configured provider, and refuses local and sampling without the capability", async () => {
    const fake = await startFakeOpenAI({
      apiKey: "sk-mcp-test-111111",
      script: new FakeScript(() => ({ type: "text", text: "the capital city." })),
    });
    cleanups.push(() => fake.close());
    t = await startMcpTestServer({ OPENAI_API_KEY: "sk-mcp-test-111111", OPENAI_BASE_URL: `${fake.url}/v1` });
    const client = await t.connect();
    const run = structured(
      await client.callTool({
        name: "test_prompt",
        arguments: { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(3), provider: "openai" },
      }),
    );
    expect(run).toMatchObject({ status: "completed", provider: "openai", calls_made: 6 });
    expect(run.summary.comparison.source).toBe("checks");
    const local = await client.callTool({
      name: "test_prompt",
      arguments: { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(1), provider: "local" },
    });
    expect(errorText(local)).toMatch(/validation_error: .*cannot answer them/);
    const sampling = await client.callTool({
      name: "test_prompt",
      arguments: { original: ORIGINAL, optimized: OPTIMIZED, cases: cases(1), provider: "mcp-sampling" },
    });
    expect(errorText(sampling)).toMatch(/sampling capability/);
  });
});
