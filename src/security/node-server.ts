// Requests Node's HTTP parser refuses before any middleware runs (an unknown method such as
// `curl -X FOO`, a malformed request line or header, headers over the size limit, a request that
// timed out) get a JSON error with the security headers, like every other answer — not Node's bare
// `400 Bad Request` with no body. The socket is closed afterwards: its stream position is unknown.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { FIXED_SECURITY_HEADERS } from "./headers.js";

interface ParseError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/** Status, code and message for a parser error (`HPE_*` codes of llhttp; Node's own codes). */
export function describeClientError(error: ParseError): { status: number; code: string; message: string } {
  switch (error.code) {
    case "HPE_INVALID_METHOD":
      return {
        status: 400,
        code: "invalid_method",
        message:
          "The request method is not one HTTP defines; this API answers GET, HEAD, POST, PUT, DELETE and OPTIONS.",
      };
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, code: "headers_too_large", message: "The request headers are too large." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, code: "request_timeout", message: "The request was not received in time." };
    case "HPE_INVALID_VERSION":
      return { status: 505, code: "http_version_not_supported", message: "Use HTTP/1.0 or HTTP/1.1." };
    default:
      return { status: 400, code: "bad_request", message: "The request could not be parsed as HTTP." };
  }
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  505: "HTTP Version Not Supported",
};

/** A complete HTTP/1.1 response (status line, headers, JSON body) for a parser error. */
export function clientErrorResponse(error: ParseError): string {
  const { status, code, message } = describeClientError(error);
  const body = JSON.stringify({ error: { code, message } });
  const headers: Record<string, string> = {
    "Content-Type": "application/json; charset=UTF-8",
    "Content-Length": String(Buffer.byteLength(body)),
    "Cache-Control": "no-store",
    Connection: "close",
    ...FIXED_SECURITY_HEADERS,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${REASONS[status] ?? "Bad Request"}\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}

/**
 * Answers parser errors on `server` with {@link clientErrorResponse}. `onError` hears the code
 * (for a log line); nothing of the request is echoed or logged.
 */
export function answerClientErrors(server: Server, onError?: (code: string) => void): void {
  server.on("clientError", (error: ParseError, socket: Socket) => {
    // A reset or a socket that is already gone has no one to answer.
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    onError?.(describeClientError(error).code);
    socket.end(clientErrorResponse(error));
  });
}
