// Owner-only data directory: umask 077 for everything created from now on, 0700 on the directory
// and 0600 on the database, its WAL/SHM, the key, the webhook secret and the audit log. Looser
// pre-existing modes are tightened and reported (names and modes only, never contents).
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isLoopbackHost } from "./loopback.js";

export const PROTECTED_FILES = [
  "promptforge.db",
  "promptforge.db-wal",
  "promptforge.db-shm",
  "encryption.key",
  "internal-webhook.secret",
  "audit.log",
] as const;

export interface HardeningEvent {
  path: string;
  previousMode: string;
  mode: string;
}

export interface HardenOptions {
  /** Told about each permission that was tightened. */
  log: (message: string, event: HardeningEvent) => void;
  /** Extra file names inside `dir` to hold at 0600. */
  extraFiles?: readonly string[];
  /** Set the process umask (default true; tests pass false to leave their runner alone). */
  setUmask?: boolean;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

function tighten(path: string, mode: number, log: HardenOptions["log"]): void {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if ((current & ~mode) === 0) return;
  chmodSync(path, mode);
  log(`tightened permissions of ${path} from ${octal(current)} to ${octal(mode)}`, {
    path,
    previousMode: octal(current),
    mode: octal(mode),
  });
}

/** Returns the list of tightened paths (also reported through `log`). */
export function hardenDataDir(dir: string, options: HardenOptions): HardeningEvent[] {
  const events: HardeningEvent[] = [];
  const log: HardenOptions["log"] = (message, event) => {
    events.push(event);
    options.log(message, event);
  };
  if (process.platform === "win32") return events; // POSIX modes do not apply; rely on the profile ACLs
  if (options.setUmask ?? true) process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700, log);
  for (const name of [...PROTECTED_FILES, ...(options.extraFiles ?? [])]) tighten(join(dir, name), 0o600, log);
  return events;
}

export interface ExposureOptions {
  /** Bind address. */
  host: string;
  /** The surface's token (only its presence is looked at). */
  token: string | undefined;
  /** `API` or `MCP`, named in the warning along with its variable. */
  service: "API" | "MCP";
  log: (message: string, details: { service: string; host: string; variable: string }) => void;
}

/** Loud warning for a non-loopback bind without a token; returns whether it warned. */
export function warnIfExposed(options: ExposureOptions): boolean {
  if (isLoopbackHost(options.host) || (options.token ?? "") !== "") return false;
  const variable = options.service === "API" ? "AUTH_TOKEN" : "MCP_AUTH_TOKEN";
  options.log(
    `SECURITY WARNING: the ${options.service} server is bound to ${options.host}, a non-loopback address, and ` +
      `${variable} is not set. Anyone who can reach this address can use it without authentication` +
      `${options.service === "API" ? " (read history, change data, use stored provider keys)" : " (run tools against your data)"}. ` +
      `Set ${variable} or bind to 127.0.0.1.`,
    { service: options.service, host: options.host, variable },
  );
  return true;
}
