// Patterns from the directory layout (source roots, role folders, monorepo members, CI, Docker,
// Make targets), test patterns from test file names and places, and the EditorConfig.

import { expandMemberGlobs, jsWorkspaceGlobs } from "./js.js";
import { isVendored } from "./languages.js";
import type { Findings, Item, Repo } from "./repo.js";

export const LAYOUT_READS = [".editorconfig", "Makefile"];

const ROLE_DIRS = [
  "components",
  "pages",
  "routes",
  "controllers",
  "handlers",
  "models",
  "services",
  "middleware",
  "views",
  "hooks",
  "stores",
  "api",
  "lib",
  "utils",
  "core",
  "domain",
  "migrations",
  "schemas",
  "config",
];
const TEST_DIRS = new Set(["test", "tests", "__tests__", "spec", "specs", "e2e", "testing", "integration"]);

const TEST_FILE_RES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/\.(test|spec)\.([cm]?[jt]sx?)$/, (m) => `*.${m[1]}.${m[2]}`],
  [/(^|\/)test_[^/]+\.py$/, () => "test_*.py"],
  [/_test\.py$/, () => "*_test.py"],
  [/_test\.go$/, () => "*_test.go"],
  [/_spec\.rb$/, () => "*_spec.rb"],
  [/_test\.rb$/, () => "*_test.rb"],
  [/(Test|Tests|IT)\.(java|kt)$/, (m) => `*${m[1]}.${m[2]}`],
  [/Test\.php$/, () => "*Test.php"],
  [/^tests\/[^/]+\.rs$/, () => "*.rs"],
];

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function readTestPatterns(repo: Repo, out: Findings): void {
  const groups = new Map<string, Set<string>>();
  for (const f of repo.files) {
    if (isVendored(f.path)) continue;
    for (const [re, glob] of TEST_FILE_RES) {
      const m = re.exec(f.path);
      if (!m) continue;
      const parts = f.path.split("/");
      const testDirIndex = parts.slice(0, -1).findIndex((p) => TEST_DIRS.has(p));
      const where = testDirIndex >= 0 ? `in ${parts.slice(0, testDirIndex + 1).join("/")}/` : "beside the code";
      const key = `${glob(m)}|${where}`;
      if (!groups.has(key)) groups.set(key, new Set());
      groups.get(key)!.add(testDirIndex >= 0 ? f.path : dirOf(f.path) || ".");
      break;
    }
  }
  const entries = [...groups.entries()].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  for (const [key, places] of entries.slice(0, 6)) {
    const [glob, where] = key.split("|");
    const list = [...places].sort();
    if (where === "beside the code") {
      const dirs = list.slice(0, 3).join(", ");
      out.testPatterns.push({
        value: `${glob} beside the code (${dirs}${list.length > 3 ? ", …" : ""})`,
        source: dirs,
      });
    } else {
      out.testPatterns.push({ value: `${glob} ${where}`, source: where.slice(3) });
    }
  }
  if (repo.files.some((f) => /(^|\/)conftest\.py$/.test(f.path) && !isVendored(f.path))) {
    const path = repo.files.find((f) => /(^|\/)conftest\.py$/.test(f.path))!.path;
    out.testPatterns.push({ value: `pytest fixtures in ${path}`, source: path });
  }
  for (const [re, what] of [
    [/^vitest\.(config|workspace)\.[cm]?[jt]s$/, "Vitest config"],
    [/^jest\.config\.[cm]?[jt]s(on)?$/, "Jest config"],
    [/^playwright\.config\.[cm]?[jt]s$/, "Playwright config"],
    [/^cypress\.config\.[cm]?[jt]s$/, "Cypress config"],
    [/^\.mocharc\.(json|ya?ml|c?js)$/, "Mocha config"],
    [/^phpunit\.xml(\.dist)?$/, "PHPUnit config"],
    [/^\.rspec$/, "RSpec options"],
  ] as const) {
    const file = repo.files.find((f) => re.test(f.path));
    if (file) out.testPatterns.push({ value: `${what} in ${file.path}`, source: file.path });
  }
}

export function readLayout(repo: Repo, out: Findings): void {
  const top = repo.children("").filter((p) => repo.dirs.has(p) && !isVendored(`${p}/x`));
  const ws = jsWorkspaceGlobs(repo);
  const members = ws ? expandMemberGlobs(repo, ws.globs, "package.json") : [];
  if (ws) {
    if (members.length > 0)
      out.patterns.push({ value: `Monorepo (${ws.tool}): ${members.join(", ")}`, source: ws.source });
  }
  for (const [file, tool] of [
    ["turbo.json", "Turborepo"],
    ["nx.json", "Nx"],
    ["lerna.json", "Lerna"],
  ]) {
    if (repo.has(file)) out.patterns.push({ value: `${tool} monorepo tooling`, source: file });
  }
  for (const root of ["src", "lib", "app"]) {
    if (top.includes(root)) {
      out.patterns.push({ value: `Source in ${root}/`, source: `${root}/` });
      break;
    }
  }
  // Python src layout / flat package: folders holding __init__.py.
  const pyPackages = repo.files
    .filter((f) => /^(src\/)?[A-Za-z_][\w]*\/__init__\.py$/.test(f.path))
    .map((f) => dirOf(f.path));
  if (pyPackages.length > 0) {
    const layout = pyPackages[0].startsWith("src/") ? "src layout" : "flat layout";
    out.patterns.push({
      value: `Python package ${pyPackages.join(", ")} (${layout})`,
      source: `${pyPackages[0]}/__init__.py`,
    });
  }
  const roles: string[] = [];
  for (const dir of [...repo.dirs].sort()) {
    const depth = dir.split("/").length;
    const name = dir.slice(dir.lastIndexOf("/") + 1);
    // A workspace member named like a role (apps/api) is a package, not a role folder.
    if (depth > 3 || isVendored(`${dir}/x`) || !ROLE_DIRS.includes(name) || members.includes(dir)) continue;
    if (dir.split("/").some((p) => TEST_DIRS.has(p))) continue;
    if (roles.length < 10) roles.push(`${dir}/`);
  }
  if (roles.length > 0) out.patterns.push({ value: `Folders by role: ${roles.join(", ")}`, source: roles.join(", ") });
  for (const dir of ["cmd", "internal", "pkg"]) {
    if (!top.includes(dir)) continue;
    const subs = repo.children(dir).filter((p) => repo.dirs.has(p));
    if (subs.length === 0) continue;
    const label = dir === "cmd" ? "Go commands" : dir === "internal" ? "Private Go packages" : "Public Go packages";
    out.patterns.push({ value: `${label}: ${subs.slice(0, 6).join(", ")}`, source: `${dir}/` });
  }
  const workflows = repo.files.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f.path)).map((f) => f.path);
  if (workflows.length > 0) {
    const names = workflows.map((p) => p.slice(p.lastIndexOf("/") + 1)).slice(0, 5);
    out.patterns.push({ value: `CI: GitHub Actions (${names.join(", ")})`, source: ".github/workflows/" });
  }
  for (const [file, what] of [
    [".gitlab-ci.yml", "CI: GitLab CI"],
    [".circleci/config.yml", "CI: CircleCI"],
  ]) {
    if (repo.has(file)) out.patterns.push({ value: what, source: file });
  }
  const docker = ["Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml"].filter(
    (f) => repo.has(f),
  );
  if (docker.length > 0) out.patterns.push({ value: `Docker: ${docker.join(", ")}`, source: docker.join(", ") });
  const make = repo.text("Makefile");
  if (make) {
    const targets = [...make.matchAll(/^([A-Za-z][\w-]*)\s*:(?!=)/gm)]
      .map((m) => m[1])
      .filter((t, i, all) => all.indexOf(t) === i)
      .slice(0, 10);
    if (targets.length > 0) out.patterns.push({ value: `Make targets: ${targets.join(", ")}`, source: "Makefile" });
  }
}

/** EditorConfig: the properties of each section (at most three sections). */
export function readEditorconfig(repo: Repo): Item | undefined {
  const text = repo.text(".editorconfig");
  if (text === null) return undefined;
  const sections: string[] = [];
  let current: { glob: string; props: string[] } | undefined;
  const names: Record<string, (v: string) => string | undefined> = {
    indent_style: (v) => (v === "tab" ? "tabs" : v === "space" ? "spaces" : undefined),
    indent_size: (v) => `indent ${v}`,
    end_of_line: (v) => `${v.toUpperCase()} line endings`,
    charset: (v) => v.toUpperCase(),
    insert_final_newline: (v) => (v === "true" ? "final newline" : "no final newline"),
    trim_trailing_whitespace: (v) => (v === "true" ? "trim trailing whitespace" : "keep trailing whitespace"),
    max_line_length: (v) => `max line length ${v}`,
  };
  const push = () => {
    if (current && current.props.length > 0 && sections.length < 3) {
      sections.push(current.glob === "*" ? current.props.join(", ") : `${current.glob}: ${current.props.join(", ")}`);
    }
  };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s[#;].*$/, "").trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      push();
      current = { glob: header[1], props: [] };
      continue;
    }
    const kv = /^([\w-]+)\s*=\s*(.+)$/.exec(line);
    if (!kv || !current) continue;
    const fmt = names[kv[1].toLowerCase()];
    const v = fmt?.(kv[2].trim().toLowerCase());
    if (v) current.props.push(v);
  }
  push();
  return sections.length > 0 ? { value: `EditorConfig: ${sections.join("; ")}`, source: ".editorconfig" } : undefined;
}
