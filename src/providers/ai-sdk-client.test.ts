// The ModelClient on a provider package's language model: what it hands the model (prompt, JSON
// schema, token budget, signal) and what it makes of the reply, single and streamed.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { createAiSdkClient, fromModelUsage } from "./ai-sdk-client.js";

const usage = (input: number, output: number): LanguageModelV3Usage => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

const schema = z.object({ answer: z.string() });
const context = { provider: "openai" as const, model: "gpt-test", baseUrl: "http://127.0.0.1:1/v1" };

function fakeModel(behaviour: {
  generate?: (o: LanguageModelV3CallOptions) => Awaited<ReturnType<LanguageModelV3["doGenerate"]>>;
  stream?: LanguageModelV3StreamPart[];
  fail?: unknown;
}) {
  const calls: LanguageModelV3CallOptions[] = [];
  const model = {
    specificationVersion: "v3",
    provider: "fake",
    modelId: "fake-model",
    supportedUrls: {},
    async doGenerate(options: LanguageModelV3CallOptions) {
      calls.push(options);
      if (behaviour.fail) throw behaviour.fail;
      if (!behaviour.generate) throw new Error("no generate");
      return behaviour.generate(options);
    },
    async doStream(options: LanguageModelV3CallOptions) {
      calls.push(options);
      if (behaviour.fail) throw behaviour.fail;
      const parts = behaviour.stream ?? [];
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  } as unknown as LanguageModelV3;
  return { model, calls };
}

const request = (extra: { onText?: (text: string) => void } = {}) => ({
  system: "You are a test.",
  messages: [
    { role: "user" as const, content: "first" },
    { role: "assistant" as const, content: '{"answer":"x"}' },
    { role: "user" as const, content: "again" },
  ],
  schema,
  schemaName: "answer_reply",
  signal: new AbortController().signal,
  maxOutputTokens: 321,
  ...extra,
});

describe("createAiSdkClient", () => {
  it("sends the system prompt, the turns as text parts, the stage's JSON schema and the token budget", async () => {
    const { model, calls } = fakeModel({
      generate: () => ({
        content: [
          { type: "reasoning", text: "hidden" },
          { type: "text", text: '{"answer":' },
          { type: "text", text: '"yes"}' },
        ],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usage(12, 5),
        warnings: [],
      }),
    });
    const client = createAiSdkClient({ model: Promise.resolve(model), context });
    const result = await client.call(request());
    expect(result).toEqual({ text: '{"answer":"yes"}', usage: { input_tokens: 12, output_tokens: 5 } });
    const sent = calls[0] as LanguageModelV3CallOptions;
    expect(sent.prompt).toEqual([
      { role: "system", content: "You are a test." },
      { role: "user", content: [{ type: "text", text: "first" }] },
      { role: "assistant", content: [{ type: "text", text: '{"answer":"x"}' }] },
      { role: "user", content: [{ type: "text", text: "again" }] },
    ]);
    expect(sent.maxOutputTokens).toBe(321);
    expect(sent.responseFormat).toMatchObject({ type: "json", name: "answer_reply" });
    const jsonSchema = (sent.responseFormat as { schema?: unknown }).schema;
    expect(jsonSchema).toMatchObject({ type: "object", required: ["answer"] });
    expect(jsonSchema).not.toHaveProperty("$schema");
  });

  it("converts the schema once and reuses it on later calls", async () => {
    const reply = () => ({
      content: [{ type: "text" as const, text: "{}" }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage: usage(1, 1),
      warnings: [],
    });
    const { model, calls } = fakeModel({ generate: reply });
    const client = createAiSdkClient({ model, context });
    await client.call(request());
    await client.call(request());
    const schemaOf = (c: LanguageModelV3CallOptions) => (c.responseFormat as { schema: unknown }).schema;
    expect(schemaOf(calls[1] as LanguageModelV3CallOptions)).toBe(schemaOf(calls[0] as LanguageModelV3CallOptions));
  });

  it("streams: hands on the growing text, ignores other parts, reads usage from the finish part", async () => {
    const { model } = fakeModel({
      stream: [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: '{"ans' },
        { type: "reasoning-delta", id: "r", delta: "thinking" },
        { type: "text-delta", id: "t", delta: "" },
        { type: "text-delta", id: "t", delta: 'wer":"ok"}' },
        { type: "text-end", id: "t" },
        { type: "finish", usage: usage(30, 7), finishReason: { unified: "stop", raw: "stop" } },
      ],
    });
    const seen: string[] = [];
    const client = createAiSdkClient({ model, context });
    const result = await client.call(request({ onText: (t) => seen.push(t) }));
    expect(seen).toEqual(['{"ans', '{"answer":"ok"}']);
    expect(result).toEqual({ text: '{"answer":"ok"}', usage: { input_tokens: 30, output_tokens: 7 } });
  });

  it("turns an error part of the stream into a typed provider error", async () => {
    const broken = new APICallError({
      message: "terminated",
      url: "http://127.0.0.1:1/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 200,
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    const { model } = fakeModel({
      stream: [
        { type: "text-delta", id: "t", delta: "{" },
        { type: "error", error: broken },
      ],
    });
    const client = createAiSdkClient({ model, context });
    const error = await client.call(request({ onText: () => {} })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain("reply broke off mid-response (the connection was reset)");
  });

  it("maps a failed HTTP call to a typed error naming the status", async () => {
    const { model } = fakeModel({
      fail: new APICallError({
        message: "Service Unavailable",
        url: "http://127.0.0.1:1/v1/chat/completions",
        requestBodyValues: {},
        statusCode: 503,
        responseBody: '{"error":{"message":"overloaded"}}',
      }),
    });
    const client = createAiSdkClient({ model, context });
    const error = await client.call(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain("unavailable (HTTP 503)");
  });

  it("rethrows the abort reason when the signal was aborted", async () => {
    const controller = new AbortController();
    const reason = new DOMException("stopped", "AbortError");
    controller.abort(reason);
    const { model } = fakeModel({ fail: reason });
    const client = createAiSdkClient({ model, context });
    const error = await client.call({ ...request(), signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe(reason);
  });
});

describe("fromModelUsage", () => {
  it("reads the totals and says null when the provider reported none", () => {
    expect(fromModelUsage(usage(3, 4))).toEqual({ input_tokens: 3, output_tokens: 4 });
    expect(
      fromModelUsage({
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      }),
    ).toBeNull();
    expect(fromModelUsage(undefined)).toBeNull();
  });
});
