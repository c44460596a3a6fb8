// The bounded store behind both history read caches (SQLite's in sqlite-statements.ts, PostgreSQL's
// in pg-read-cache.ts): encoded pages kept under the database change token they were read at,
// least recently used dropped first. Only how the token is read differs between the dialects.

/** Bounds of each database's read cache: entries and total bytes (one value at most a quarter). */
export const READ_CACHE_ENTRIES = 64;
export const READ_CACHE_BYTES = 4_000_000;

export interface TokenCache {
  /** A value stored under `key` while the token was `token`, or undefined (a stale entry is dropped). */
  get(key: string, token: string): Uint8Array<ArrayBuffer> | undefined;
  set(key: string, token: string, value: Uint8Array<ArrayBuffer>): void;
}

export function createTokenCache(): TokenCache {
  const entries = new Map<string, { token: string; value: Uint8Array<ArrayBuffer> }>();
  let bytes = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    bytes -= entry.value.byteLength;
    entries.delete(key);
  };
  return {
    get(key, token) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.token !== token) {
        drop(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, token, value) {
      drop(key);
      if (value.byteLength > READ_CACHE_BYTES / 4) return;
      entries.set(key, { token, value });
      bytes += value.byteLength;
      while (entries.size > READ_CACHE_ENTRIES || bytes > READ_CACHE_BYTES) {
        drop(entries.keys().next().value as string);
      }
    },
  };
}
