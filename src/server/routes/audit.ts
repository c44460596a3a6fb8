// The audit log (state-changing requests, auth failures and 429s), newest first.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { HttpDeps } from "../http-deps.js";
import { jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const AuditQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
  status: z
    .string()
    .regex(/^[1-5](\d\d|xx)$/i, "status is a code such as 404 or a class such as 4xx")
    .optional()
    .meta({ description: "Only this status (`404`) or class (`4xx`)" }),
  path: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Only paths containing this text (case-insensitive)" }),
});
const AuditEventSchema = z
  .object({
    id: z.string(),
    time: z.string(),
    method: z.string(),
    path: z.string(),
    status: z.number(),
    client_ip: z.string().nullable(),
    duration_ms: z.number(),
    request_id: z.string().nullable(),
  })
  .meta({ id: "AuditEntry" });
const AuditPage = z
  .object({
    items: z.array(AuditEventSchema),
    total: z.number(),
    page: z.number(),
    per_page: z.number(),
  })
  .meta({ id: "AuditPage" });

export function registerAuditRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  defineRoute(
    http,
    {
      method: "get",
      path: "/api/audit",
      operationId: "listAuditEntries",
      tags: ["audit"],
      summary: "The audit log, paginated, newest first",
      query: AuditQuery,
      responses: jsonResponse(AuditPage, "One page of audit events"),
    },
    async (c, { query }) => {
      await deps.flushAudit();
      return c.json(await deps.app.audit.list(query));
    },
  );
}
