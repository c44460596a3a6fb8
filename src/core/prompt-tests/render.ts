// Renders a prompt with a test case's vars. The placeholders are the ones the analyzer finds
// (`{{name}}`, `{{ name }}`, `{{$name}}`, `{name}`, and `[name]`/`<name>`); brace placeholders must
// all have a value, bracket and angle forms are filled only when the case names them (they are
// too often plain prose to demand a value). Substitution is one pass: values are never re-scanned.
import { AppError } from "../errors.js";
import { extractPlaceholders } from "../local/placeholders.js";
import type { TestCase } from "./schema.js";

const DOLLAR_RE = /\{\{\s*\$([A-Za-z_][\w.-]{0,47})\s*\}\}/g;

export interface PlaceholderRef {
  token: string;
  name: string;
  required: boolean;
}

/** The placeholders of a prompt with their var names. */
export function placeholderRefs(prompt: string): PlaceholderRef[] {
  const refs = extractPlaceholders(prompt).map((token): PlaceholderRef => {
    if (token.startsWith("{")) {
      const name = token.replace(/^\{\{?\s*\$?/, "").replace(/\s*\}?\}$/, "");
      return { token, name, required: true };
    }
    return { token, name: token.slice(1, -1), required: false };
  });
  // `{{$name}}` (PRODUCT.md 3.2) is a template variable too, whether or not the analyzer lists it.
  const seen = new Set(refs.map((r) => r.token));
  for (const m of prompt.matchAll(DOLLAR_RE)) {
    if (seen.has(m[0])) continue;
    seen.add(m[0]);
    refs.push({ token: m[0], name: m[1], required: true });
  }
  return refs;
}

/** Names of the vars a prompt requires (brace placeholders), in order of first appearance. */
export function requiredVars(prompt: string): string[] {
  return [
    ...new Set(
      placeholderRefs(prompt)
        .filter((r) => r.required)
        .map((r) => r.name),
    ),
  ];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface RenderOptions {
  /** Used in error messages: "case 3", "the original prompt". */
  caseLabel?: string;
  promptLabel?: string;
}

export interface PromptTemplate {
  /** Names of the vars the prompt requires. */
  required: string[];
  render(vars: TestCase["vars"], options?: RenderOptions): string;
}

/** Scans a prompt's placeholders once; `render` then fills them for any number of cases. */
export function compileTemplate(prompt: string): PromptTemplate {
  const refs = placeholderRefs(prompt);
  // Longest tokens first so `{{name}}` wins over a `{name}` inside it.
  const tokens = [...new Set(refs.map((r) => r.token))].sort((a, b) => b.length - a.length);
  const re = tokens.length > 0 ? new RegExp(tokens.map(escapeRe).join("|"), "g") : null;
  const required = [...new Set(refs.filter((r) => r.required).map((r) => r.name))];
  const nameOf = new Map(refs.map((r) => [r.token, r.name]));
  return {
    required,
    render(vars, options = {}) {
      const missing = required.filter((name) => !Object.hasOwn(vars, name) || vars[name] === undefined);
      if (missing.length > 0) {
        const where = [options.caseLabel, options.promptLabel].filter(Boolean).join(", ");
        const names = missing.map((n) => `"${n}"`).join(", ");
        throw new AppError(
          "validation_error",
          `${where ? `${where}: ` : ""}the prompt uses ${missing.length === 1 ? "the placeholder" : "placeholders"} ${names} ` +
            `but the test case gives no value for ${missing.length === 1 ? "it" : "them"}; add ${names} to its vars.`,
          { details: { missing } },
        );
      }
      if (re === null) return prompt;
      return prompt.replace(re, (token) => {
        const name = nameOf.get(token) as string;
        const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
        return value === undefined ? token : String(value);
      });
    },
  };
}

/** Fills the prompt's placeholders with the case's vars; a missing required var is a validation error. */
export function renderPrompt(prompt: string, vars: TestCase["vars"], options: RenderOptions = {}): string {
  return compileTemplate(prompt).render(vars, options);
}
