// Secrets that are generated once into the data directory (0600) and shared by every process
// started on it. Creation is atomic (write a private temp file, then hard-link it into place), so
// two processes racing at start-up both end up with the same value.
import { randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SecretFileOptions {
  /** Random bytes to generate (default 32); stored hex-encoded. */
  bytes?: number;
  /** Told about a pre-existing file whose mode was looser than 0600 and has been tightened. */
  onTightened?: (event: { path: string; previousMode: string; mode: string }) => void;
}

export interface LoadedSecret {
  /** The hex string stored in the file. */
  value: string;
  path: string;
  created: boolean;
}

const IS_WINDOWS = process.platform === "win32";

/** Tightens `path` to `mode` when group/other bits are set; returns the previous mode if it changed. */
export function tightenMode(path: string, mode: number): string | null {
  if (IS_WINDOWS) return null;
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return null;
  chmodSync(path, mode);
  return `0${current.toString(8)}`;
}

/**
 * Reads the hex secret in `<dataDir>/<filename>`, creating it (0600) when missing. A file with
 * looser permissions is tightened to 0600 and reported; an empty or non-hex file is an error
 * (never silently replaced: something may depend on it).
 */
export function loadOrCreateSecret(dataDir: string, filename: string, options: SecretFileOptions = {}): LoadedSecret {
  const bytes = options.bytes ?? 32;
  const path = join(dataDir, filename);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let created = false;
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(tmp, `${randomBytes(bytes).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    try {
      linkSync(tmp, path);
      created = true;
    } catch (linkErr) {
      if ((linkErr as NodeJS.ErrnoException).code !== "EEXIST") throw linkErr;
    } finally {
      unlinkSync(tmp);
    }
  }
  const previousMode = tightenMode(path, 0o600);
  if (previousMode !== null) options.onTightened?.({ path, previousMode, mode: "0600" });
  const value = readFileSync(path, "utf8").trim();
  if (!/^[0-9a-f]+$/i.test(value) || value.length < 32) {
    throw new Error(`${path} does not hold a hex secret; fix or remove the file`);
  }
  return { value: value.toLowerCase(), path, created };
}
