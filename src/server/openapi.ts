// Shared OpenAPI pieces: the error body, id path parameters, response helpers and the document
// header. Operation schemas come from the use-case schemas; nothing here redefines a contract.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { isStateChanging } from "../security/csrf.js";
import { DEFAULT_SESSION_COOKIE } from "../security/session.js";
import { AUTH_EXEMPT_ROUTES, isOptimizeFamily } from "./security.js";

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
  401: "Authentication required (`unauthorized`)",
  403: "Refused by the Host or cross-site guard (`invalid_host`, `forbidden`)",
  404: "Not found (`not_found`)",
  409: "Conflict (`conflict`, `stale`, `project_archived`, `not_running`)",
  413: "Request body over the size limit (`payload_too_large`)",
  415: "Body is not `application/json` (`unsupported_media_type`)",
  422: "Body, query or path parameter failed validation (`validation_error`)",
  428: "A required confirmation header is missing (`confirmation_required`)",
  429: "Too many requests (`rate_limited`); retry after `Retry-After` seconds",
  500: "Internal error (`internal_error`); details are only in the server log",
  502: "The provider answered with an error (`provider_error`)",
  503: "Temporarily unavailable (`unavailable`)",
  504: "The provider did not answer in time (`timeout`)",
};

export function errorResponses(...statuses: number[]): Responses {
  const out: Responses = {};
  for (const status of statuses) out[String(status)] = errorResponse(status);
  return out;
}

/** One error response; `description` replaces the generic one for the status. */
export function errorResponse(
  status: number,
  description = ERROR_DESCRIPTIONS[status] ?? "Error",
  headers?: HeaderDocs,
): Responses[string] {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema: ErrorSchema } } };
}

/** The components.securitySchemes names; protected operations accept either. */
export const SECURITY_REQUIREMENT: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { sessionCookie: [] }];

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <AUTH_TOKEN>`. Enforced only when the server has `AUTH_TOKEN` set; without it " +
      "every operation is open. The token is compared in constant time and never accepted in the query string.",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: DEFAULT_SESSION_COOKIE,
    description:
      "The browser alternative to the bearer token: `POST /api/auth/session` with `{ token }` sets this HttpOnly, " +
      "SameSite=Strict cookie (12 h; `DELETE /api/auth/session` revokes it). Used only when no `Authorization` " +
      "header is sent; state-changing requests with it still pass the cross-site check.",
  },
} as const;

const EXEMPT = new Set(AUTH_EXEMPT_ROUTES.map((route) => route.toLowerCase()));

/** Whether `METHOD /api/path` is one of the operations that never need credentials. */
export function isAuthExempt(method: string, path: string): boolean {
  return EXEMPT.has(`${method} ${path}`.toLowerCase());
}

type HeaderDocs = Record<string, { description: string; schema: { type: "string" | "integer" } }>;

const RATE_LIMIT_HEADERS: HeaderDocs = {
  "Retry-After": { description: "Seconds until a request will be accepted again", schema: { type: "integer" } },
  "RateLimit-Limit": { description: "Requests allowed per minute", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in the window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window frees a slot", schema: { type: "integer" } },
};
const WWW_AUTHENTICATE: HeaderDocs = {
  "WWW-Authenticate": { description: '`Bearer realm="promptforge"`', schema: { type: "string" } },
};

export interface ImpliedErrorsInput {
  method: string;
  /** OpenAPI-style path, `/api/optimize/{id}`. */
  path: string;
  /** Has path parameters (the bearer check refuses ambiguous ones with 400 `invalid_path`). */
  hasParams: boolean;
  /** Path, query or body is checked against a schema (422 `validation_error`). */
  validatesInput: boolean;
  /** A JSON body is parsed (400 `invalid_json`). */
  hasJsonBody: boolean;
}

/**
 * The error responses an operation gets from the middleware around it and from `defineRoute`'s
 * validation, whatever its handler does (see server/security.ts and server/app.ts for the order):
 * - 403 on every route: the Host guard (`invalid_host`, on a loopback bind) and, for
 *   state-changing methods, the cross-site check (`forbidden`);
 * - 415 and 413 on state-changing /api routes (non-JSON body; body over BODY_LIMIT_BYTES);
 * - 429 on /api routes except `GET /api/health`;
 * - 401 on /api routes outside AUTH_EXEMPT_ROUTES (only when AUTH_TOKEN is set);
 * - 400 `invalid_path` when a path parameter decodes to something ambiguous (`%2F`, `..`), with or
 *   without AUTH_TOKEN;
 * - 400 `invalid_json`/`invalid_utf8` with a JSON body, 422 with path, query or body schemas
 *   (unknown body fields included; `defineRoute`).
 * 405 (another method on a known path) is global and described once in the document's info.
 */
export function impliedErrorResponses(input: ImpliedErrorsInput): Responses {
  const method = input.method.toUpperCase();
  const underApi = input.path.startsWith("/api/");
  const changing = isStateChanging(method);
  const isProtected = underApi && !isAuthExempt(method, input.path);
  const out: Responses = {};

  const bad: string[] = [];
  if (input.hasJsonBody)
    bad.push("the JSON body is malformed or empty (`invalid_json`) or not valid UTF-8 (`invalid_utf8`)");
  if (input.hasParams)
    bad.push("a path segment is ambiguous once decoded, such as an encoded `/` or `..` (`invalid_path`)");
  if (bad.length > 0) out["400"] = errorResponse(400, capitalize(bad.join("; or ")));

  if (isProtected) {
    out["401"] = errorResponse(
      401,
      "No valid credentials (`unauthorized`): send `Authorization: Bearer <AUTH_TOKEN>` or the session cookie " +
        "from `POST /api/auth/session`. Only when the server has `AUTH_TOKEN` set.",
      WWW_AUTHENTICATE,
    );
  }

  const hostGuard =
    "the `Host` header is neither a loopback name nor in `ALLOWED_HOSTS` (`invalid_host`; DNS-rebinding guard, " +
    "only when the server is bound to a loopback address)";
  out["403"] = errorResponse(
    403,
    changing
      ? "Refused: a cross-site request (`forbidden`): `Sec-Fetch-Site` other than `same-origin`/`none`, or an " +
          "`Origin` other than this server's loopback origins and `PUBLIC_URL`; or " +
          hostGuard
      : capitalize(hostGuard),
  );

  if (underApi && changing) {
    out["413"] = errorResponse(
      413,
      "The request body is over `BODY_LIMIT_BYTES` (`payload_too_large`); the connection is closed",
    );
    out["415"] = errorResponse(
      415,
      "A request body whose Content-Type is not `application/json` (`unsupported_media_type`)",
    );
  }

  if (input.validatesInput) {
    out["422"] = errorResponse(
      422,
      "The path, query, headers or body failed validation, or the body has a field the operation does not define (`validation_error`; `details.in` and `details.issues` say which)",
    );
  }

  if (underApi && !(method === "GET" && input.path === "/api/health")) {
    const optimize = isOptimizeFamily(method, input.path)
      ? ", or more than `RATE_LIMIT_OPTIMIZE_RPM` runs a minute of the optimize family"
      : "";
    // A stage run alone answers a provider's own refusal with its status; streams report it as an event.
    const provider = input.path.startsWith("/api/orchestrate/")
      ? "; also when the provider refuses for its rate or usage limit (no `Retry-After`; `details.retry_after_s` when known)"
      : "";
    out["429"] = errorResponse(
      429,
      `Rate limited (\`rate_limited\`): more than \`RATE_LIMIT_RPM\` requests a minute from this client${optimize}; ` +
        `retry after \`Retry-After\` seconds${provider}`,
      RATE_LIMIT_HEADERS,
    );
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
      description: [
        "Analyse, rewrite and score LLM prompts. Errors are `{ error: { code, message, details? } }`.",
        "Lists are paginated with `page` and `per_page` (≤ 100) and return `total`.",
        "",
        "**Authentication**: when the server has `AUTH_TOKEN` set, every `/api` operation except the ones with no",
        "security requirement needs `Authorization: Bearer <AUTH_TOKEN>` (scheme `bearerAuth`) or the session",
        "cookie set by `POST /api/auth/session` (scheme `sessionCookie`). Without `AUTH_TOKEN` nothing needs it.",
        "",
        "**On every operation**: a method the path does not support gets 405 `method_not_allowed` with an",
        "`Allow` header; an unknown path gets 404 `not_found`.",
      ].join("\n"),
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "The server that serves this document (same origin)" }],
    tags: [
      { name: "meta", description: "Health, strategies and providers" },
      { name: "optimize", description: "Run the pipeline (Server-Sent Events), retry, cancel, batch" },
      { name: "orchestrate", description: "Run one pipeline stage alone" },
      { name: "history", description: "Stored optimizations: search, stats, export and import" },
      { name: "projects", description: "Projects and their versioned prompts" },
      { name: "tests", description: "Prompt tests: run original against optimized on test cases, and the cases" },
      { name: "providers", description: "Stored provider API keys and key checks" },
      { name: "auth", description: "Browser sign-in with the API token (session cookie)" },
      { name: "audit", description: "The audit log of state-changing requests, auth failures and rate limits" },
      { name: "mcp", description: "Activity of the MCP server started by `promptforge serve`" },
    ],
  };
}

export function buildOpenApiDocument(http: OpenAPIHono, version: string) {
  const doc = http.getOpenAPI31Document(documentConfig(version) as Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]);
  doc.components = { ...doc.components, securitySchemes: { ...SECURITY_SCHEMES } };
  return doc;
}
