// Shared OpenAPI pieces: the error body, id path parameters, response helpers and the document
// header. Operation schemas come from the use-case schemas; nothing here redefines a contract.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_error" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

export const IdSchema = z.string().trim().min(1).max(100);
export const IdParams = z.object({ id: IdSchema });
export const ProjectPromptParams = z.object({ id: IdSchema, pid: IdSchema });

type Responses = RouteConfig["responses"];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON body (`invalid_json`) or bad request",
  404: "Not found (`not_found`)",
  409: "Conflict (`conflict`, `stale`, `project_archived`, `not_running`)",
  413: "Request body over the size limit (`payload_too_large`)",
  415: "Body is not `application/json` (`unsupported_media_type`)",
  422: "Body, query or path parameter failed validation (`validation_error`)",
  428: "A required confirmation header is missing (`confirmation_required`)",
  500: "Internal error (`internal_error`); details are only in the server log",
};

export function errorResponses(...statuses: number[]): Responses {
  const out: Responses = {};
  for (const status of statuses) {
    out[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error",
      content: { "application/json": { schema: ErrorSchema } },
    };
  }
  return out;
}

export function jsonResponse(schema: z.ZodType, description: string, status = 200): Responses {
  return { [String(status)]: { description, content: { "application/json": { schema } } } };
}

export const SSE_DESCRIPTION = [
  "A `text/event-stream` of named events, each with an incrementing `id:` line and JSON `data:`;",
  "a `: ping` comment every 15 s keeps idle connections open.",
  "Events: `stage` {stage, status, iteration}, `step_progress` {stage, progress, message}, `analysis`,",
  "`strategy`, `optimization_delta` {text}, `optimization`, `validation`, `iteration`, `warning` {code, message},",
  "then exactly one of `complete` (data: the stored record, committed before it is sent) or",
  "`error` {code, message, stage, retryable}. The new record's id is in the `X-Optimization-Id` header.",
  "Disconnecting cancels the run (the record ends `cancelled`).",
  "Invalid input is answered with a JSON error before any stream starts.",
].join(" ");

export function sseResponse(description = SSE_DESCRIPTION): Responses {
  return {
    "200": {
      description,
      headers: { "X-Optimization-Id": { description: "Id of the record being produced", schema: { type: "string" } } },
      content: { "text/event-stream": { schema: { type: "string" } } },
    },
  };
}

export function documentConfig(version: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "PromptForge API",
      version,
      description:
        "Analyse, rewrite and score LLM prompts. Errors are `{ error: { code, message, details? } }`. " +
        "Lists are paginated with `page` and `per_page` (≤ 100) and return `total`.",
      license: { name: "MIT" },
    },
    tags: [
      { name: "meta", description: "Health, strategies and providers" },
      { name: "optimize", description: "Run the pipeline (Server-Sent Events), retry, cancel, batch" },
      { name: "orchestrate", description: "Run one pipeline stage alone" },
      { name: "history", description: "Stored optimizations: search, stats, export and import" },
      { name: "projects", description: "Projects and their versioned prompts" },
    ],
  };
}

export function buildOpenApiDocument(http: OpenAPIHono, version: string) {
  return http.getOpenAPI31Document(documentConfig(version) as Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]);
}
