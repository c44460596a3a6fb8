// One error handler for every view: aborts are ignored, everything else is shown with its message
// and code (never swallowed).
import { ApiError } from "../api/client";
import { toasts } from "./toasts.svelte";

export function isAbort(error: unknown): boolean {
  return (error as Error)?.name === "AbortError";
}

export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: "client_error", message: error.message };
  return { code: "client_error", message: String(error) };
}

/** Shows the error as a toast (unless it is an abort); returns it described, for inline display. */
export function reportError(error: unknown, context?: string): { code: string; message: string } | null {
  if (isAbort(error)) return null;
  const d = describeError(error);
  if (error instanceof ApiError && error.status === 401) return d; // the sign-in screen takes over
  toasts.push({ kind: "error", message: context ? `${context}: ${d.message}` : d.message, code: d.code });
  return d;
}
