// Entity tags (HTTP ETag / If-Match) for records, projects and prompts. A project's or prompt's
// tag is its millisecond `updated_at`, which every write moves strictly
// forward (nextUpdatedAt), so two writes in the same millisecond still get different tags and a
// conditional write is one compare-and-set on `updated_at`. A record's tag hashes the whole record.
import { createHash } from "node:crypto";
import { StoreError } from "./errors.js";

function digest(text: string): string {
  return `"${createHash("sha256").update(text).digest("base64url").slice(0, 22)}"`;
}

/**
 * The strong entity tag of a project or prompt version: its `updated_at` in epoch milliseconds,
 * quoted (so a prompt's tag can also be formed from the project response that lists it).
 */
export function entityTag(_id: string, updatedAt: string): string {
  const ms = Date.parse(updatedAt);
  return Number.isNaN(ms) ? digest(updatedAt) : `"${ms}"`;
}

/** The strong entity tag of an optimization record as the API returns it. */
export function recordTag(record: unknown): string {
  return digest(JSON.stringify(record));
}

/** The time a write stores: now, or 1 ms after the previous write when the clock has not moved on. */
export function nextUpdatedAt(now: string, previous: string): string {
  const at = Date.parse(now);
  const before = Date.parse(previous);
  return Number.isNaN(before) || at > before ? now : new Date(before + 1).toISOString();
}

/**
 * An If-Match header: `*`, or a list of strong tags (weak `W/` tags never match, RFC 9110 §13.1.1).
 * Undefined when the header is absent.
 */
export type IfMatch = "*" | readonly string[];

export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "*") return "*";
  const tags = value.match(/(?:W\/)?"[^"]*"/g) ?? [];
  if (tags.length === 0) {
    throw new StoreError("validation_error", 'If-Match must be "*" or a list of quoted entity tags (from ETag)');
  }
  return tags.filter((tag) => !tag.startsWith("W/"));
}

/** Throws 412 `stale` unless `current` satisfies the If-Match precondition. */
export function assertMatches(ifMatch: IfMatch | undefined, current: string, what: string): void {
  if (ifMatch === undefined || ifMatch === "*") return;
  if (!ifMatch.includes(current)) {
    throw new StoreError("stale", `${what} was modified since the If-Match version; reload it and retry`, {
      status: 412,
      details: { etag: current },
    });
  }
}
