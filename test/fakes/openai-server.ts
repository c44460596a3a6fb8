// Fake OpenAI /v1/chat/completions (also the Ollama-style OpenAI-compatible server): JSON replies,
// SSE chunks ending in [DONE], usage, `response_format: json_schema`, Bearer auth and OpenAI's
// error bodies (a 401 body echoes part of the key, as the real API does).
import type http from "node:http";
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

export interface FakeOpenAIOptions {
  /** Expected key; when unset (Ollama style) no Authorization header is required. */
  apiKey?: string;
  script?: FakeScript;
}

function usageOf(req: RecordedRequest, text: string) {
  const prompt = Math.ceil(JSON.stringify(req.body.messages ?? "").length / 4);
  const completion = Math.ceil(text.length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function openAIProtocol(options: FakeOpenAIOptions): ProtocolHandler {
  const created = 1_700_000_000;
  return {
    parse(path, headers, body) {
      if (!/\/chat\/completions$/.test(path.split("?")[0] ?? "")) return null;
      const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
      return {
        path,
        headers,
        body,
        system: messages
          .filter((m) => m.role === "system" || m.role === "developer")
          .map((m) => contentText(m.content))
          .join("\n"),
        user: messages
          .filter((m) => m.role === "user")
          .map((m) => contentText(m.content))
          .join("\n\n"),
        stream: body.stream === true,
      };
    },
    authenticate(req): FakeReply | null {
      if (!options.apiKey) return null;
      const auth = req.headers.authorization ?? "";
      if (auth === `Bearer ${options.apiKey}`) return null;
      const given = auth.replace(/^Bearer\s+/, "");
      const shown = given.length > 8 ? `${given.slice(0, 3)}*****${given.slice(-4)}` : "***";
      return {
        type: "error",
        status: 401,
        message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      };
    },
    writeJson(res, req, text) {
      sendJson(res, 200, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created,
        model: req.body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop" }],
        usage: usageOf(req, text),
      });
    },
    writeStream(res: http.ServerResponse, req, chunks, finish) {
      startSse(res);
      const base = { id: "chatcmpl-fake", object: "chat.completion.chunk", created, model: req.body.model };
      sse(res, { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
      for (const chunk of chunks)
        sse(res, { ...base, choices: [{ index: 0, delta: { content: chunk }, finish_reason: null }] });
      if (!finish) return;
      sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      sse(res, { ...base, choices: [], usage: usageOf(req, chunks.join("")) });
      sse(res, "[DONE]");
      res.end();
    },
    writeError(res, reply) {
      const type =
        reply.status === 401 ? "invalid_request_error" : reply.status === 429 ? "rate_limit_exceeded" : "server_error";
      sendJson(
        res,
        reply.status,
        {
          error: {
            message: reply.message ?? `fake error ${reply.status}`,
            type,
            param: null,
            code: reply.status === 401 ? "invalid_api_key" : null,
          },
        },
        reply.headers,
      );
    },
  };
}

export function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeServer> {
  return startFakeServer(openAIProtocol(options), options.script ?? new FakeScript());
}
