// The optimize family: run (SSE), get, follow a run's events (SSE, resumable), retry (SSE), cancel, batch (JSON or SSE), duplicate check.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { recordTag } from "../../store/versions.js";
import { CheckDuplicateSchema } from "../../usecases/history.js";
import { BatchRequestSchema, OptimizeRequestSchema, RetryRequestSchema } from "../../usecases/schemas.js";
import { apiKeyFrom, withEngineChoice } from "../engine-choice.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, IdParams, jsonResponse, sseResponse } from "../openapi.js";
import { defineRoute } from "../route.js";
import { followRun, parseRunEventId, streamBatch, streamOptimization, wantsEventStream } from "../run-stream.js";
import { OptimizationRecord } from "../schemas.js";

const BatchItemSchema = z
  .object({
    index: z.number().int(),
    status: z.enum(["completed", "error", "cancelled", "rejected"]),
    record: OptimizationRecord.optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: "BatchItem" });
const BatchSummarySchema = z
  .object({
    total: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    results: z.array(BatchItemSchema),
  })
  .meta({ id: "BatchSummary" });
const FollowQuerySchema = z.object({
  last_event_id: z
    .string()
    .max(40)
    .optional()
    .meta({ description: "Resume after this event id, for clients that cannot send the Last-Event-ID header" }),
});
const DuplicateSchema = z.object({ exists: z.boolean(), id: z.string().optional() }).meta({ id: "DuplicateCheck" });

export function registerOptimizeRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/optimize",
      operationId: "optimizePrompt",
      tags: ["optimize"],
      summary: "Optimize a prompt (Server-Sent Events)",
      description:
        "Naming a `project` creates it (or reactivates a soft-deleted one) unless it is archived. A client " +
        "disconnect cancels the run, unless the request sent `Prefer: resumable` (answered with " +
        "`Preference-Applied: resumable`): then the run goes on for `RUN_RESUME_GRACE_MS` (30 s) and while " +
        "anyone follows it through `GET /api/optimize/{id}/events`.",
      body: { schema: OptimizeRequestSchema },
      responses: { ...sseResponse(), ...errorResponses(404, 409) },
    },
    (c, { body }) =>
      streamOptimization(c, deps, (hooks) =>
        app.optimize(withEngineChoice(c, body), { ...hooks, apiKey: apiKeyFrom(c) }),
      ),
  );

  // Registered before /api/optimize/{id} so the literal segment wins.
  defineRoute(
    http,
    {
      method: "get",
      path: "/api/optimize/check-duplicate",
      operationId: "checkDuplicateTitle",
      tags: ["optimize"],
      summary: "Does an optimization with this title exist (case-insensitive, per project)?",
      query: CheckDuplicateSchema,
      responses: jsonResponse(DuplicateSchema, "Whether the title is taken"),
    },
    async (c, { query }) => c.json(await app.history.checkDuplicate(query)),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/optimize/batch",
      operationId: "optimizeBatch",
      tags: ["optimize"],
      summary: "Optimize 1–20 prompts",
      description:
        "Returns a JSON summary, or with `Accept: text/event-stream` streams `item_stage` events as each item's " +
        "stages start and finish ({index, stage, status, iteration}), one `progress` event per finished " +
        "item ({index, status, record | error, done, total}) and a final `complete` event carrying the summary. " +
        "One failure never stops the rest.",
      body: { schema: BatchRequestSchema },
      responses: {
        "200": {
          description: "Summary (JSON) or progress (SSE)",
          content: {
            "application/json": { schema: BatchSummarySchema },
            "text/event-stream": { schema: { type: "string" } },
          },
        },
      },
    },
    async (c, { body }) => {
      const input = withEngineChoice(c, body);
      const apiKey = apiKeyFrom(c);
      if (wantsEventStream(c)) return streamBatch(c, deps, (options) => app.batch(input, { ...options, apiKey }));
      return c.json(await app.batch(input, { signal: c.req.raw.signal, apiKey }));
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/optimize/{id}",
      operationId: "getOptimization",
      tags: ["optimize"],
      summary: "One optimization record",
      params: IdParams,
      responses: { ...jsonResponse(OptimizationRecord, "The record"), ...errorResponses(404) },
    },
    async (c, { params }) => {
      const record = await app.history.get(params.id);
      // The record's version: send it back as If-Match on DELETE /api/history/{id}.
      return c.json(record, 200, { ETag: recordTag(record) });
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/optimize/{id}/retry",
      operationId: "retryOptimization",
      tags: ["optimize"],
      summary: "Re-run an optimization as a new record linked by `retry_of` (Server-Sent Events)",
      params: IdParams,
      body: { schema: RetryRequestSchema, required: false, description: "Optional overrides; may be empty" },
      responses: { ...sseResponse(), ...errorResponses(404, 409) },
    },
    (c, { params, body }) =>
      streamOptimization(c, deps, (hooks) =>
        app.retry(params.id, withEngineChoice(c, body), { ...hooks, apiKey: apiKeyFrom(c) }),
      ),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/optimize/{id}/events",
      operationId: "followOptimization",
      tags: ["optimize"],
      summary: "Follow a run's events (Server-Sent Events; resume with Last-Event-ID)",
      description:
        "Replays the run's retained events after `Last-Event-ID` (the header, or `last_event_id` for clients " +
        "that cannot send headers; the header wins), with the same `id:` values the run's own stream sent, then " +
        "follows it live until its `complete` or `error` event and ends. Works on any instance (with Redis). " +
        "Events are kept for `RUN_EVENTS_TTL_MS` (1 h) after a run ends; a run that ended and whose events are " +
        "gone gets one terminal event built from its record (`complete` with the record, or `error`). " +
        "While anyone follows a run it is not cancelled for its own client having left. A Last-Event-ID that " +
        "is not a whole number is refused with 400 `invalid_last_event_id`.",
      params: IdParams,
      query: FollowQuerySchema,
      responses: { ...sseResponse("The run's events"), ...errorResponses(400, 404) },
    },
    (c, { params, query }) =>
      followRun(c, deps, params.id, parseRunEventId(c.req.header("last-event-id") ?? query.last_event_id)),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/optimize/{id}/cancel",
      operationId: "cancelOptimization",
      tags: ["optimize"],
      summary: "Cancel a running optimization",
      params: IdParams,
      responses: { ...jsonResponse(OptimizationRecord, "The cancelled record"), ...errorResponses(404, 409) },
    },
    async (c, { params }) => c.json(await app.cancel(params.id)),
  );
}
