// One declaration per route: the same object registers the OpenAPI operation and the handler, and
// validates path, query, headers and JSON body with its zod schemas before the handler runs. The
// order is fixed: path → query → headers → media type (415) → JSON syntax (400) → body schema (422).
// The operation also gets what the middleware around every route adds (security requirement,
// 401/403/413/415/429, 400/422 from the validation here): see `impliedErrorResponses`.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import { HttpError, validationError } from "./errors.js";
import { impliedErrorResponses, isAuthExempt, SECURITY_REQUIREMENT } from "./openapi.js";

type ObjectSchema = z.ZodObject;
type BodySchema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type HttpMethod = "get" | "post" | "put" | "delete";

export interface RouteSpec<
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  H extends ObjectSchema | undefined,
  B extends BodySchema | undefined,
> {
  method: HttpMethod;
  /** OpenAPI-style path: `/api/optimize/{id}`. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Unique camelCase verb phrase (`listHistory`); generated clients name their methods after it. */
  operationId: string;
  params?: P;
  query?: Q;
  /** Header names in lower case (HTTP headers are case-insensitive; Hono lower-cases them). */
  headers?: H;
  body?: { schema: B; required?: boolean; description?: string };
  responses: RouteConfig["responses"];
}

export interface RouteInput<P, Q, H, B> {
  params: Out<P>;
  query: Out<Q>;
  headers: Out<H>;
  body: Out<B>;
}

export type RouteHandler<P, Q, H, B> = (c: Context, input: RouteInput<P, Q, H, B>) => Response | Promise<Response>;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return JSON_MEDIA_TYPE.test(value.split(";")[0]?.trim() ?? "");
}

/** Reads a JSON body: wrong media type → 415, bad syntax → 400. An optional empty body reads as {}. */
export async function readJsonBody(c: Context, required: boolean): Promise<unknown> {
  const contentType = c.req.header("content-type");
  const text = c.req.raw.body ? await c.req.text() : "";
  if (!contentType) {
    if (text.length === 0) return required ? undefined : {};
    throw new HttpError(
      415,
      "unsupported_media_type",
      "Send the request body as JSON with Content-Type: application/json.",
    );
  }
  if (!isJsonContentType(contentType)) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      `Content-Type ${contentType.split(";")[0]?.trim().slice(0, 100)} is not supported here; send application/json.`,
    );
  }
  if (text.trim() === "") {
    if (!required) return {};
    throw new HttpError(400, "invalid_json", "The request body is empty; send a JSON object.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
}

function queryObject(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

function parseWith<S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
  where: "body" | "query" | "path" | "header",
): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data as Out<S>;
}

/** What an operation's document entry is made of; `defineRoute` takes this plus a handler. */
export type OperationSpec = RouteSpec<
  ObjectSchema | undefined,
  ObjectSchema | undefined,
  ObjectSchema | undefined,
  BodySchema | undefined
>;

/**
 * Adds the operation to the OpenAPI document only (for routes served by a plain Hono sub-app,
 * such as the MCP activity feed): the same security requirement and middleware error responses
 * as `defineRoute`, which calls it. `validated: false` leaves out the 400/422 that only
 * `defineRoute`'s own validation produces, for a handler that does not validate its input.
 */
export function registerOperation(http: OpenAPIHono, spec: OperationSpec, options: { validated?: boolean } = {}): void {
  const validated = options.validated ?? true;
  const request: NonNullable<RouteConfig["request"]> = {};
  if (spec.params) request.params = spec.params;
  if (spec.query) request.query = spec.query;
  if (spec.headers) request.headers = spec.headers;
  if (spec.body?.schema) {
    request.body = {
      description: spec.body.description,
      required: spec.body.required ?? true,
      content: { "application/json": { schema: spec.body.schema } },
    };
  }
  const implied = impliedErrorResponses({
    method: spec.method,
    path: spec.path,
    hasParams: spec.params !== undefined,
    validatesInput: validated && (spec.params ?? spec.query ?? spec.body?.schema) !== undefined,
    hasJsonBody: validated && spec.body?.schema !== undefined,
  });
  // The implied entries win: their descriptions say exactly why this operation can get the status.
  const merged: RouteConfig["responses"] = { ...spec.responses, ...implied };
  const responses: RouteConfig["responses"] = {};
  for (const status of Object.keys(merged).sort()) responses[status] = merged[status];
  http.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    tags: spec.tags,
    summary: spec.summary,
    description: spec.description,
    operationId: spec.operationId,
    security: spec.path.startsWith("/api/") && !isAuthExempt(spec.method, spec.path) ? SECURITY_REQUIREMENT : [],
    request: Object.keys(request).length > 0 ? request : undefined,
    responses,
  });
}

/** Registers the operation in the OpenAPI document and the handler on the app. */
export function defineRoute<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
  B extends BodySchema | undefined = undefined,
>(http: OpenAPIHono, spec: RouteSpec<P, Q, H, B>, handler: RouteHandler<P, Q, H, B>): void {
  registerOperation(http, spec as OperationSpec);

  const honoPath = spec.path.replaceAll(/\{([^}]+)\}/g, ":$1");
  const bodySpec = spec.body;
  http.on(spec.method.toUpperCase(), honoPath, async (c) => {
    // Each input is read only when the route declares a schema for it (reading all headers or the
    // query string costs a walk over them on every request).
    const params = (spec.params ? parseWith(spec.params, c.req.param(), "path") : undefined) as Out<P>;
    const query = (spec.query ? parseWith(spec.query, queryObject(c), "query") : undefined) as Out<Q>;
    const headers = (spec.headers ? parseWith(spec.headers, c.req.header(), "header") : undefined) as Out<H>;
    let body = undefined as Out<B>;
    if (bodySpec?.schema) {
      const raw = await readJsonBody(c, bodySpec.required ?? true);
      body = parseWith(bodySpec.schema, raw, "body");
    }
    return handler(c, { params, query, headers, body });
  });
}
