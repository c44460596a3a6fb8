// Python: pyproject.toml (PEP 621, Poetry, dependency groups, tool configs), requirements files,
// Pipfile, setup.cfg/tox.ini/pytest.ini sections, ruff.toml.
import { type Findings, isRecord, named, type Repo, str, strings, versionOf } from "./repo.js";
import type { TomlTable } from "./toml.js";

const FRAMEWORKS: [string, string][] = [
  ["django", "Django"],
  ["fastapi", "FastAPI"],
  ["flask", "Flask"],
  ["starlette", "Starlette"],
  ["litestar", "Litestar"],
  ["aiohttp", "aiohttp"],
  ["tornado", "Tornado"],
  ["sanic", "Sanic"],
  ["pyramid", "Pyramid"],
  ["streamlit", "Streamlit"],
  ["gradio", "Gradio"],
  ["scrapy", "Scrapy"],
  ["torch", "PyTorch"],
  ["tensorflow", "TensorFlow"],
  ["jax", "JAX"],
  ["typer", "Typer"],
  ["click", "Click"],
];
const TESTS: [string, string][] = [
  ["pytest", "pytest"],
  ["hypothesis", "Hypothesis"],
  ["nose2", "nose2"],
];

export const PY_READS = [
  "pyproject.toml",
  "requirements.txt",
  "requirements-dev.txt",
  "dev-requirements.txt",
  "requirements/base.txt",
  "requirements/dev.txt",
  "Pipfile",
  "setup.cfg",
  "tox.ini",
  "pytest.ini",
  "ruff.toml",
  ".ruff.toml",
  ".flake8",
  "mypy.ini",
];

type Deps = Map<string, { version?: string; source: string }>;

/** "fastapi[all]>=0.110,<1 ; python_version>'3.8'" → ["fastapi", "0.110"]. */
export function parseRequirement(line: string): [string, string | undefined] | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#]*)/.exec(line);
  if (!m || line.trim().startsWith("-")) return undefined;
  return [m[1].toLowerCase().replace(/[_.]+/g, "-"), versionOf(m[2])];
}

function add(deps: Deps, name: string, version: string | undefined, source: string): void {
  const key = name.toLowerCase().replace(/[_.]+/g, "-");
  if (!deps.has(key)) deps.set(key, { version, source });
}

function addRequirementList(deps: Deps, list: unknown, source: string): void {
  for (const line of strings(list)) {
    const req = parseRequirement(line);
    if (req) add(deps, req[0], req[1], source);
  }
}

function addPoetryTable(deps: Deps, table: unknown, source: string): void {
  if (!isRecord(table)) return;
  for (const [name, spec] of Object.entries(table)) {
    if (name === "python") continue;
    add(deps, name, versionOf(isRecord(spec) ? spec.version : spec), source);
  }
}

function pyprojectDeps(deps: Deps, py: TomlTable): void {
  const src = "pyproject.toml";
  const project = isRecord(py.project) ? py.project : {};
  addRequirementList(deps, project.dependencies, src);
  if (isRecord(project["optional-dependencies"])) {
    for (const list of Object.values(project["optional-dependencies"])) addRequirementList(deps, list, src);
  }
  if (isRecord(py["dependency-groups"])) {
    for (const list of Object.values(py["dependency-groups"])) addRequirementList(deps, list, src);
  }
  const poetry = isRecord(py.tool) && isRecord(py.tool.poetry) ? py.tool.poetry : undefined;
  if (poetry) {
    addPoetryTable(deps, poetry.dependencies, src);
    addPoetryTable(deps, poetry["dev-dependencies"], src);
    if (isRecord(poetry.group)) {
      for (const group of Object.values(poetry.group))
        if (isRecord(group)) addPoetryTable(deps, group.dependencies, src);
    }
  }
}

/** Minimal INI: the keys of one section. */
export function iniSection(text: string | null, section: string): Record<string, string> | undefined {
  if (text === null) return undefined;
  let inside = false;
  let found = false;
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      inside = header[1].trim() === section;
      found ||= inside;
      continue;
    }
    const kv = inside ? /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line) : null;
    if (kv) out[kv[1]] = kv[2];
  }
  return found ? out : undefined;
}

export function readPython(repo: Repo, out: Findings): void {
  const deps: Deps = new Map();
  const py = repo.has("pyproject.toml") ? repo.toml("pyproject.toml") : undefined;
  if (py) pyprojectDeps(deps, py);
  for (const path of PY_READS.filter((p) => p.endsWith(".txt"))) {
    const text = repo.text(path);
    if (text) addRequirementList(deps, text.split("\n"), path);
  }
  const pipfile = repo.has("Pipfile") ? repo.toml("Pipfile") : undefined;
  if (pipfile) {
    addPoetryTable(deps, pipfile.packages, "Pipfile");
    addPoetryTable(deps, pipfile["dev-packages"], "Pipfile");
  }
  if (!py && deps.size === 0 && !repo.has("setup.py") && !repo.has("setup.cfg")) return;

  for (const [pkg, name] of FRAMEWORKS) {
    const dep = deps.get(pkg);
    if (dep) out.frameworks.push({ value: named(name, dep.version), source: dep.source, ecosystem: "python" });
  }
  const tool = py && isRecord(py.tool) ? py.tool : {};
  const pytestCfg: [string, unknown][] = [];
  if (isRecord(tool.pytest) && isRecord(tool.pytest.ini_options))
    pytestCfg.push(["pyproject.toml", tool.pytest.ini_options]);
  for (const [path, section] of [
    ["pytest.ini", "pytest"],
    ["tox.ini", "pytest"],
    ["setup.cfg", "tool:pytest"],
  ] as const) {
    const s = iniSection(repo.text(path), section);
    if (s) pytestCfg.push([path, { testpaths: s.testpaths?.split(/[\s,]+/).filter(Boolean) }]);
  }
  for (const [pkg, name] of TESTS) {
    const dep = deps.get(pkg);
    if (dep) out.tests.push({ value: named(name, dep.version), source: dep.source, ecosystem: "python" });
    else if (pkg === "pytest" && (pytestCfg.length > 0 || repo.files.some((f) => /(^|\/)conftest\.py$/.test(f.path)))) {
      out.tests.push({ value: "pytest", source: pytestCfg[0]?.[0] ?? "conftest.py", ecosystem: "python" });
    }
  }
  for (const [path, cfg] of pytestCfg) {
    const paths = isRecord(cfg) ? strings(cfg.testpaths) : [];
    if (paths.length) out.testPatterns.push({ value: `pytest testpaths: ${paths.join(", ")}`, source: path });
  }

  const project = py && isRecord(py.project) ? py.project : {};
  const desc = str(project.description) ?? (isRecord(tool.poetry) ? str(tool.poetry.description) : undefined);
  if (desc) out.descriptions.push({ value: desc, source: "pyproject.toml" });
  const requires = str(project["requires-python"]);
  if (requires) out.conventions.push({ value: `Python ${requires}`, source: "pyproject.toml" });
  const backend = py && isRecord(py["build-system"]) ? str(py["build-system"]["build-backend"]) : undefined;
  if (backend) out.conventions.push({ value: `Build backend: ${backend}`, source: "pyproject.toml" });
  const manager = [
    ["uv.lock", "uv"],
    ["poetry.lock", "Poetry"],
    ["Pipfile.lock", "Pipenv"],
    ["pdm.lock", "PDM"],
  ].find(([file]) => repo.has(file));
  if (manager) out.conventions.push({ value: `Package manager: ${manager[1]}`, source: manager[0] });
  readPythonTools(repo, out, tool);
}

function readPythonTools(repo: Repo, out: Findings, tool: Record<string, unknown>): void {
  const ruffFile = repo.first("ruff.toml", ".ruff.toml");
  const ruff = ruffFile ? repo.toml(ruffFile) : isRecord(tool.ruff) ? tool.ruff : undefined;
  if (ruff) {
    const lint = isRecord(ruff.lint) ? ruff.lint : {};
    const bits: string[] = [];
    if (typeof ruff["line-length"] === "number") bits.push(`line length ${ruff["line-length"]}`);
    const target = str(ruff["target-version"]);
    if (target) bits.push(`target ${target}`);
    const select = strings(lint.select).length ? strings(lint.select) : strings(ruff.select);
    if (select.length) bits.push(`rules ${select.slice(0, 12).join(", ")}`);
    const fmt = isRecord(ruff.format) ? ruff.format : undefined;
    const quote = fmt ? str(fmt["quote-style"]) : undefined;
    if (quote) bits.push(`${quote} quotes`);
    const what = fmt ? "Ruff for linting and formatting" : "Ruff for linting";
    out.conventions.push({
      value: `${what}${bits.length ? `: ${bits.join(", ")}` : ""}`,
      source: ruffFile ?? "pyproject.toml",
    });
  }
  if (isRecord(tool.black)) {
    const len = tool.black["line-length"];
    out.conventions.push({
      value: `Black formatting${typeof len === "number" ? `: line length ${len}` : ""}`,
      source: "pyproject.toml",
    });
  }
  if (isRecord(tool.isort)) {
    const profile = str(tool.isort.profile);
    out.conventions.push({
      value: `isort import order${profile ? ` (profile ${profile})` : ""}`,
      source: "pyproject.toml",
    });
  }
  const mypyIni = iniSection(repo.text("mypy.ini"), "mypy");
  if (isRecord(tool.mypy) || mypyIni) {
    const strict = isRecord(tool.mypy)
      ? tool.mypy.strict === true
      : mypyIni?.strict === "True" || mypyIni?.strict === "true";
    out.conventions.push({
      value: `mypy type checking${strict ? " (strict)" : ""}`,
      source: mypyIni ? "mypy.ini" : "pyproject.toml",
    });
  }
  for (const [path, section] of [
    [".flake8", "flake8"],
    ["setup.cfg", "flake8"],
    ["tox.ini", "flake8"],
  ] as const) {
    const s = iniSection(repo.text(path), section);
    if (!s) continue;
    const len = s["max-line-length"];
    out.conventions.push({ value: `flake8${len ? `: max line length ${len}` : ""}`, source: path });
    break;
  }
}
