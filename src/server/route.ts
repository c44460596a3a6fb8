// One declaration per route: the same object registers the OpenAPI operation and the handler, and
// validates path, query, headers and JSON body with its zod schemas before the handler runs. The
// order is fixed: path → query → headers → media type (415) → JSON syntax (400) → body schema (422).
// The operation also gets what the middleware around every route adds (security requirement,
// 401/403/413/415/429, 400/422 from the validation here): see `impliedErrorResponses`.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import { cleanLine } from "../core/text.js";
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

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The first byte offset where `bytes` stops being valid UTF-8. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    try {
      UTF8.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** A body is UTF-8 JSON (RFC 8259): invalid bytes are refused, never silently replaced with U+FFFD. */
function decodeUtf8(buffer: ArrayBuffer): string {
  try {
    return UTF8.decode(buffer);
  } catch {
    const offset = invalidUtf8Offset(new Uint8Array(buffer));
    throw new HttpError(
      400,
      "invalid_utf8",
      `The request body is not valid UTF-8 (byte ${offset}); send JSON encoded as UTF-8.`,
    );
  }
}

/** Reads a JSON body: wrong media type → 415, bad syntax or bytes → 400. An optional empty body reads as {}. */
export async function readJsonBody(c: Context, required: boolean): Promise<unknown> {
  const contentType = c.req.header("content-type");
  const bytes = c.req.raw.body ? await c.req.arrayBuffer() : new ArrayBuffer(0);
  if (!contentType) {
    if (bytes.byteLength === 0) return required ? undefined : {};
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
  const text = decodeUtf8(bytes);
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

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The object schema a field accepts, seen through optional/default/pipe wrappers (null when none). */
function objectSchemaOf(schema: z.ZodType): Def | null {
  let def = defOf(schema);
  for (let depth = 0; depth < 10; depth++) {
    if (WRAPPERS.has(def.type) && def.innerType) def = defOf(def.innerType);
    else if (def.type === "pipe" && def.in) def = defOf(def.in);
    else break;
  }
  return def.type === "object" ? def : null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The first body field the schema does not declare (`codebase_context.langauge`), or null. zod
 * strips unknown keys silently; REST refuses them as MCP does, so a misspelt option is never
 * ignored. Objects that declare a catchall (strict or passthrough) are left to their own rule.
 */
export function unknownField(schema: z.ZodType, value: unknown, path = ""): string | null {
  const def = objectSchemaOf(schema);
  if (!def?.shape || !isPlainObject(value)) return null;
  if (def.catchall !== undefined) return null;
  for (const [key, child] of Object.entries(value)) {
    const field = def.shape[key];
    const where = path ? `${path}.${key}` : key;
    if (!field) return where;
    const nested = unknownField(field, child, where);
    if (nested) return nested;
  }
  return null;
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

const MAX_CACHED_QUERIES = 64;
const MAX_CACHED_QUERY = 512;
const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== "object" && typeof v !== "function");

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
  const querySchema = spec.query;
  // Clients repeat the same query strings (a UI polling page 1, an agent listing in a loop): the
  // validated result of a raw query string is kept, since query schemas are pure (no defaults or
  // transforms that read the clock or the store). Only flat results are kept, and each request gets
  // its own copy.
  const queries = new Map<string, Record<string, unknown>>();
  const parseQuery = (c: Context): Out<Q> => {
    const url = c.req.url;
    const mark = url.indexOf("?");
    const raw = mark === -1 ? "" : url.slice(mark + 1);
    const known = queries.get(raw);
    if (known !== undefined) return { ...known } as Out<Q>;
    const parsed = parseWith(querySchema, queryObject(c), "query") as Record<string, unknown>;
    if (raw.length <= MAX_CACHED_QUERY && Object.values(parsed).every(isPrimitive)) {
      if (queries.size >= MAX_CACHED_QUERIES) queries.clear();
      queries.set(raw, { ...parsed });
    }
    return parsed as Out<Q>;
  };
  http.on(spec.method.toUpperCase(), honoPath, async (c) => {
    // Each input is read only when the route declares a schema for it (reading all headers or the
    // query string costs a walk over them on every request).
    const params = (spec.params ? parseWith(spec.params, c.req.param(), "path") : undefined) as Out<P>;
    const query = (spec.query ? parseQuery(c) : undefined) as Out<Q>;
    const headers = (spec.headers ? parseWith(spec.headers, c.req.header(), "header") : undefined) as Out<H>;
    let body = undefined as Out<B>;
    if (bodySpec?.schema) {
      const raw = await readJsonBody(c, bodySpec.required ?? true);
      const unknown = unknownField(bodySpec.schema, raw);
      if (unknown !== null) {
        const field = cleanLine(unknown).slice(0, 100);
        const message = `unknown field "${field}"`;
        throw new HttpError(422, "validation_error", `Invalid body — ${message}`, {
          details: { in: "body", issues: [{ path: field, message }] },
        });
      }
      body = parseWith(bodySpec.schema, raw, "body");
    }
    return handler(c, { params, query, headers, body });
  });
}
