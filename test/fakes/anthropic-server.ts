// Fake Anthropic /v1/messages: accepts `x-api-key` or `Authorization: Bearer`, answers structured
// output requested through `output_config.format` with a JSON text block, and the older JSON-tool
// mode with a tool_use block; streams the real SSE event sequence.
import {
  contentText,
  type FakeReply,
  FakeScript,
  type FakeServer,
  type ProtocolHandler,
  type RecordedRequest,
  sendJson,
  sse,
  startFakeServer,
  startSse,
} from "./fake-llm-core.js";

export interface FakeAnthropicOptions {
  apiKey?: string;
  script?: FakeScript;
}

function jsonTool(req: RecordedRequest): string | null {
  const tools = (req.body.tools ?? []) as Array<{ name?: string }>;
  const choice = req.body.tool_choice as { type?: string; name?: string } | undefined;
  if (choice?.type === "tool" && tools.some((t) => t.name === choice.name)) return choice.name ?? null;
  return choice?.type === "any" && tools.length === 1 ? (tools[0]?.name ?? null) : null;
}

const usage = (req: RecordedRequest, text: string) => ({
  input_tokens: Math.ceil(JSON.stringify(req.body.messages ?? "").length / 4),
  output_tokens: Math.ceil(text.length / 4),
});

export function anthropicProtocol(options: FakeAnthropicOptions): ProtocolHandler {
  return {
    parse(path, headers, body) {
      if (!/\/messages$/.test(path.split("?")[0] ?? "")) return null;
      const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
      return {
        path,
        headers,
        body,
        system: contentText(body.system),
        user: messages
          .filter((m) => m.role === "user")
          .map((m) => contentText(m.content))
          .join("\n\n"),
        stream: body.stream === true,
      };
    },
    authenticate(req): FakeReply | null {
      if (!options.apiKey) return null;
      const key = req.headers["x-api-key"] ?? req.headers.authorization?.replace(/^Bearer\s+/, "");
      return key === options.apiKey ? null : { type: "error", status: 401, message: "invalid x-api-key" };
    },
    writeJson(res, req, text) {
      const tool = jsonTool(req);
      let content: unknown[] = [{ type: "text", text }];
      if (tool) {
        try {
          content = [{ type: "tool_use", id: "toolu_fake", name: tool, input: JSON.parse(text) }];
        } catch {
          content = [{ type: "text", text }];
        }
      }
      sendJson(res, 200, {
        id: "msg_fake",
        type: "message",
        role: "assistant",
        model: req.body.model,
        content,
        stop_reason: tool ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: usage(req, text),
      });
    },
    writeStream(res, req, chunks, finish) {
      startSse(res);
      const u = usage(req, chunks.join(""));
      sse(
        res,
        {
          type: "message_start",
          message: {
            id: "msg_fake",
            type: "message",
            role: "assistant",
            model: req.body.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: u.input_tokens, output_tokens: 1 },
          },
        },
        "message_start",
      );
      const tool = jsonTool(req);
      const block = tool ? { type: "tool_use", id: "toolu_fake", name: tool, input: {} } : { type: "text", text: "" };
      sse(res, { type: "content_block_start", index: 0, content_block: block }, "content_block_start");
      for (const text of chunks) {
        const delta = tool ? { type: "input_json_delta", partial_json: text } : { type: "text_delta", text };
        sse(res, { type: "content_block_delta", index: 0, delta }, "content_block_delta");
      }
      if (!finish) return;
      sse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
      sse(
        res,
        {
          type: "message_delta",
          delta: { stop_reason: tool ? "tool_use" : "end_turn", stop_sequence: null },
          usage: { output_tokens: u.output_tokens },
        },
        "message_delta",
      );
      sse(res, { type: "message_stop" }, "message_stop");
      res.end();
    },
    writeError(res, reply) {
      const type =
        reply.status === 401
          ? "authentication_error"
          : reply.status === 403
            ? "permission_error"
            : reply.status === 404
              ? "not_found_error"
              : reply.status === 429
                ? "rate_limit_error"
                : reply.status === 529
                  ? "overloaded_error"
                  : "api_error";
      sendJson(
        res,
        reply.status,
        { type: "error", error: { type, message: reply.message ?? `fake ${type}` } },
        reply.headers,
      );
    },
  };
}

export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeServer> {
  return startFakeServer(anthropicProtocol(options), options.script ?? new FakeScript());
}
