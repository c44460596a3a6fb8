// A GitHub repository as a RepoSource: one recursive tree of the default branch, then file
// contents through the contents API. Bounded: files over the size cap and skipped folders are left
// out, the list stops at the file-count cap, and at most `maxReads` files are fetched per sync.
import { isAppError } from "../core/errors.js";
import type { RepoFile, RepoSource } from "./extract/index.js";
import type { GitHubClient } from "./github-client.js";
import { isBinary, isInSkippedDirectory, isSkippedFile } from "./scan-rules.js";

export interface GitHubSourceOptions {
  client: GitHubClient;
  token: string;
  fullName: string;
  maxFiles: number;
  maxFileBytes: number;
  /** Contents API calls allowed per sync (each costs one request of the rate limit); default 150. */
  maxReads?: number;
  signal?: AbortSignal;
}

export function createGitHubSource(options: GitHubSourceOptions): RepoSource {
  const known = new Map<string, number>();
  let ref: string | null = null;
  let reads = 0;
  const maxReads = options.maxReads ?? 150;

  return {
    async files(): Promise<RepoFile[]> {
      const repo = await options.client.getRepo(options.token, options.fullName, options.signal);
      ref = repo.default_branch;
      const tree = await options.client.getTree(options.token, options.fullName, ref, options.signal);
      const out: RepoFile[] = [];
      for (const entry of tree.entries) {
        if (out.length >= options.maxFiles) break;
        if (entry.type !== "blob") continue;
        const name = entry.path.split("/").pop() ?? "";
        if (isInSkippedDirectory(entry.path) || isSkippedFile(name)) continue;
        const size = entry.size ?? 0;
        if (size > options.maxFileBytes) continue;
        known.set(entry.path, size);
        out.push({ path: entry.path, size });
      }
      return out;
    },
    async read(path: string): Promise<string | null> {
      options.signal?.throwIfAborted();
      if (ref === null || !known.has(path) || reads >= maxReads) return null;
      reads++;
      let bytes: Buffer | null;
      try {
        bytes = await options.client.getContent(options.token, options.fullName, path, ref, options.signal);
      } catch (error) {
        // A file that vanished is unreadable; a revoked token or an exhausted limit ends the sync.
        if (isAppError(error) && error.code === "not_found") return null;
        throw error;
      }
      if (!bytes || bytes.length > options.maxFileBytes || isBinary(bytes)) return null;
      return bytes.toString("utf8");
    },
  };
}
