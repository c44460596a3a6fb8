// Deterministic codebase-context extraction: reads a bounded set of files through a RepoSource
// (GitHub trees/contents or a local folder) and derives the codebase-context fields, no LLM.
// Pure: no fs or network imports; everything goes through the RepoSource.

/** One file of the repository; `path` is POSIX and relative to the repository root. */
export interface RepoFile {
  path: string;
  size: number;
}

/** Where the extractor reads from. `read` returns null when a file is unreadable, too big or binary. */
export interface RepoSource {
  files(): Promise<RepoFile[]>;
  read(path: string): Promise<string | null>;
}

/** A value and the file path(s) it came from (comma-separated when several). */
export interface ExtractedField<T> {
  value: T;
  source: string;
}

/** One optional field per codebase-context field (PRODUCT.md section 6), plus completeness and a tree. */
export interface ExtractedContext {
  language?: ExtractedField<string>;
  framework?: ExtractedField<string>;
  description?: ExtractedField<string>;
  conventions?: ExtractedField<string[]>;
  patterns?: ExtractedField<string[]>;
  code_snippets?: ExtractedField<string[]>;
  documentation?: ExtractedField<string>;
  test_framework?: ExtractedField<string>;
  test_patterns?: ExtractedField<string[]>;
  /** 0–1: the share of the weighted fields that were found. */
  completeness: number;
  /** Up to 500 repository paths, sorted. */
  tree: string[];
}

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export async function extractContext(src: RepoSource, opts: ExtractOptions = {}): Promise<ExtractedContext> {
  opts.signal?.throwIfAborted();
  const files = await src.files();
  const tree = files
    .map((f) => f.path)
    .sort()
    .slice(0, 500);
  opts.onProgress?.(1, 1);
  return { completeness: 0, tree };
}
