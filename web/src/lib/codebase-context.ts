// The codebase context (the nine fields a forge is grounded in) as a form holds it: arrays as
// text, one item per line (code snippets: separated by a line holding only `---`, since a snippet
// spans lines). Used by Forge's per-request context and the project's context profile; plus a few
// stack presets.
import type { CodebaseContext } from "$core/pipeline/schemas.js";

export type ContextProfile = CodebaseContext;

export interface ProfileForm {
  language: string;
  framework: string;
  description: string;
  conventions: string;
  patterns: string;
  code_snippets: string;
  documentation: string;
  test_framework: string;
  test_patterns: string;
}

export const TEXT_FIELDS = ["language", "framework", "description", "documentation", "test_framework"] as const;
export const LIST_FIELDS = ["conventions", "patterns", "test_patterns"] as const;

export const SNIPPET_SEPARATOR = "---";

export function emptyForm(): ProfileForm {
  return {
    language: "",
    framework: "",
    description: "",
    conventions: "",
    patterns: "",
    code_snippets: "",
    documentation: "",
    test_framework: "",
    test_patterns: "",
  };
}

export function toForm(profile: ContextProfile | null | undefined): ProfileForm {
  const form = emptyForm();
  if (!profile) return form;
  for (const k of TEXT_FIELDS) form[k] = profile[k] ?? "";
  for (const k of LIST_FIELDS) form[k] = (profile[k] ?? []).join("\n");
  form.code_snippets = (profile.code_snippets ?? []).join(`\n${SNIPPET_SEPARATOR}\n`);
  return form;
}

const lines = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function snippets(text: string): string[] {
  return text
    .split(/^\s*---\s*$/m)
    .map((s) => s.replace(/^\n+|\s+$/g, ""))
    .filter((s) => s.trim().length > 0);
}

/** The profile to store: empty fields left out; null when every field is empty. */
export function fromForm(form: ProfileForm): ContextProfile | null {
  const profile: ContextProfile = {};
  for (const k of TEXT_FIELDS) if (form[k].trim()) profile[k] = form[k].trim();
  for (const k of LIST_FIELDS) {
    const items = lines(form[k]);
    if (items.length) profile[k] = items;
  }
  const code = snippets(form.code_snippets);
  if (code.length) profile.code_snippets = code;
  return Object.keys(profile).length ? profile : null;
}

export function sameForm(a: ProfileForm, b: ProfileForm): boolean {
  return JSON.stringify(fromForm(a)) === JSON.stringify(fromForm(b));
}

export interface StackPreset {
  id: string;
  label: string;
  /** The fields the preset fills; the others keep what the user wrote. */
  fields: Partial<ProfileForm>;
}

export const STACK_PRESETS: StackPreset[] = [
  {
    id: "ts-node-vitest",
    label: "TypeScript + Node + Vitest",
    fields: {
      language: "TypeScript",
      framework: "Node.js",
      conventions: [
        "ES modules; strict TypeScript (no implicit any)",
        "Named exports, one module per concern",
        "Validate input at the boundaries with a schema (zod)",
      ].join("\n"),
      patterns: [
        "async/await, no callbacks",
        "Errors as typed classes with a code",
        "Dependencies passed in, no globals",
      ].join("\n"),
      test_framework: "Vitest",
      test_patterns: [
        "*.test.ts next to the module",
        "describe/it with expect; fakes over mocks for I/O",
        "One behaviour per test, named by what it proves",
      ].join("\n"),
    },
  },
  {
    id: "python-fastapi-pytest",
    label: "Python + FastAPI + pytest",
    fields: {
      language: "Python 3.12",
      framework: "FastAPI",
      conventions: [
        "Type hints everywhere; mypy --strict clean",
        "Pydantic v2 models for request and response bodies",
        "ruff for lint and format",
      ].join("\n"),
      patterns: [
        "Dependency injection with Depends()",
        "async def endpoints; no blocking I/O in handlers",
        "One APIRouter per domain",
      ].join("\n"),
      test_framework: "pytest",
      test_patterns: [
        "tests/test_*.py",
        "Shared fixtures in conftest.py",
        "httpx.AsyncClient against the app for endpoint tests",
      ].join("\n"),
    },
  },
  {
    id: "go-stdlib",
    label: "Go + stdlib testing",
    fields: {
      language: "Go",
      framework: "net/http (standard library)",
      conventions: [
        "gofmt and go vet clean",
        'Wrap errors with fmt.Errorf("…: %w", err)',
        "context.Context as the first parameter",
      ].join("\n"),
      patterns: [
        "Small interfaces, defined by the consumer",
        "No package-level state; dependencies in structs",
        "Return early on errors",
      ].join("\n"),
      test_framework: "testing (standard library)",
      test_patterns: [
        "*_test.go beside the code",
        "Table-driven tests with t.Run subtests",
        "httptest for HTTP handlers",
      ].join("\n"),
    },
  },
  {
    id: "react-vite-rtl",
    label: "React + Vite + Testing Library",
    fields: {
      language: "TypeScript",
      framework: "React + Vite",
      conventions: [
        "Function components and hooks only",
        "Props typed with interfaces",
        "CSS modules; no inline styles",
      ].join("\n"),
      patterns: [
        "Data fetching in custom hooks",
        "State lifted to the nearest common parent; context for app-wide state",
        "Accessible markup: labels, roles, keyboard paths",
      ].join("\n"),
      test_framework: "Vitest + React Testing Library",
      test_patterns: [
        "*.test.tsx beside the component",
        "Query by role and label (getByRole), never by class",
        "user-event for interactions",
      ].join("\n"),
    },
  },
];
