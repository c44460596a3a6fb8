// Deterministic codebase-context extraction: reads a bounded set of files through a RepoSource
// (GitHub trees/contents or a local folder) and derives the codebase-context fields, no LLM.
// Pure: no fs or network imports; everything goes through the RepoSource.

import { GO_READS, readGo } from "./go.js";
import { GUIDANCE_FILES, guidancePaths, readGuidance } from "./guidance.js";
import { JS_READS, jsMemberReads, readJs } from "./js.js";
import { JVM_READS, readJvm } from "./jvm.js";
import { type Ecosystem, ecosystemOf, type LanguageShare, languageOf, languagesBySize } from "./languages.js";
import { LAYOUT_READS, readEditorconfig, readLayout, readTestPatterns } from "./layout.js";
import { PY_READS, readPython } from "./python.js";
import { readmePath, readReadme } from "./readme.js";
import { emptyFindings, type Item, Repo, sources } from "./repo.js";
import { RUBY_PHP_READS, readPhp, readRuby } from "./ruby-php.js";
import { RUST_READS, readRust } from "./rust.js";

export type { LanguageShare } from "./languages.js";
export { MAX_READ_BYTES, MAX_TEXT_CHARS } from "./repo.js";

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
  /** For list fields: the source of each entry of `value`, in the same order. */
  sources?: string[];
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
  /** 0–1: the weighted share of the fields above that were found (weights in COMPLETENESS_WEIGHTS). */
  completeness: number;
  /** Up to TREE_LIMIT repository paths (shallowest first when there are more), sorted. */
  tree: string[];
  /** Languages by size, largest first. */
  languages: LanguageShare[];
  /** Files that were skipped or could not be parsed, one line each (no file content). */
  warnings: string[];
  /** The paths the extractor asked the source to read. */
  files_read: string[];
}

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Called after the listing and after each file read; `total` grows when workspace members are found. */
  onProgress?(done: number, total: number): void;
}

export type ContextField =
  | "language"
  | "framework"
  | "description"
  | "conventions"
  | "patterns"
  | "code_snippets"
  | "documentation"
  | "test_framework"
  | "test_patterns";

export const COMPLETENESS_WEIGHTS: Record<ContextField, number> = {
  language: 0.15,
  framework: 0.15,
  description: 0.15,
  test_framework: 0.15,
  conventions: 0.15,
  test_patterns: 0.1,
  patterns: 0.05,
  documentation: 0.05,
  code_snippets: 0.05,
};

export const TREE_LIMIT = 500;
const LIST_LIMITS = { conventions: 40, patterns: 20, test_patterns: 20 } as const;
const ITEM_CHARS = 1000;

/** Entries with a usable relative POSIX path, deduplicated and sorted (the source's order may vary). */
function cleanListing(files: RepoFile[]): RepoFile[] {
  const seen = new Map<string, RepoFile>();
  for (const f of Array.isArray(files) ? files : []) {
    if (!f || typeof f.path !== "string" || !f.path || f.path.includes("\u0000")) continue;
    const path = f.path.replace(/^\.\//, "");
    // Absolute, empty segments, "." or ".." anywhere: not a path inside the repository.
    if (/^\/|\/\/|\/$|(^|\/)\.\.?(\/|$)/.test(path)) continue;
    const size = typeof f.size === "number" && Number.isFinite(f.size) && f.size >= 0 ? f.size : 0;
    if (!seen.has(path)) seen.set(path, { path, size });
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function treeSnapshot(files: RepoFile[]): string[] {
  // `files` is sorted by path already: a stable sort by depth keeps that order within a depth.
  const depth = (p: string) => {
    let n = 0;
    for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) n++;
    return n;
  };
  return files
    .map((f) => ({ path: f.path, depth: depth(f.path) }))
    .sort((a, b) => a.depth - b.depth)
    .slice(0, TREE_LIMIT)
    .map((e) => e.path)
    .sort((a, b) => (a < b ? -1 : 1));
}

function plannedReads(repo: Repo): string[] {
  const names = [
    ...JS_READS,
    ...PY_READS,
    ...GO_READS,
    ...RUST_READS,
    ...JVM_READS,
    ...RUBY_PHP_READS,
    ...LAYOUT_READS,
    ...GUIDANCE_FILES,
  ];
  const readme = readmePath(repo);
  const all = [...(readme ? [readme] : []), ...names, ...guidancePaths(repo)];
  return all.filter((p, i) => repo.has(p) && all.indexOf(p) === i);
}

function byEcosystem<T extends { ecosystem: string }>(items: T[], primary: Ecosystem): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => Number(a.item.ecosystem !== primary) - Number(b.item.ecosystem !== primary) || a.i - b.i)
    .map((x) => x.item);
}

function joined(items: Item[], limit: number): ExtractedField<string> | undefined {
  const top = items.filter((it, i) => items.findIndex((o) => o.value === it.value) === i).slice(0, limit);
  return top.length > 0 ? { value: top.map((t) => t.value).join(", "), source: sources(top) } : undefined;
}

function list(items: Item[], limit: number): ExtractedField<string[]> | undefined {
  const unique = items.filter((it, i) => items.findIndex((o) => o.value === it.value) === i).slice(0, limit);
  if (unique.length === 0) return undefined;
  return {
    value: unique.map((u) => (u.value.length > ITEM_CHARS ? `${u.value.slice(0, ITEM_CHARS - 1)}…` : u.value)),
    source: sources(unique),
    sources: unique.map((u) => u.source),
  };
}

function languageField(repo: Repo, top: LanguageShare | undefined): ExtractedField<string> | undefined {
  if (!top) return undefined;
  const largest = repo.files
    .filter((f) => languageOf(f.path) === top.name)
    .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
    .slice(0, 3)
    .map((f) => f.path);
  return { value: top.name, source: largest.join(", ") };
}

export async function extractContext(src: RepoSource, opts: ExtractOptions = {}): Promise<ExtractedContext> {
  const { signal, onProgress } = opts;
  signal?.throwIfAborted();
  const files = cleanListing(await src.files());
  signal?.throwIfAborted();
  const repo = new Repo(files);

  const first = plannedReads(repo);
  let done = 1;
  let total = first.length + 1;
  onProgress?.(done, total);
  const progress = { signal, step: () => onProgress?.(++done, total) };
  await repo.load(src, first, progress);
  const members = jsMemberReads(repo).filter((p) => !first.includes(p));
  total += members.length;
  await repo.load(src, members, progress);

  const findings = emptyFindings();
  readJs(repo, findings);
  readPython(repo, findings);
  readGo(repo, findings);
  readRust(repo, findings);
  readJvm(repo, findings);
  readRuby(repo, findings);
  readPhp(repo, findings);
  readLayout(repo, findings);
  readTestPatterns(repo, findings);
  const editorconfig = readEditorconfig(repo);
  const guidance = readGuidance(repo);
  const readme = readReadme(repo);
  const languages = languagesBySize(files);
  const primary = ecosystemOf(languages[0]?.name);

  const description = readme.description ?? findings.descriptions[0];
  const ctx: ExtractedContext = {
    completeness: 0,
    tree: treeSnapshot(files),
    languages,
    warnings: repo.warnings,
    files_read: [...first, ...members],
  };
  const fields: Partial<Pick<ExtractedContext, ContextField>> = {
    language: languageField(repo, languages[0]),
    framework: joined(byEcosystem(findings.frameworks, primary), 3),
    description: description ? { value: description.value, source: description.source } : undefined,
    conventions: list(
      [...(editorconfig ? [editorconfig] : []), ...findings.conventions, ...guidance],
      LIST_LIMITS.conventions,
    ),
    patterns: list(findings.patterns, LIST_LIMITS.patterns),
    code_snippets: readme.snippets ? { value: readme.snippets.value, source: readme.snippets.source } : undefined,
    documentation: readme.documentation,
    test_framework: joined(byEcosystem(findings.tests, primary), 3),
    test_patterns: list(findings.testPatterns, LIST_LIMITS.test_patterns),
  };
  let completeness = 0;
  for (const key of Object.keys(COMPLETENESS_WEIGHTS) as ContextField[]) {
    const field = fields[key];
    if (!field) continue;
    Object.assign(ctx, { [key]: field });
    completeness += COMPLETENESS_WEIGHTS[key];
  }
  ctx.completeness = Math.round(completeness * 100) / 100;
  return ctx;
}

/** The plain codebase-context values of an extraction (what the three-layer merge consumes). */
export function contextValues(ctx: ExtractedContext): {
  [K in ContextField]?: ExtractedContext[K] extends ExtractedField<infer T> | undefined ? T : never;
} {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(COMPLETENESS_WEIGHTS) as ContextField[]) {
    const field = ctx[key];
    if (field) out[key] = field.value;
  }
  return out;
}
