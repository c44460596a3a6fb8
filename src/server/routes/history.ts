// History: list/search, stats, delete (one, some, all), JSON Lines export and import.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { BulkDeleteSchema, HistoryQuerySchema } from "../../usecases/schemas.js";
import { HttpError } from "../errors.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponse, errorResponses, IdParams, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";
import { HistoryPage } from "../schemas.js";

const DeletedSchema = z.object({ deleted: z.number().int() }).meta({ id: "DeletedCount" });
const BreakdownSchema = z
  .object({
    count: z.number().int(),
    avg_overall: z.number().nullable(),
    improvement_rate: z.number().nullable().meta({ description: "Share (0–1) of scored records that improved" }),
  })
  .meta({ id: "StatsBreakdown" });
const StatsSchema = z
  .object({
    total: z.number().int(),
    by_status: z.record(z.string(), z.number().int()),
    avg_overall: z.number().nullable(),
    avg_improvement: z.number().nullable(),
    improvement_rate: z.number().nullable(),
    by_strategy: z.record(z.string(), BreakdownSchema),
    by_task_type: z.record(z.string(), BreakdownSchema),
    by_strategy_task_type: z
      .record(z.string(), z.record(z.string(), BreakdownSchema))
      .meta({ description: "strategy → task type → breakdown" }),
    score_distribution: z.record(z.string(), z.number().int()).meta({ description: 'Buckets "1-2" … "9-10"' }),
  })
  .meta({ id: "HistoryStats" });

export const IMPORT_MAX_RECORDS = 10_000;
/**
 * Import body: JSON (not raw JSON Lines) so every state-changing route accepts only
 * application/json. Each element is one line of an export file, parsed.
 */
export const ImportBodySchema = z.object({
  records: z.array(z.record(z.string(), z.unknown())).min(1).max(IMPORT_MAX_RECORDS),
});
const ImportResultSchema = z
  .object({
    inserted: z.number().int(),
    skipped: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  })
  .meta({ id: "ImportResult" });
const ConfirmHeaders = z.object({ "x-confirm-delete": z.string().optional() });

export function registerHistoryRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/history",
      operationId: "listHistory",
      tags: ["history"],
      summary: "List optimizations: full-text search, filters, sort, pagination",
      query: HistoryQuerySchema,
      responses: jsonResponse(HistoryPage, "One page of records"),
    },
    // The page arrives as UTF-8 JSON (serialised once while the history is unchanged).
    async (c, { query }) => c.body(await app.history.listJson(query), 200, { "Content-Type": "application/json" }),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/history/stats",
      operationId: "getHistoryStats",
      tags: ["history"],
      summary: "Totals, averages and breakdowns",
      responses: jsonResponse(StatsSchema, "Statistics"),
    },
    async (c) => c.json(await app.history.stats()),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/history/export",
      operationId: "exportHistory",
      tags: ["history"],
      summary: "Download every record as JSON Lines",
      responses: {
        "200": {
          description: "One JSON record per line",
          content: { "application/x-ndjson": { schema: { type: "string" } } },
        },
      },
    },
    async (c) => {
      const body = await app.history.exportJsonl();
      const stamp = new Date().toISOString().slice(0, 10);
      return c.body(body, 200, {
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="promptforge-history-${stamp}.jsonl"`,
      });
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/history/import",
      operationId: "importHistory",
      tags: ["history"],
      summary: "Restore records from an export (idempotent: known ids are skipped)",
      description:
        'Body `{ "records": [ … ] }` where each element is one parsed line of an export file ' +
        `(at most ${IMPORT_MAX_RECORDS} per request, within the request size limit). ` +
        "Per-record problems are reported in `errors` with their 1-based position as `line`.",
      body: { schema: ImportBodySchema },
      responses: jsonResponse(ImportResultSchema, "What was inserted or skipped"),
    },
    async (c, { body }) => {
      const text = body.records.map((record) => JSON.stringify(record)).join("\n");
      return c.json(await app.history.importJsonl(text));
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/history/bulk-delete",
      operationId: "bulkDeleteHistory",
      tags: ["history"],
      summary: "Delete 1–100 records by id",
      body: { schema: BulkDeleteSchema },
      responses: jsonResponse(DeletedSchema, "How many were deleted"),
    },
    async (c, { body }) => c.json(await app.history.bulkDelete(body)),
  );

  // Registered before /api/history/{id} so the literal segment wins.
  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/history/all",
      operationId: "deleteAllHistory",
      tags: ["history"],
      summary: "Delete every record (requires `X-Confirm-Delete: yes`)",
      headers: ConfirmHeaders,
      responses: { ...jsonResponse(DeletedSchema, "How many were deleted"), ...errorResponses(428) },
    },
    async (c, { headers }) => {
      if (headers["x-confirm-delete"]?.trim().toLowerCase() !== "yes") {
        throw new HttpError(
          428,
          "confirmation_required",
          "Deleting the whole history needs the header `X-Confirm-Delete: yes`.",
        );
      }
      return c.json(await app.history.deleteAll());
    },
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/history/{id}",
      operationId: "deleteOptimization",
      tags: ["history"],
      summary: "Delete one record (`If-Match` with its `ETag` makes it conditional)",
      params: IdParams,
      headers: z.object({
        "if-match": z
          .string()
          .max(2000)
          .optional()
          .describe("The `ETag` of GET /api/optimize/{id} (or `*`); 412 `stale` when the record changed since"),
      }),
      responses: {
        "204": { description: "Deleted" },
        ...errorResponses(404),
        "412": errorResponse(412, "`If-Match` names a version that is no longer current (`stale`)"),
      },
    },
    async (c, { params, headers }) => {
      await app.history.delete(params.id, { ifMatch: headers["if-match"] });
      return c.body(null, 204);
    },
  );
}
