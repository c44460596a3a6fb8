// Typed store failures. They belong to the app's AppError family, so surfaces map them to HTTP
// statuses once (not_found 404, conflict/stale/project_archived 409, validation_error 422).
import { AppError, type AppErrorOptions } from "../core/errors.js";

export type StoreErrorCode = "not_found" | "conflict" | "project_archived" | "validation_error" | "stale";

export class StoreError extends AppError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
    this.name = "StoreError";
  }
}

export function isStoreError(value: unknown, code?: StoreErrorCode): value is StoreError {
  return value instanceof StoreError && (code === undefined || value.code === code);
}

/** True for a unique-constraint violation from SQLite (better-sqlite3) or PostgreSQL (pg). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
