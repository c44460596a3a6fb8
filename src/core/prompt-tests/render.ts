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

/** Fills the prompt's placeholders with the case's vars; a missing required var is a validation error. */
export function renderPrompt(prompt: string, vars: TestCase["vars"], options: RenderOptions = {}): string {
  const refs = placeholderRefs(prompt);
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const ref of refs) {
    const value = Object.hasOwn(vars, ref.name) ? vars[ref.name] : undefined;
    if (value === undefined) {
      if (ref.required && !missing.includes(ref.name)) missing.push(ref.name);
      continue;
    }
    values.set(ref.token, String(value));
  }
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
  if (values.size === 0) return prompt;
  // Longest tokens first so `{{name}}` wins over a `{name}` inside it.
  const tokens = [...values.keys()].sort((a, b) => b.length - a.length);
  const re = new RegExp(tokens.map(escapeRe).join("|"), "g");
  return prompt.replace(re, (token) => values.get(token) ?? token);
}
