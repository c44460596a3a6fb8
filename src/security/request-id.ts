// A request id for logs and audit records: an inbound `X-Request-Id` is kept only when it is
// short and made of safe characters (it ends up in log lines), otherwise a UUID is generated.
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { setResponseHeader } from "./response-header.js";

export type RequestIdVariables = { requestId: string };

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface RequestIdOptions {
  /** Header read and echoed (default `X-Request-Id`). */
  header?: string;
  generate?: () => string;
}

export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const header = options.header ?? "X-Request-Id";
  const generate = options.generate ?? randomUUID;
  return async (c, next) => {
    const inbound = c.req.header(header);
    const id = inbound !== undefined && REQUEST_ID_PATTERN.test(inbound) ? inbound : generate();
    c.set("requestId", id);
    await next();
    setResponseHeader(c, header, id);
  };
}
