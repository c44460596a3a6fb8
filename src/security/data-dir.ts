// Start-up checks of DATA_DIR: a directory the server cannot write to, a full disk or a database
// locked by another process stop the start with one sentence naming the cause, never with
// "unexpected internal error" or a stack trace.
import fs from "node:fs";
import path from "node:path";

/** Thrown at start-up; named like config errors so every surface prints its message as is. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const REASONS: Record<string, string> = {
  EROFS: "it is on a read-only file system",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exhausted",
  ENOTDIR: "a file is in the way of the directory",
  EEXIST: "a file is in the way of the directory",
};

function reasonOf(error: unknown): string {
  const code = (error as { code?: string } | null)?.code ?? "";
  return REASONS[code] ?? (error instanceof Error ? error.message : String(error));
}

/** Creates DATA_DIR if needed and proves a file can be written in it; throws DataDirError otherwise. */
export function assertDataDirUsable(dataDir: string): void {
  const dir = path.resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const probe = path.join(dir, `.write-check-${process.pid}`);
    fs.writeFileSync(probe, "ok", { mode: 0o600 });
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw new DataDirError(
      `DATA_DIR ${dir} cannot be written: ${reasonOf(error)}. Point DATA_DIR at a writable directory (or fix its permissions or free space) and start again.`,
    );
  }
}

/** A clear start-up error for a database that cannot be opened or migrated; other errors pass through unchanged. */
export function explainDatabaseOpenFailure(error: unknown, dataDir: string): unknown {
  const code = (error as { code?: string } | null)?.code ?? "";
  const file = path.join(path.resolve(dataDir), "promptforge.db");
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED") {
    return new DataDirError(
      `The database ${file} is locked by another process; stop it (or wait for it to finish) and start again.`,
    );
  }
  if (code === "SQLITE_FULL")
    return new DataDirError(`The disk holding ${file} is full; free some space and start again.`);
  if (code.startsWith("SQLITE_READONLY"))
    return new DataDirError(`The database ${file} is read-only; make it writable and start again.`);
  if (code === "SQLITE_CANTOPEN" || code.startsWith("SQLITE_IOERR")) {
    return new DataDirError(`The database ${file} cannot be opened (${code}); check the file and its directory.`);
  }
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
    return new DataDirError(
      `The database ${file} is damaged or not a PromptForge database (${code}); restore it from a backup.`,
    );
  }
  return error;
}
