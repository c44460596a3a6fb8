// Languages by size: bytes per language from file extensions, skipping vendored, generated and
// build output, data and prose (JSON, YAML, Markdown are not programming languages here).
import type { RepoFile } from "./index.js";

const EXTENSIONS: Record<string, string> = {
  ts: "TypeScript",
  tsx: "TypeScript",
  mts: "TypeScript",
  cts: "TypeScript",
  js: "JavaScript",
  jsx: "JavaScript",
  mjs: "JavaScript",
  cjs: "JavaScript",
  py: "Python",
  pyi: "Python",
  go: "Go",
  rs: "Rust",
  java: "Java",
  kt: "Kotlin",
  kts: "Kotlin",
  scala: "Scala",
  groovy: "Groovy",
  rb: "Ruby",
  php: "PHP",
  cs: "C#",
  fs: "F#",
  c: "C",
  h: "C",
  cc: "C++",
  cpp: "C++",
  cxx: "C++",
  hpp: "C++",
  hh: "C++",
  m: "Objective-C",
  mm: "Objective-C",
  swift: "Swift",
  dart: "Dart",
  ex: "Elixir",
  exs: "Elixir",
  erl: "Erlang",
  hs: "Haskell",
  clj: "Clojure",
  cljs: "Clojure",
  ml: "OCaml",
  lua: "Lua",
  r: "R",
  jl: "Julia",
  zig: "Zig",
  nim: "Nim",
  pl: "Perl",
  sh: "Shell",
  bash: "Shell",
  zsh: "Shell",
  ps1: "PowerShell",
  sql: "SQL",
  svelte: "Svelte",
  vue: "Vue",
  astro: "Astro",
  html: "HTML",
  htm: "HTML",
  css: "CSS",
  scss: "SCSS",
  sass: "SCSS",
  less: "Less",
  tf: "HCL",
  sol: "Solidity",
};

/** Directories whose files are not the project's own code. */
export const VENDORED_DIRS = new Set([
  "node_modules",
  "vendor",
  "third_party",
  "dist",
  "build",
  "out",
  "target",
  "coverage",
  "__pycache__",
  ".venv",
  "venv",
  ".tox",
  ".next",
  ".nuxt",
  ".svelte-kit",
  ".git",
  "bower_components",
]);

const GENERATED = /(\.min\.(js|css)|\.map|\.d\.ts|\.pb\.go|_pb2\.py|\.generated\.\w+)$/i;

// A vendored directory, or a hidden one other than .github, anywhere before the last segment.
const VENDORED_RE = new RegExp(
  `(^|/)(${[...VENDORED_DIRS].map((d) => d.replace(/\./g, "\\.")).join("|")}|\\.(?!github/)[^/]*)/`,
);

export function isVendored(path: string): boolean {
  return VENDORED_RE.test(path);
}

export function languageOf(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  return EXTENSIONS[name.slice(dot + 1).toLowerCase()];
}

export interface LanguageShare {
  name: string;
  bytes: number;
  /** 0–1, rounded to three decimals. */
  share: number;
}

/** Languages by bytes, largest first (ties by name). */
export function languagesBySize(files: readonly RepoFile[]): LanguageShare[] {
  const bytes = new Map<string, number>();
  for (const f of files) {
    if (isVendored(f.path) || GENERATED.test(f.path)) continue;
    const lang = languageOf(f.path);
    if (!lang || !Number.isFinite(f.size) || f.size < 0) continue;
    bytes.set(lang, (bytes.get(lang) ?? 0) + f.size);
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  return [...bytes.entries()]
    .map(([name, n]) => ({ name, bytes: n, share: total > 0 ? Math.round((n / total) * 1000) / 1000 : 0 }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}

export type Ecosystem = "js" | "python" | "go" | "rust" | "jvm" | "ruby" | "php" | "other";

export function ecosystemOf(language: string | undefined): Ecosystem {
  switch (language) {
    case "TypeScript":
    case "JavaScript":
    case "Svelte":
    case "Vue":
    case "Astro":
      return "js";
    case "Python":
      return "python";
    case "Go":
      return "go";
    case "Rust":
      return "rust";
    case "Java":
    case "Kotlin":
    case "Scala":
    case "Groovy":
      return "jvm";
    case "Ruby":
      return "ruby";
    case "PHP":
      return "php";
    default:
      return "other";
  }
}
