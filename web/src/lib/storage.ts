// Local storage as JSON, never throwing (private mode, quota, corrupt values read as the fallback).
export function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`pf:${key}`);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(`pf:${key}`, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the value lives on in memory for this page.
  }
}
