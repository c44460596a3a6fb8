// Hash routes carry the state of a view (`#/history?search=remote&status=completed`), so views can
// be bookmarked and the back button works. `route.path` and `route.query` are reactive.
class Route {
  path = $state("/");
  query = $state<Record<string, string>>({});

  constructor() {
    if (typeof window === "undefined") return;
    this.read();
    window.addEventListener("hashchange", () => this.read());
  }

  private read(): void {
    const hash = window.location.hash.replace(/^#/, "") || "/";
    const q = hash.indexOf("?");
    this.path = (q < 0 ? hash : hash.slice(0, q)) || "/";
    this.query = Object.fromEntries(new URLSearchParams(q < 0 ? "" : hash.slice(q + 1)));
  }

  /** The path split into segments: `/r/abc` → ["r", "abc"]. */
  get segments(): string[] {
    return this.path.split("/").filter(Boolean);
  }
}

export const route = new Route();

/** Builds `#/path?k=v` (empty values dropped). */
export function href(path: string, query: Record<string, string | number | undefined | null> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function navigate(path: string, query: Record<string, string | number | undefined | null> = {}): void {
  window.location.hash = href(path, query).slice(1);
}

/** Replaces the query of the current route without adding a history entry (filters as you type). */
export function replaceQuery(query: Record<string, string | number | undefined | null>): void {
  const next = href(route.path, query);
  if (next !== window.location.hash) {
    history.replaceState(history.state, "", next);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  }
}
