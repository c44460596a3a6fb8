// The `verify_output` tool through the SDK's own client over Streamable HTTP, against a real App.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorText, type McpTestServer, startMcpTestServer, structured } from "./harness.js";

const PROMPT = 'Describe a lighthouse in less than 30 words. Use all lowercase letters. End with "the end."';

let t: McpTestServer;
let client: Client;

beforeAll(async () => {
  t = await startMcpTestServer();
  client = await t.connect();
});
afterAll(() => t.close());

const call = (args: Record<string, unknown>) => client.callTool({ name: "verify_output", arguments: args });

describe("MCP verify_output", () => {
  it("is listed as a read-only tool with input and output schemas", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((x) => x.name === "verify_output");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tool?.inputSchema.required).toEqual(["output"]);
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["prompt", "optimization_id", "prompt_version", "output"]),
    );
    expect(tool?.outputSchema?.properties).toHaveProperty("verdicts");
  });

  it("returns a verdict per constraint and names the failures in its summary", async () => {
    const result = await call({ prompt: PROMPT, output: "A Tall white tower guards the rocky coast. the end." });
    const value = structured(result);
    expect(value).toMatchObject({ source: "request", passed: false, summary: { total: 3, followed: 2, failed: 1 } });
    expect(value.verdicts.map((v: { kind: string; follows: boolean }) => [v.kind, v.follows])).toEqual([
      ["length.words", true],
      ["case.lower", false],
      ["startend.end_phrase", true],
    ]);
    const text = (result.content as Array<{ text: string }>)[0]?.text;
    expect(text).toBe(
      '2/3 constraints followed, 1 failed, 0 not checkable. Failed: case.lower (2 upper-case letters, first "AT").',
    );
  });

  it("verifies against a stored optimization's optimized prompt, constraints it added included", async () => {
    const record = structured(await client.callTool({ name: "optimize", arguments: { prompt: PROMPT } }));
    // The local rewrite asks for "a short bulleted list" on top of the original's three constraints.
    expect(record.optimized_prompt).toMatch(/bulleted list/);
    const plain = structured(
      await call({ optimization_id: record.id, output: "a white tower on the coast. the end." }),
    );
    expect(plain).toMatchObject({ source: "optimized", optimization_id: record.id, passed: false });
    expect(plain.prompt).toBe(record.optimized_prompt);
    expect(plain.verdicts.find((v: { follows: boolean }) => v.follows === false)).toMatchObject({
      kind: "format.bullets",
      detail: "no bullet points",
    });
    const listed = structured(
      await call({ optimization_id: record.id, output: "a white tower on the coast.\n- it guides ships\n- the end." }),
    );
    expect(listed.passed).toBe(true);
    const original = structured(
      await call({ optimization_id: record.id, prompt_version: "original", output: "a white tower. the end." }),
    );
    expect(original).toMatchObject({ source: "original", prompt: PROMPT, passed: true });
  });

  it("reports bad arguments and unknown optimizations as clear errors", async () => {
    expect(errorText(await call({ output: "x" }))).toMatch(
      /validation_error: .*give exactly one of prompt or optimization_id/,
    );
    expect(errorText(await call({ prompt: PROMPT, output: "x", extra: 1 }))).toMatch(/invalid|unrecognized/i);
    expect(errorText(await call({ optimization_id: "missing", output: "x" }))).toBe(
      "not_found: Optimization missing does not exist.",
    );
  });
});
