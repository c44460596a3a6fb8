// HTTP error mapping, done once: AppError (use cases), HttpError (transport problems such as a
// malformed body) and Hono's HTTPException become `{ error: { code, message, details? } }` with the
// right status; anything else is a logged 500 with a generic message and no stack trace.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import type { z } from "zod";
import { isAppError } from "../core/errors.js";
import { printablePath } from "../security/canonical-path.js";
import { reportableIssues } from "../usecases/validate.js";
import { storageFault } from "./storage-faults.js";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A transport-level failure (bad JSON, wrong media type, missing confirmation header, …). */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details?: unknown;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** The same shape the use cases produce for a zod failure (see usecases/validate.ts). */
export function validationError(error: z.ZodError, where: "body" | "query" | "path" | "header"): HttpError {
  const issues = reportableIssues(error.issues).map((issue) => ({
    path: issue.path.map(String).join(".") || `(${where})`,
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  return new HttpError(422, "validation_error", `Invalid ${where} — ${summary}`, { details: { in: where, issues } });
}

const HTTP_EXCEPTION_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** Maps any thrown value to a JSON error response; logs what the client must not see. */
export function errorResponse(c: Context, err: unknown, logger: Logger, options: { dataDir?: string } = {}): Response {
  const internal =
    !(err instanceof HttpError || err instanceof HTTPException) && (!isAppError(err) || err.code === "internal_error");
  const fault = internal
    ? (storageFault(err, options.dataDir) ?? storageFault((err as { cause?: unknown }).cause, options.dataDir))
    : null;
  if (fault) {
    logger.error({ err, code: fault.code, method: c.req.method, path: printablePath(c.req.path) }, "storage failure");
    return c.json(errorBody(fault.code, fault.message), fault.status, fault.headers);
  }
  if (isAppError(err)) {
    if (err.status >= 500) logger.error({ err, code: err.code, path: printablePath(c.req.path) }, "request failed");
    const message = err.code === "internal_error" ? "Internal server error." : err.message;
    const details = err.code === "internal_error" ? undefined : err.details;
    return c.json(errorBody(err.code, message, details), err.status as ContentfulStatusCode);
  }
  if (err instanceof HttpError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = HTTP_EXCEPTION_CODES[status] ?? (status >= 500 ? "internal_error" : "bad_request");
    if (status >= 500) {
      logger.error({ err, path: printablePath(c.req.path) }, "request failed");
      return c.json(errorBody("internal_error", "Internal server error."), 500);
    }
    const message = status === 400 && /json/i.test(err.message) ? "The request body is not valid JSON." : err.message;
    return c.json(errorBody(status === 400 && /json/i.test(err.message) ? "invalid_json" : code, message), status);
  }
  logger.error({ err, method: c.req.method, path: printablePath(c.req.path) }, "unhandled error");
  return c.json(errorBody("internal_error", "Internal server error."), 500);
}

export function onErrorHandler(logger: Logger, options: { dataDir?: string } = {}): ErrorHandler {
  return (err, c) => errorResponse(c, err, logger, options);
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody("not_found", `No route for ${c.req.method} ${printablePath(c.req.path)}.`), 404);

export function methodNotAllowedResponse(c: Context, methods: string[]): Response {
  return c.json(
    errorBody(
      "method_not_allowed",
      `${c.req.method} is not allowed on ${printablePath(c.req.path)}; allowed: ${methods.join(", ")}.`,
    ),
    405,
    { Allow: methods.join(", ") },
  );
}
