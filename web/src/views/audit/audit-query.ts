// The Audit view's filters live in the route query (`#/audit?status=4xx&path=projects&page=2`), so a
// filtered log can be bookmarked; this module reads them from the route and writes them back.
export interface AuditFilters {
  /** One status (`404`) or a class (`4xx`); "" for any. */
  status: string;
  /** A part of the path; "" for any. */
  path: string;
  page: number;
  perPage: number;
}

export const PER_PAGE_CHOICES = [25, 50, 100] as const;
const DEFAULT_PER_PAGE = 50;

/** The choices of the status filter: classes first, then the statuses the server answers. */
export const STATUS_CLASSES = ["2xx", "4xx", "5xx"] as const;
export const STATUS_CODES = [
  200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 428, 429, 500, 502, 503, 504,
];

const STATUS_RE = /^[1-5](\d\d|xx)$/i;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

export function parseFilters(query: Record<string, string>): AuditFilters {
  const status = (query.status ?? "").trim();
  const perPage = positive(query.per_page, DEFAULT_PER_PAGE);
  return {
    status: STATUS_RE.test(status) ? status.toLowerCase() : "",
    path: (query.path ?? "").slice(0, 200),
    page: positive(query.page, 1),
    perPage: (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
  };
}

export function hasFilters(f: AuditFilters): boolean {
  return f.status !== "" || f.path.trim() !== "";
}

/** For `replaceQuery`/`href`: defaults are left out so the hash stays short. */
export function toRouteQuery(f: AuditFilters): Record<string, string | number | undefined> {
  return {
    status: f.status || undefined,
    path: f.path.trim() || undefined,
    page: f.page > 1 ? f.page : undefined,
    per_page: f.perPage !== DEFAULT_PER_PAGE ? f.perPage : undefined,
  };
}

/** For `GET /api/audit`. */
export function toApiQuery(f: AuditFilters) {
  return {
    page: f.page,
    per_page: f.perPage,
    ...(f.status ? { status: f.status } : {}),
    ...(f.path.trim() ? { path: f.path.trim() } : {}),
  };
}
