// Local folders as a RepoSource. A folder may be linked only inside one of WORKSPACE_ROOTS; every
// path is resolved with symlinks followed and must stay inside the linked folder (so inside a root):
// no `..`, no symlink escape, no device files, FIFOs or sockets. Scans skip VCS and dependency or
// build folders and files over the size cap, and stop at the file-count cap.
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../core/errors.js";
import type { RepoFile, RepoSource } from "./extract/index.js";
import { isBinary, isSkippedDirectory, isSkippedFile } from "./scan-rules.js";

export interface LocalSourceOptions {
  maxFiles: number;
  maxFileBytes: number;
  signal?: AbortSignal;
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Resolves a requested folder to its real path inside a root, or refuses with a clear error.
 * Relative paths are taken relative to the first root.
 */
export async function resolveLocalFolder(requested: string, roots: readonly string[]): Promise<string> {
  if (roots.length === 0) {
    throw new AppError(
      "not_configured",
      "Local folders cannot be linked: set WORKSPACE_ROOTS to the folders PromptForge may read (see docs/workspace.md).",
    );
  }
  if (requested.includes("\0") || requested.trim() === "") {
    throw new AppError("validation_error", "local_path is empty or contains a NUL character.");
  }
  if (requested.split(/[\\/]+/).includes("..")) {
    throw new AppError("validation_error", 'local_path must not contain ".." segments.');
  }
  const absolute = path.isAbsolute(requested) ? path.resolve(requested) : path.resolve(roots[0] as string, requested);
  const realRoots: string[] = [];
  for (const root of roots) {
    try {
      realRoots.push(await fs.promises.realpath(root));
    } catch {
      // a root that does not exist admits nothing
    }
  }
  const outside = () =>
    new AppError("forbidden", "local_path is outside every WORKSPACE_ROOTS folder (symlinks are followed).", {
      details: { roots },
    });
  // Lexically inside a configured root first, so nothing outside the roots is even stat-ed.
  if (!roots.some((r) => inside(absolute, r)) && !realRoots.some((r) => inside(absolute, r))) throw outside();
  let real: string;
  try {
    real = await fs.promises.realpath(absolute);
  } catch {
    throw new AppError("not_found", "local_path does not exist or cannot be read.");
  }
  if (!realRoots.some((r) => inside(real, r))) throw outside();
  const stat = await fs.promises.stat(real);
  if (!stat.isDirectory()) throw new AppError("validation_error", "local_path is not a folder.");
  return real;
}

/** A RepoSource over a folder already resolved by `resolveLocalFolder`. */
export function createLocalSource(folder: string, options: LocalSourceOptions): RepoSource & { skipped: number } {
  const known = new Map<string, number>();
  const state = { skipped: 0 };

  async function scan(): Promise<RepoFile[]> {
    const out: RepoFile[] = [];
    const queue: string[] = [""];
    while (queue.length > 0 && out.length < options.maxFiles) {
      options.signal?.throwIfAborted();
      const rel = queue.shift() as string;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(path.join(folder, rel), { withFileTypes: true });
      } catch {
        state.skipped++;
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (out.length >= options.maxFiles) break;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!isSkippedDirectory(entry.name)) queue.push(childRel);
          continue;
        }
        // Symlinked directories are not followed (no cycles, no escape); symlinked files are
        // checked when read. Devices, FIFOs and sockets are never listed.
        if (!entry.isFile() && !entry.isSymbolicLink()) {
          state.skipped++;
          continue;
        }
        if (isSkippedFile(entry.name)) continue;
        const stat = await safeFileStat(path.join(folder, childRel));
        if (!stat || stat.size > options.maxFileBytes) {
          state.skipped++;
          continue;
        }
        known.set(childRel, stat.size);
        out.push({ path: childRel, size: stat.size });
      }
    }
    return out;
  }

  /** The real path's stat when it is a regular file inside the folder, else null. */
  async function safeFileStat(full: string): Promise<fs.Stats | null> {
    try {
      const real = await fs.promises.realpath(full);
      if (!inside(real, folder)) return null;
      const stat = await fs.promises.stat(real);
      return stat.isFile() ? stat : null;
    } catch {
      return null;
    }
  }

  return {
    get skipped() {
      return state.skipped;
    },
    files: scan,
    async read(relPath: string): Promise<string | null> {
      options.signal?.throwIfAborted();
      // Only paths the scan listed: no way to ask for ../../etc/passwd.
      if (!known.has(relPath)) return null;
      const full = path.join(folder, relPath);
      let handle: fs.promises.FileHandle | undefined;
      try {
        const real = await fs.promises.realpath(full);
        if (!inside(real, folder)) return null;
        handle = await fs.promises.open(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size > options.maxFileBytes) return null;
        const buffer = Buffer.alloc(stat.size);
        const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
        const bytes = buffer.subarray(0, bytesRead);
        return isBinary(bytes) ? null : bytes.toString("utf8");
      } catch {
        return null;
      } finally {
        await handle?.close();
      }
    },
  };
}
