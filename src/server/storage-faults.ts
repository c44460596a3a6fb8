// Storage failures (full disk, read-only or vanished database, a lock held by another process) as
// answers that name the cause — 507 or 503 with a stable code — instead of a bare 500. Nothing is
// retried or hidden: the request's write did not happen, and the answer says so.
import fs from "node:fs";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface StorageFault {
  status: ContentfulStatusCode;
  code: "storage_full" | "storage_read_only" | "database_locked" | "storage_unavailable" | "invalid_text";
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

/** A PostgreSQL server error (pg's DatabaseError: a five-character SQLSTATE and a severity). */
function isPostgresError(err: unknown): boolean {
  const code = errorCode(err);
  return (
    code !== undefined && /^[0-9A-Z]{5}$/.test(code) && typeof (err as { severity?: unknown }).severity === "string"
  );
}

/** pg's own connection failures carry no SQLSTATE, only a message. */
const PG_CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;
const NETWORK_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
];

/** Failures of a PostgreSQL database (DATABASE_URL=postgres://…) as answers naming the cause. */
function postgresFault(err: unknown): StorageFault | null {
  const code = errorCode(err);
  const message = (err as { message?: unknown } | null)?.message;
  const unreachable = (): StorageFault => ({
    status: 503,
    code: "storage_unavailable",
    message: `The database server (DATABASE_URL) cannot be reached; retry shortly. ${nothingSaved}`,
    headers: { "Retry-After": "2" },
  });
  if (isPostgresError(err)) {
    // Text with a NUL character: PostgreSQL cannot store or compare it (SQLite can).
    if (code === "22021" || code === "22P05") {
      return {
        status: 400,
        code: "invalid_text",
        message: "The request contains a NUL character (\\u0000), which cannot be stored. Remove it and retry.",
        headers: {},
      };
    }
    if (code === "53100") {
      return {
        status: 507,
        code: "storage_full",
        message: `The database server's disk is full. Free some space and retry. ${nothingSaved}`,
        headers: {},
      };
    }
    if (code === "57014") {
      return {
        status: 503,
        code: "storage_unavailable",
        message: `The database did not answer within its statement timeout; retry shortly. ${nothingSaved}`,
        headers: { "Retry-After": "2" },
      };
    }
    if (code === "40001" || code === "40P01" || code === "55P03") {
      return {
        status: 503,
        code: "database_locked",
        message: `The database is busy with a conflicting write; retry shortly. ${nothingSaved}`,
        headers: { "Retry-After": "2" },
      };
    }
    if (code?.startsWith("08") || code?.startsWith("57P") || code === "53300") return unreachable();
    return null;
  }
  if (NETWORK_CODES.includes(code ?? "")) return unreachable();
  if (typeof message === "string" && PG_CONNECTION_MESSAGE.test(message)) return unreachable();
  return null;
}

export function storageFault(err: unknown, dataDir: string | undefined): StorageFault | null {
  const pg = postgresFault(err);
  if (pg) return pg;
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
