// Finding the `claude` executable: an explicit path, else a search of PATH. Synchronous and cheap;
// the registry caches the answer with the rest of detection.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findExecutable(name: string, searchPath: string | undefined): string | null {
  if (name.includes("/") || name.includes("\\")) return isExecutable(name) ? path.resolve(name) : null;
  if (!searchPath) return null;
  const extensions = process.platform === "win32" ? ["", ".cmd", ".exe", ".bat"] : [""];
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}
