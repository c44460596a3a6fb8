// Start-up checks of DATA_DIR: a directory the server cannot write to, a full disk or a database
// locked by another process stop the start with one sentence naming the cause, never with
// "unexpected internal error" or a stack trace.
import fs from "node:fs";
import os from "node:os";
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

/** Where DATA_DIR came from: set explicitly, an existing `./data` of an earlier version, or the user default. */
export type DataDirSource = "DATA_DIR" | "legacy-cwd" | "user-default";

/** Files that show a directory already holds a PromptForge store. */
export const STORE_FILES = ["promptforge.db", "encryption.key", "internal-webhook.secret"] as const;

export interface DefaultDataDirInput {
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  cwd?: string;
  /** Home directory when HOME/USERPROFILE are unset (os.homedir()). */
  homedir?: () => string;
  exists?: (file: string) => boolean;
}

/**
 * The platform's per-user data directory for PromptForge, independent of the working directory:
 * `$XDG_DATA_HOME/promptforge` or `~/.local/share/promptforge` (Linux and other Unixes),
 * `~/Library/Application Support/promptforge` (macOS), `%APPDATA%\promptforge` (Windows).
 */
export function userDataDir(input: DefaultDataDirInput): string {
  const { env } = input;
  const platform = input.platform ?? process.platform;
  const home = () => env.HOME?.trim() || env.USERPROFILE?.trim() || (input.homedir ?? os.homedir)();
  const p = platform === "win32" ? path.win32 : path.posix;
  if (platform === "win32") {
    const appData = env.APPDATA?.trim();
    return appData ? p.join(appData, "promptforge") : p.join(home(), "AppData", "Roaming", "promptforge");
  }
  if (platform === "darwin") return p.join(home(), "Library", "Application Support", "promptforge");
  const xdg = env.XDG_DATA_HOME?.trim();
  // The XDG spec ignores a relative XDG_DATA_HOME.
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, "promptforge");
  return p.join(home(), ".local", "share", "promptforge");
}

/**
 * DATA_DIR when set; else `./data` of the working directory when it already holds a store (earlier
 * versions defaulted to it, so existing installs keep their database); else the user data directory.
 */
export function resolveDataDir(input: DefaultDataDirInput): { dataDir: string; source: DataDirSource } {
  const explicit = input.env.DATA_DIR?.trim();
  const cwd = input.cwd ?? process.cwd();
  if (explicit) return { dataDir: path.resolve(cwd, explicit), source: "DATA_DIR" };
  const legacy = path.resolve(cwd, "data");
  const exists = input.exists ?? fs.existsSync;
  if (STORE_FILES.some((f) => exists(path.join(legacy, f)))) return { dataDir: legacy, source: "legacy-cwd" };
  return { dataDir: userDataDir(input), source: "user-default" };
}

/** One sentence saying which data directory is used and why (start-up banner and log). */
export function describeDataDir(dataDir: string, source: DataDirSource | undefined): string {
  if (source === "legacy-cwd") {
    return `Using the existing ./data store ${dataDir} of an earlier version (the default is now the user data directory; set DATA_DIR to choose).`;
  }
  if (source === "user-default") return `Data directory ${dataDir} (the user default; set DATA_DIR to change it).`;
  return `Data directory ${dataDir} (DATA_DIR).`;
}
