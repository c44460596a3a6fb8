// Fake Gemini API: /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse with
// `x-goog-api-key`; a wrong key gets Gemini's 400 API_KEY_INVALID answer.
import {
  contentText,
  type FakeReply,
  FakeScript,
  type FakeServer,
  type ProtocolHandler,
  sendJson,
  sse,
  startFakeServer,
  startSse,
} from "./fake-llm-core.js";

export interface FakeGeminiOptions {
  apiKey?: string;
  script?: FakeScript;
}

const usage = (body: Record<string, unknown>, text: string) => {
  const prompt = Math.ceil(JSON.stringify(body.contents ?? "").length / 4);
  const candidates = Math.ceil(text.length / 4);
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
};

export function geminiProtocol(options: FakeGeminiOptions): ProtocolHandler {
  return {
    parse(path, headers, body) {
      const m = /\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)/.exec(path);
      if (!m) return null;
      const contents = (body.contents ?? []) as Array<{ role: string; parts: unknown }>;
      const systemInstruction = body.systemInstruction as { parts?: unknown } | undefined;
      return {
        path,
        headers,
        body: { ...body, model: decodeURIComponent(m[1] ?? "") },
        system: contentText(systemInstruction?.parts),
        user: contents
          .filter((c) => c.role === "user")
          .map((c) => contentText(c.parts))
          .join("\n\n"),
        stream: m[2] === "streamGenerateContent",
      };
    },
    authenticate(req): FakeReply | null {
      if (!options.apiKey || req.headers["x-goog-api-key"] === options.apiKey) return null;
      return { type: "error", status: 400, message: "API key not valid. Please pass a valid API key." };
    },
    writeJson(res, req, text) {
      sendJson(res, 200, {
        candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 }],
        usageMetadata: usage(req.body, text),
        modelVersion: req.body.model,
      });
    },
    writeStream(res, req, chunks, finish) {
      startSse(res);
      chunks.forEach((text, i) => {
        const last = finish && i === chunks.length - 1;
        sse(res, {
          candidates: [
            { content: { parts: [{ text }], role: "model" }, index: 0, ...(last ? { finishReason: "STOP" } : {}) },
          ],
          ...(last ? { usageMetadata: usage(req.body, chunks.join("")) } : {}),
          modelVersion: req.body.model,
        });
      });
      if (finish) res.end();
    },
    writeError(res, reply) {
      const status =
        reply.status === 400
          ? "INVALID_ARGUMENT"
          : reply.status === 429
            ? "RESOURCE_EXHAUSTED"
            : reply.status === 403
              ? "PERMISSION_DENIED"
              : "UNAVAILABLE";
      const details = /API key/.test(reply.message ?? "")
        ? [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }]
        : [];
      sendJson(
        res,
        reply.status,
        { error: { code: reply.status, message: reply.message ?? `fake ${status}`, status, details } },
        reply.headers,
      );
    },
  };
}

export function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeServer> {
  return startFakeServer(geminiProtocol(options), options.script ?? new FakeScript());
}
