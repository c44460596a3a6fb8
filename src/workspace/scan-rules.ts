// What a workspace scan leaves out, shared by the GitHub and local sources: VCS metadata,
// dependency folders, build outputs and caches; and how a file is recognised as binary.

const SKIPPED_DIRECTORIES = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  "bower_components",
  "dist",
  "build",
  "out",
  "target",
  "coverage",
  ".next",
  ".nuxt",
  ".svelte-kit",
  ".turbo",
  ".cache",
  ".parcel-cache",
  ".gradle",
  ".idea",
  ".venv",
  "venv",
  "__pycache__",
  ".pytest_cache",
  ".mypy_cache",
  ".ruff_cache",
  ".tox",
  "vendor",
]);

const SKIPPED_FILES =
  /\.(min\.js|map|lock|lockb|png|jpe?g|gif|webp|ico|pdf|zip|gz|tgz|bz2|xz|7z|jar|class|so|dylib|dll|exe|o|a|wasm|woff2?|ttf|otf|mp[34]|mov|avi|sqlite|db)$/i;

export function isSkippedDirectory(name: string): boolean {
  return SKIPPED_DIRECTORIES.has(name);
}

/** True for a path any of whose folders is skipped. */
export function isInSkippedDirectory(relPath: string): boolean {
  const parts = relPath.split("/");
  return parts.slice(0, -1).some(isSkippedDirectory);
}

export function isSkippedFile(name: string): boolean {
  return SKIPPED_FILES.test(name);
}

/** A NUL byte in the first 8 000 bytes marks a file as binary (git's heuristic). */
export function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
