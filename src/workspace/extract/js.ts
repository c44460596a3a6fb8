// JavaScript/TypeScript: package.json (frameworks, test runners, scripts, engines, workspaces),
// the lockfile, and the tool configs (Biome, Prettier, ESLint, tsconfig).
import { type Findings, isRecord, named, type Repo, str, strings, versionOf } from "./repo.js";

/** Framework packages, most specific first; `hides` are bases a meta-framework implies. */
const FRAMEWORKS: { pkg: string; name: string; hides?: string[] }[] = [
  { pkg: "next", name: "Next.js", hides: ["react"] },
  { pkg: "nuxt", name: "Nuxt", hides: ["vue"] },
  { pkg: "@sveltejs/kit", name: "SvelteKit", hides: ["svelte"] },
  { pkg: "@remix-run/react", name: "Remix", hides: ["react"] },
  { pkg: "@react-router/dev", name: "React Router", hides: ["react"] },
  { pkg: "astro", name: "Astro" },
  { pkg: "gatsby", name: "Gatsby", hides: ["react"] },
  { pkg: "expo", name: "Expo", hides: ["react-native", "react"] },
  { pkg: "react-native", name: "React Native", hides: ["react"] },
  { pkg: "@angular/core", name: "Angular" },
  { pkg: "@nestjs/core", name: "NestJS", hides: ["express"] },
  { pkg: "electron", name: "Electron" },
  { pkg: "vue", name: "Vue" },
  { pkg: "svelte", name: "Svelte" },
  { pkg: "solid-js", name: "Solid" },
  { pkg: "preact", name: "Preact" },
  { pkg: "react", name: "React" },
  { pkg: "express", name: "Express" },
  { pkg: "fastify", name: "Fastify" },
  { pkg: "hono", name: "Hono" },
  { pkg: "koa", name: "Koa" },
  { pkg: "@hapi/hapi", name: "hapi" },
  { pkg: "elysia", name: "Elysia" },
];

const TEST_RUNNERS: { pkg: string; name: string }[] = [
  { pkg: "vitest", name: "Vitest" },
  { pkg: "jest", name: "Jest" },
  { pkg: "mocha", name: "Mocha" },
  { pkg: "ava", name: "AVA" },
  { pkg: "jasmine", name: "Jasmine" },
  { pkg: "uvu", name: "uvu" },
  { pkg: "tap", name: "tap" },
  { pkg: "@playwright/test", name: "Playwright" },
  { pkg: "cypress", name: "Cypress" },
];

const LOCKFILES: [string, string][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "Yarn"],
  ["bun.lockb", "Bun"],
  ["bun.lock", "Bun"],
  ["package-lock.json", "npm"],
];

export const JS_READS = [
  "package.json",
  "pnpm-workspace.yaml",
  "tsconfig.json",
  "jsconfig.json",
  "biome.json",
  "biome.jsonc",
  ".prettierrc",
  ".prettierrc.json",
  ".prettierrc.yaml",
  ".prettierrc.yml",
  ".eslintrc",
  ".eslintrc.json",
  ".eslintrc.yaml",
  ".eslintrc.yml",
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
];

type Deps = Map<string, { version?: string; source: string }>;

function collectDeps(repo: Repo, manifests: string[]): Deps {
  const deps: Deps = new Map();
  for (const path of manifests) {
    const pkg = repo.json(path);
    if (!pkg) continue;
    for (const key of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
      const block = pkg[key];
      if (!isRecord(block)) continue;
      for (const [name, spec] of Object.entries(block)) {
        if (!deps.has(name)) deps.set(name, { version: versionOf(spec), source: path });
      }
    }
  }
  return deps;
}

/** Workspace member folders named by package.json `workspaces` or pnpm-workspace.yaml. */
export function jsWorkspaceGlobs(repo: Repo): { globs: string[]; source: string; tool: string } | undefined {
  const pkg = repo.json("package.json");
  const ws = pkg?.workspaces;
  const fromPkg = Array.isArray(ws) ? strings(ws) : isRecord(ws) ? strings(ws.packages) : [];
  if (fromPkg.length > 0) return { globs: fromPkg, source: "package.json", tool: "npm workspaces" };
  const pnpm = repo.has("pnpm-workspace.yaml") ? repo.yaml("pnpm-workspace.yaml") : undefined;
  const fromPnpm = strings(pnpm?.packages);
  if (fromPnpm.length > 0) return { globs: fromPnpm, source: "pnpm-workspace.yaml", tool: "pnpm workspaces" };
  return undefined;
}

/** Member folders matching `dir`, `dir/*` or `dir/**` globs (negations ignored), at most 20. */
export function expandMemberGlobs(repo: Repo, globs: string[], manifest: string): string[] {
  const out: string[] = [];
  for (const raw of globs) {
    const glob = raw.replace(/^\.\//, "").replace(/\/+$/, "");
    if (!glob || glob.startsWith("!") || glob.includes("..")) continue;
    const star = glob.indexOf("*");
    if (star < 0) {
      if (repo.has(`${glob}/${manifest}`)) out.push(glob);
      continue;
    }
    const base = glob.slice(0, star).replace(/\/$/, "");
    for (const child of repo.children(base)) {
      if (repo.has(`${child}/${manifest}`) && !out.includes(child)) out.push(child);
    }
  }
  return out.sort().slice(0, 20);
}

export function jsMemberReads(repo: Repo): string[] {
  const ws = jsWorkspaceGlobs(repo);
  return ws ? expandMemberGlobs(repo, ws.globs, "package.json").map((d) => `${d}/package.json`) : [];
}

export function readJs(repo: Repo, out: Findings): void {
  if (!repo.has("package.json")) return;
  const pkg = repo.json("package.json");
  const members = jsMemberReads(repo);
  const deps = collectDeps(repo, ["package.json", ...members]);

  const hidden = new Set<string>();
  for (const fw of FRAMEWORKS) {
    const dep = deps.get(fw.pkg);
    if (!dep || hidden.has(fw.pkg)) continue;
    for (const h of fw.hides ?? []) hidden.add(h);
    out.frameworks.push({ value: named(fw.name, dep.version), source: dep.source, ecosystem: "js" });
  }
  for (const runner of TEST_RUNNERS) {
    const dep = deps.get(runner.pkg);
    if (dep) out.tests.push({ value: named(runner.name, dep.version), source: dep.source, ecosystem: "js" });
  }
  const scripts = isRecord(pkg?.scripts) ? pkg.scripts : {};
  const testScript = str(scripts.test);
  if (out.tests.every((t) => t.ecosystem !== "js") && testScript && /node\s+(--[\w-]+\s+)*--test\b/.test(testScript)) {
    out.tests.push({ value: "node:test", source: "package.json", ecosystem: "js" });
  }

  if (pkg) {
    const desc = str(pkg.description);
    if (desc) out.descriptions.push({ value: desc, source: "package.json" });
    if (pkg.type === "module") out.conventions.push({ value: 'ES modules ("type": "module")', source: "package.json" });
    const node = isRecord(pkg.engines) ? str(pkg.engines.node) : undefined;
    if (node) out.conventions.push({ value: `Node.js ${node}`, source: "package.json" });
    const manager = str(pkg.packageManager);
    const lock = LOCKFILES.find(([file]) => repo.has(file));
    if (manager)
      out.conventions.push({ value: `Package manager: ${manager.replace("@", " ")}`, source: "package.json" });
    else if (lock) out.conventions.push({ value: `Package manager: ${lock[1]}`, source: lock[0] });
    const shown = ["test", "lint", "format", "typecheck", "check", "build"]
      .map((name) => [name, str(scripts[name])] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
      .map(([name, cmd]) => `${name} → ${cmd.length > 80 ? `${cmd.slice(0, 79)}…` : cmd}`);
    if (shown.length > 0) out.conventions.push({ value: `npm scripts: ${shown.join("; ")}`, source: "package.json" });
  }
  const ts = deps.get("typescript");
  readTsconfig(repo, out, ts?.version);
  readBiome(repo, out);
  readPrettier(repo, out, pkg);
  readEslint(repo, out, pkg);
}

function readTsconfig(repo: Repo, out: Findings, tsVersion: string | undefined): void {
  const path = repo.first("tsconfig.json", "jsconfig.json");
  if (!path) return;
  const cfg = repo.json(path);
  const opts = isRecord(cfg?.compilerOptions) ? cfg.compilerOptions : {};
  const bits: string[] = [];
  if (opts.strict === true) bits.push("strict");
  for (const key of ["noUncheckedIndexedAccess", "exactOptionalPropertyTypes", "verbatimModuleSyntax"]) {
    if (opts[key] === true) bits.push(key);
  }
  for (const key of ["target", "module", "moduleResolution", "jsx"]) {
    const v = str(opts[key]);
    if (v) bits.push(`${key} ${v}`);
  }
  if (isRecord(opts.paths)) {
    const aliases = Object.keys(opts.paths).slice(0, 4);
    if (aliases.length > 0) bits.push(`path aliases ${aliases.join(", ")}`);
  }
  const ext = typeof cfg?.extends === "string" ? cfg.extends : strings(cfg?.extends).join(", ");
  if (ext) bits.push(`extends ${ext}`);
  const lang = path === "tsconfig.json" ? named("TypeScript", tsVersion) : "JavaScript (jsconfig)";
  out.conventions.push({ value: bits.length > 0 ? `${lang}: ${bits.join(", ")}` : lang, source: path });
}

function indentText(style: unknown, width: unknown): string | undefined {
  if (style === "tab" || style === true) return "tab indentation";
  if (typeof width === "number") return `${width}-space indentation`;
  if (style === "space") return "space indentation";
  return undefined;
}

function readBiome(repo: Repo, out: Findings): void {
  const path = repo.first("biome.json", "biome.jsonc");
  if (!path) return;
  const cfg = repo.json(path);
  const fmt = isRecord(cfg?.formatter) ? cfg.formatter : {};
  const js = isRecord(cfg?.javascript) && isRecord(cfg.javascript.formatter) ? cfg.javascript.formatter : {};
  const bits: string[] = [];
  const indent = indentText(fmt.indentStyle, fmt.indentWidth ?? (fmt.indentStyle === "space" ? 2 : undefined));
  if (indent) bits.push(indent);
  if (typeof fmt.lineWidth === "number") bits.push(`line width ${fmt.lineWidth}`);
  if (js.quoteStyle === "single" || js.quoteStyle === "double") bits.push(`${js.quoteStyle} quotes`);
  if (js.semicolons === "asNeeded") bits.push("semicolons only where needed");
  if (typeof js.trailingCommas === "string") bits.push(`trailing commas ${js.trailingCommas}`);
  const linter = isRecord(cfg?.linter) ? cfg.linter : {};
  const rules = isRecord(linter.rules) ? linter.rules : {};
  if (linter.enabled !== false && (rules.recommended !== false || rules.preset === "recommended")) {
    bits.push("recommended lint rules");
  }
  const what = fmt.enabled === false ? "linting" : linter.enabled === false ? "formatting" : "linting and formatting";
  out.conventions.push({ value: `Biome for ${what}${bits.length ? `: ${bits.join(", ")}` : ""}`, source: path });
}

function readPrettier(repo: Repo, out: Findings, pkg: Record<string, unknown> | undefined): void {
  const file = repo.first(".prettierrc", ".prettierrc.json", ".prettierrc.yaml", ".prettierrc.yml");
  const other = repo.first(
    ".prettierrc.js",
    ".prettierrc.cjs",
    ".prettierrc.mjs",
    "prettier.config.js",
    ".prettierrc.toml",
  );
  const cfg = file ? repo.yaml(file) : isRecord(pkg?.prettier) ? pkg.prettier : undefined;
  const source = file ?? (cfg ? "package.json" : other);
  if (!source) return;
  const bits: string[] = [];
  if (cfg) {
    const indent = indentText(cfg.useTabs, cfg.tabWidth);
    if (indent) bits.push(indent);
    if (typeof cfg.printWidth === "number") bits.push(`print width ${cfg.printWidth}`);
    if (cfg.semi === false) bits.push("no semicolons");
    if (cfg.singleQuote === true) bits.push("single quotes");
    if (typeof cfg.trailingComma === "string") bits.push(`trailing commas ${cfg.trailingComma}`);
  }
  out.conventions.push({ value: `Prettier for formatting${bits.length ? `: ${bits.join(", ")}` : ""}`, source });
}

function readEslint(repo: Repo, out: Findings, pkg: Record<string, unknown> | undefined): void {
  const legacy = repo.first(
    ".eslintrc",
    ".eslintrc.json",
    ".eslintrc.yaml",
    ".eslintrc.yml",
    ".eslintrc.js",
    ".eslintrc.cjs",
  );
  const flat = repo.first("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts");
  if (flat) {
    const text = repo.text(flat) ?? "";
    const imports = [...text.matchAll(/(?:from\s+|require\(\s*)["']([^"'./][^"']*)["']/g)]
      .map((m) => m[1])
      .filter((m, i, all) => all.indexOf(m) === i)
      .slice(0, 6);
    const tail = imports.length ? ` (uses ${imports.join(", ")})` : "";
    out.conventions.push({ value: `ESLint flat config${tail}`, source: flat });
    return;
  }
  const cfg =
    legacy && !/\.c?js$/.test(legacy) ? repo.yaml(legacy) : isRecord(pkg?.eslintConfig) ? pkg.eslintConfig : undefined;
  const source = legacy ?? (cfg ? "package.json" : undefined);
  if (!source) return;
  const ext = typeof cfg?.extends === "string" ? [cfg.extends] : strings(cfg?.extends);
  out.conventions.push({ value: `ESLint${ext.length ? ` (extends ${ext.slice(0, 5).join(", ")})` : ""}`, source });
}
