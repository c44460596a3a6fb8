// Storage failures (full disk, read-only or vanished database, a lock held by another process) as
// answers that name the cause — 507 or 503 with a stable code — instead of a bare 500. Nothing is
// retried or hidden: the request's write did not happen, and the answer says so.
import fs from "node:fs";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface StorageFault {
  status: ContentfulStatusCode;
  code: "storage_full" | "storage_read_only" | "database_locked" | "storage_unavailable";
  message: string;
  headers: Record<string, string>;
}

/** Below this much free space a failed write is taken to be a full disk. */
const NEARLY_FULL_BYTES = 512 * 1024;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isSqliteError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "SqliteError" || (errorCode(err)?.startsWith("SQLITE_") ?? false);
}

export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

const nothingSaved = "Nothing of this request was saved.";

export function storageFault(err: unknown, dataDir: string | undefined): StorageFault | null {
  const code = errorCode(err);
  const sqlite = isSqliteError(err);
  if (!sqlite && !["ENOSPC", "EROFS", "EIO", "EDQUOT"].includes(code ?? "")) return null;
  const where = dataDir ? " (DATA_DIR)" : "";
  const full = (): StorageFault => ({
    status: 507,
    code: "storage_full",
    message: `The disk holding the database is full${where}. Free some space and retry. ${nothingSaved}`,
    headers: {},
  });
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return full();
  if (code?.startsWith("SQLITE_READONLY") || code === "EROFS") {
    return {
      status: 503,
      code: "storage_read_only",
      message: `The database cannot be written: its directory is read-only${where}. ${nothingSaved}`,
      headers: {},
    };
  }
  if (code === "SQLITE_BUSY" || code?.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED") {
    return {
      status: 503,
      code: "database_locked",
      message: `The database is locked by another process${where}; retry shortly. ${nothingSaved}`,
      headers: { "Retry-After": "2" },
    };
  }
  // SQLite rolls a transaction back by itself when the disk fills up; what surfaces then is often
  // the failed ROLLBACK, not SQLITE_FULL. The free space says which it was.
  const free = dataDir ? freeBytes(dataDir) : null;
  if (free !== null && free < NEARLY_FULL_BYTES) return full();
  return {
    status: 503,
    code: "storage_unavailable",
    message: `The database could not be read or written${where}: the file may have been moved, deleted or damaged. ${nothingSaved}`,
    headers: {},
  };
}

/**
 * Watches the database file: a file deleted (or replaced) under a running server keeps working on
 * the old inode, so every write after that would be lost at the next start. `check()` says so.
 */
export function databaseFileGuard(file: string): { check(): StorageFault | null } {
  const inode = (): number | null => {
    try {
      return fs.statSync(file).ino;
    } catch {
      return null;
    }
  };
  const original = inode();
  return {
    check() {
      if (original === null) return null;
      const now = inode();
      if (now === original) return null;
      return {
        status: 503,
        code: "storage_unavailable",
        message: `The database file in DATA_DIR was ${now === null ? "deleted" : "replaced"} while the server was running; writes are refused so that none is lost. Restore the file or restart the server.`,
        headers: {},
      };
    },
  };
}
