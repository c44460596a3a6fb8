// Hono's default router (SmartRouter: RegExpRouter, or TrieRouter where RegExpRouter refuses the
// table, as it does here) behind a bounded memo of its answers. The route table is fixed once the
// app is built, and an answer depends on nothing but (method, path), so the same request line gets
// the same handlers and params without walking the trie again: polled paths (health, history, a
// run's events) are looked up once. Answers are read, never changed, by Hono.
import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

/** Distinct (method, path) answers kept; the oldest goes first. */
export const ROUTE_CACHE_ENTRIES = 512;
/** Longer paths are looked up every time (they are rare, and would crowd the memo). */
const MAX_CACHED_PATH = 256;

export class CachedRouter<T> implements Router<T> {
  readonly #inner: Router<T>;
  readonly #max: number;
  readonly #answers = new Map<string, Result<T>>();

  constructor(
    inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] }),
    max = ROUTE_CACHE_ENTRIES,
  ) {
    this.#inner = inner;
    this.#max = max;
  }

  get name(): string {
    return `CachedRouter(${this.#inner.name})`;
  }

  add(method: string, path: string, handler: T): void {
    this.#answers.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (path.length > MAX_CACHED_PATH) return this.#inner.match(method, path);
    const key = `${method} ${path}`;
    const hit = this.#answers.get(key);
    if (hit !== undefined) return hit;
    const answer = this.#inner.match(method, path);
    this.#answers.set(key, answer);
    if (this.#answers.size > this.#max) this.#answers.delete(this.#answers.keys().next().value as string);
    return answer;
  }

  /** Answers held (for tests). */
  get size(): number {
    return this.#answers.size;
  }
}
