// State-changing requests with a body must declare `application/json`: blocks form and text/plain
// posts (the "simple" requests a browser sends cross-site without a preflight).
import type { Context, MiddlewareHandler } from "hono";
import { isStateChanging } from "./csrf.js";
import { errorResponse } from "./error-response.js";

/** `application/json`, with any parameters (`; charset=utf-8`), case-insensitively. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(";")[0].trim().toLowerCase() === "application/json";
}

function hasBody(c: Context): boolean {
  const length = c.req.header("content-length");
  if (length !== undefined) return length.trim() !== "0";
  if (c.req.header("transfer-encoding") !== undefined || c.req.header("content-type") !== undefined) return true;
  // HTTP/1.x without Content-Length or Transfer-Encoding has no body (node-server still hands us a
  // stream, so do not look at it). Elsewhere (HTTP/2, fetch-style runtimes) ask the Request itself.
  const incoming = (c.env as { incoming?: { httpVersionMajor?: number } } | undefined)?.incoming;
  if (incoming && (incoming.httpVersionMajor ?? 1) < 2) return false;
  return c.req.raw.body !== null;
}

/** 415 `unsupported_media_type` for a body that is not `application/json`; bodyless requests pass. */
export function requireJson(): MiddlewareHandler {
  return (c, next) => {
    if (!isStateChanging(c.req.method)) return next();
    const contentType = c.req.header("content-type");
    if (!hasBody(c)) return next();
    if (isJsonContentType(contentType)) return next();
    return Promise.resolve(errorResponse(c, 415, "unsupported_media_type", "Request body must be application/json"));
  };
}
