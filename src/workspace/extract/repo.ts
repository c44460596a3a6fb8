// The extractor's view of a repository: the file index plus the few files it reads, loaded up
// front with bounded reads (size cap, text cap, binary check) and parsed on demand.
import type { RepoFile, RepoSource } from "./index.js";
import { parseToml, type TomlTable } from "./toml.js";

// `yaml` (~0.1 s of CPU to load) is imported by the first `load()`, not at start-up: a `serve` that
// never extracts a workspace should not pay for it before it answers /api/health.
let yaml: typeof import("yaml") | undefined;
let yamlLoading: Promise<typeof import("yaml")> | undefined;

function loadYaml(): Promise<typeof import("yaml")> {
  yamlLoading ??= import("yaml").then(
    (m) => (yaml = m),
    (error: unknown) => {
      yamlLoading = undefined;
      throw error;
    },
  );
  return yamlLoading;
}

/** Files larger than this are never read (their size comes from the index). */
export const MAX_READ_BYTES = 256 * 1024;
/** Text beyond this many characters is ignored. */
export const MAX_TEXT_CHARS = 64_000;

/** A derived value and the file(s) it came from. */
export interface Item {
  value: string;
  source: string;
}

export class Repo {
  readonly files: RepoFile[];
  readonly dirs = new Set<string>();
  readonly warnings: string[] = [];
  private readonly sizes = new Map<string, number>();
  private readonly texts = new Map<string, string | null>();
  private readonly parsed = new Map<string, unknown>();

  /** Directory ("" for the root) → the paths directly inside it. */
  private readonly entries = new Map<string, Set<string>>();

  constructor(files: RepoFile[]) {
    this.files = files;
    for (const f of files) {
      this.sizes.set(f.path, f.size);
      // Walk the path's slashes once: each prefix is a directory holding the next segment.
      let parent = "";
      for (let from = 0; ; ) {
        const i = f.path.indexOf("/", from);
        const child = i < 0 ? f.path : f.path.slice(0, i);
        let set = this.entries.get(parent);
        if (!set) {
          set = new Set();
          this.entries.set(parent, set);
        }
        set.add(child);
        if (i < 0) break;
        this.dirs.add(child);
        parent = child;
        from = i + 1;
      }
    }
  }

  has(path: string): boolean {
    return this.sizes.has(path);
  }

  /** The first of `paths` that exists. */
  first(...paths: string[]): string | undefined {
    return paths.find((p) => this.has(p));
  }

  /** Paths directly inside `dir` ("" for the root). */
  children(dir: string): string[] {
    return [...(this.entries.get(dir) ?? [])].sort();
  }

  /** Reads the given paths through the source (once each), honouring the caps and the signal. */
  async load(src: RepoSource, paths: string[], progress: { signal?: AbortSignal; step(): void }): Promise<void> {
    // Every text `yaml()` can parse comes through here, so the parser is loaded before it is needed.
    if (yaml === undefined) await loadYaml();
    for (const path of paths) {
      progress.signal?.throwIfAborted();
      if (this.texts.has(path)) continue;
      const size = this.sizes.get(path);
      if (size === undefined) continue;
      if (size > MAX_READ_BYTES) {
        this.texts.set(path, null);
        this.warn(`${path}: skipped, ${size} bytes is over the ${MAX_READ_BYTES}-byte read limit`);
        progress.step();
        continue;
      }
      const raw = await src.read(path);
      progress.signal?.throwIfAborted();
      if (raw === null) this.warn(`${path}: unreadable or binary, skipped`);
      else if (raw.includes("\u0000")) this.warn(`${path}: binary content, skipped`);
      this.texts.set(path, raw === null || raw.includes("\u0000") ? null : normalizeText(raw).slice(0, MAX_TEXT_CHARS));
      progress.step();
    }
  }

  text(path: string): string | null {
    return this.texts.get(path) ?? null;
  }

  json(path: string): Record<string, unknown> | undefined {
    return this.parse(path, (t) => JSON.parse(stripJsonComments(t)));
  }

  toml(path: string): TomlTable | undefined {
    return this.parse(path, parseToml) as TomlTable | undefined;
  }

  yaml(path: string): Record<string, unknown> | undefined {
    return this.parse(path, (t) => {
      if (yaml === undefined) throw new Error("internal: the YAML parser was not loaded by Repo.load");
      return yaml.parse(t, { maxAliasCount: 50 });
    });
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private parse(path: string, parser: (text: string) => unknown): Record<string, unknown> | undefined {
    if (this.parsed.has(path)) return this.parsed.get(path) as Record<string, unknown> | undefined;
    const text = this.text(path);
    let value: Record<string, unknown> | undefined;
    if (text !== null) {
      try {
        const out = parser(text);
        if (isRecord(out)) value = out;
        else this.warn(`${path}: not an object, ignored`);
      } catch (err) {
        const reason = err instanceof Error ? err.message.split("\n")[0].slice(0, 160) : "parse error";
        this.warn(`${path}: could not be parsed (${reason})`);
      }
    }
    this.parsed.set(path, value);
    return value;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** CRLF → LF, and control characters other than tab and newline removed. */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "");
}

/** JSONC → JSON: removes comments and trailing commas outside strings. */
export function stripJsonComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

/** The first dotted version number in a version spec: "^14.2.3" → "14.2.3", "~> 7.1" → "7.1". */
export function versionOf(spec: unknown): string | undefined {
  if (typeof spec !== "string") return undefined;
  if (/^(workspace:|file:|link:|git|https?:|github:|npm:)/.test(spec.trim())) return undefined;
  return /\d+(?:\.\d+)*/.exec(spec)?.[0];
}

/** "Name 1.2" or "Name" when the version is unknown. */
export function named(name: string, version: string | undefined): string {
  return version ? `${name} ${version}` : name;
}

/** Shortens text to `max` characters at a word boundary. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

/** Unique sources, in order, joined. */
export function sources(items: readonly { source: string }[]): string {
  const seen: string[] = [];
  for (const item of items) for (const s of item.source.split(", ")) if (s && !seen.includes(s)) seen.push(s);
  return seen.join(", ");
}

/** What one ecosystem's reader found; the extractor merges these into the context fields. */
export interface Findings {
  /** Frameworks with versions, most specific first. */
  frameworks: (Item & { ecosystem: string })[];
  /** Test frameworks with versions. */
  tests: (Item & { ecosystem: string })[];
  conventions: Item[];
  patterns: Item[];
  testPatterns: Item[];
  /** Descriptions from manifests (used when the README has none). */
  descriptions: Item[];
}

export function emptyFindings(): Findings {
  return { frameworks: [], tests: [], conventions: [], patterns: [], testPatterns: [], descriptions: [] };
}
