// The web UI's one API client: openapi-fetch typed by schema.d.ts (generated from /openapi.json).
// Every failure becomes an ApiError carrying the server's `{error: {code, message}}`; a 401 also
// tells the auth state, which shows the sign-in screen (the draft prompt stays in local storage).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths };
export type Schemas = components["schemas"];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
/** Called on every 401 from the API (except the sign-in call itself, which reports its own error). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}
export function notifyUnauthorized(url: string): void {
  if (url.includes("/api/auth/session")) return;
  for (const l of unauthorizedListeners) l();
}

const authWatch: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401) notifyUnauthorized(request.url);
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "", credentials: "same-origin" });
api.use(authWatch);

/** Reads a non-2xx Response as an ApiError (the server always answers `{error: {code, message}}`). */
export async function errorFromResponse(response: Response, body?: unknown): Promise<ApiError> {
  let payload = body;
  if (payload === undefined) {
    try {
      payload = await response.clone().json();
    } catch {
      payload = undefined;
    }
  }
  const err = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  if (err?.code && err.message) return new ApiError(response.status, err.code, err.message, err.details);
  return new ApiError(
    response.status,
    `http_${response.status}`,
    `The server answered ${response.status} ${response.statusText || ""}`.trim(),
  );
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Unwraps an openapi-fetch result: the data, or an ApiError thrown with the server's code and message. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    if ((error as Error)?.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "The server could not be reached. Is `promptforge serve` running?");
  }
  if (!result.response.ok) throw await errorFromResponse(result.response, result.error);
  return result.data as T;
}
