// One error family for the whole app: a stable code, an HTTP status and a safe message.
// Surfaces (REST, MCP, CLI) map AppError once; anything else is an internal error whose
// details never leave the process.

export type AppErrorCode =
  | "validation_error"
  | "not_found"
  | "conflict"
  | "stale"
  | "project_archived"
  | "not_running"
  | "cancelled"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "provider_error"
  | "timeout"
  | "not_configured"
  | "github_unauthorized"
  | "github_rate_limited"
  | "github_error"
  | "service_unavailable"
  | "internal_error";

const STATUS: Record<AppErrorCode, number> = {
  validation_error: 422,
  not_found: 404,
  conflict: 409,
  stale: 409,
  project_archived: 409,
  not_running: 409,
  cancelled: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  provider_error: 502,
  timeout: 504,
  not_configured: 409,
  // GitHub refused the stored token (revoked or expired): connect again.
  github_unauthorized: 409,
  github_rate_limited: 429,
  github_error: 502,
  // A shared backend (Redis) is unreachable: the request can be retried shortly.
  service_unavailable: 503,
  internal_error: 500,
};

export interface AppErrorOptions {
  details?: unknown;
  retryable?: boolean;
  cause?: unknown;
  status?: number;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly retryable: boolean;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? STATUS[code];
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** True for the error a cancelled AbortSignal produces. */
export function isAbortError(value: unknown): boolean {
  return (
    value instanceof Error && (value.name === "AbortError" || (value instanceof AppError && value.code === "cancelled"))
  );
}
