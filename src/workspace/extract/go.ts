// Go: go.mod (module, go version, requirements), go.work, .golangci.yml.
import { type Findings, isRecord, named, type Repo, strings, versionOf } from "./repo.js";

const FRAMEWORKS: [string, string][] = [
  ["github.com/gin-gonic/gin", "Gin"],
  ["github.com/labstack/echo", "Echo"],
  ["github.com/gofiber/fiber", "Fiber"],
  ["github.com/go-chi/chi", "chi"],
  ["github.com/gorilla/mux", "Gorilla mux"],
  ["github.com/beego/beego", "Beego"],
  ["google.golang.org/grpc", "gRPC"],
  ["github.com/spf13/cobra", "Cobra"],
  ["gorm.io/gorm", "GORM"],
  ["github.com/urfave/cli", "urfave/cli"],
];
const TESTS: [string, string][] = [
  ["github.com/stretchr/testify", "testify"],
  ["github.com/onsi/ginkgo", "Ginkgo"],
  ["github.com/onsi/gomega", "Gomega"],
];

export const GO_READS = ["go.mod", "go.work", ".golangci.yml", ".golangci.yaml"];

export interface GoMod {
  module?: string;
  go?: string;
  requires: Map<string, string>;
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: new Map() };
  let inRequire = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (!line) continue;
    if (inRequire) {
      if (line === ")") inRequire = false;
      else {
        const [path, version] = line.split(/\s+/);
        if (path && version) mod.requires.set(path, version);
      }
      continue;
    }
    const m = /^(module|go|require)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === "module") mod.module = m[2].replace(/^"|"$/g, "");
    else if (m[1] === "go") mod.go = m[2];
    else if (m[2] === "(") inRequire = true;
    else {
      const [path, version] = m[2].split(/\s+/);
      if (path && version) mod.requires.set(path, version);
    }
  }
  return mod;
}

/** The requirement whose path is `base` or `base/vN`. */
function find(mod: GoMod, base: string): string | undefined {
  for (const [path, version] of mod.requires) {
    if (path === base || new RegExp(`^${base.replace(/\./g, "\\.")}/v\\d+$`).test(path)) return version;
  }
  return undefined;
}

export function readGo(repo: Repo, out: Findings): void {
  const text = repo.text("go.mod");
  if (text === null) return;
  const mod = parseGoMod(text);
  for (const [path, name] of FRAMEWORKS) {
    const v = find(mod, path);
    if (v) out.frameworks.push({ value: named(name, versionOf(v)), source: "go.mod", ecosystem: "go" });
  }
  const hasTests = repo.files.some((f) => f.path.endsWith("_test.go"));
  if (hasTests) out.tests.push({ value: "go test", source: "go.mod", ecosystem: "go" });
  for (const [path, name] of TESTS) {
    const v = find(mod, path);
    if (v) out.tests.push({ value: named(name, versionOf(v)), source: "go.mod", ecosystem: "go" });
  }
  if (mod.go) out.conventions.push({ value: `Go ${mod.go}`, source: "go.mod" });
  if (mod.module) out.conventions.push({ value: `Module path ${mod.module}`, source: "go.mod" });
  if (repo.has("go.work")) {
    const uses = [...(repo.text("go.work") ?? "").matchAll(/^\s*(?:use\s+)?(\.\/[^\s)]+)/gm)].map((m) => m[1].slice(2));
    out.patterns.push({ value: `Go workspace${uses.length ? `: ${uses.join(", ")}` : ""}`, source: "go.work" });
  }
  const lintPath = repo.first(".golangci.yml", ".golangci.yaml");
  if (lintPath) {
    const cfg = repo.yaml(lintPath);
    const linters = isRecord(cfg?.linters) ? strings(cfg.linters.enable) : [];
    out.conventions.push({
      value: `golangci-lint${linters.length ? `: ${linters.slice(0, 12).join(", ")}` : ""}`,
      source: lintPath,
    });
  }
}
