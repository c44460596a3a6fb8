// Evaluates promptfoo-style assertions on one output. Pure and deterministic: no code execution,
// no model calls. Every type scores 0 or 1 except contains-any/contains-all, which score the share
// of listed values found (so `threshold` can ask for "at least 2 of 3").
import { compileSafeRegex } from "./safe-regex.js";
import type { Assertion, AssertionResult } from "./schema.js";

/** Longest output an assertion looks at (outputs are stored whole; checks stay bounded). */
export const MAX_CHECKED_CHARS = 200_000;

const quote = (s: string, n = 60) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);

function list(value: Assertion["value"]): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The first JSON object or array embedded in the text (fenced or inline), or null. */
export function findJson(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(text);
  if (fenced) {
    try {
      return JSON.parse(fenced[1]);
    } catch {
      // fall through to a scan of the whole text
    }
  }
  // Each opening bracket is tried with its matching closer (string-aware), at most 50 candidates.
  let tried = 0;
  for (let start = 0; start < text.length && tried < 50; start++) {
    const open = text[start];
    if (open !== "{" && open !== "[") continue;
    tried++;
    const end = matchingClose(text, start);
    if (end === -1) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // not JSON; try the next opener
    }
  }
  return null;
}

function matchingClose(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function scoreOf(a: Assertion, output: string): { score: number; detail: string } {
  const values = list(a.value);
  const first = values[0] ?? "";
  switch (a.type) {
    case "equals": {
      const ok = output.trim() === first.trim();
      return { score: ok ? 1 : 0, detail: ok ? "equals the expected text" : `does not equal ${quote(first)}` };
    }
    case "contains": {
      const ok = output.includes(first);
      return { score: ok ? 1 : 0, detail: ok ? `contains ${quote(first)}` : `does not contain ${quote(first)}` };
    }
    case "icontains": {
      const ok = output.toLowerCase().includes(first.toLowerCase());
      return {
        score: ok ? 1 : 0,
        detail: ok ? `contains ${quote(first)} (any case)` : `does not contain ${quote(first)} in any case`,
      };
    }
    case "not-contains": {
      const ok = !output.includes(first);
      return { score: ok ? 1 : 0, detail: ok ? `does not contain ${quote(first)}` : `contains ${quote(first)}` };
    }
    case "starts-with": {
      const ok = output.trimStart().startsWith(first);
      return { score: ok ? 1 : 0, detail: ok ? `starts with ${quote(first)}` : `does not start with ${quote(first)}` };
    }
    case "contains-any": {
      const found = values.filter((v) => output.includes(v));
      return {
        score: found.length > 0 ? 1 : 0,
        detail: found.length > 0 ? `contains ${quote(found[0])}` : `contains none of ${values.length} values`,
      };
    }
    case "contains-all": {
      const missing = values.filter((v) => !output.includes(v));
      return {
        score: (values.length - missing.length) / values.length,
        detail:
          missing.length === 0
            ? `contains all ${values.length} values`
            : `misses ${missing.length} of ${values.length}: ${missing
                .slice(0, 3)
                .map((m) => quote(m, 30))
                .join(", ")}`,
      };
    }
    case "regex": {
      const re = compileSafeRegex(first);
      const ok = re.test(output);
      return { score: ok ? 1 : 0, detail: ok ? `matches /${re.source}/` : `does not match /${re.source}/` };
    }
    case "is-json": {
      const ok = isJson(output.trim());
      return { score: ok ? 1 : 0, detail: ok ? "is valid JSON" : "is not valid JSON" };
    }
    case "contains-json": {
      const ok = findJson(output) !== null;
      return { score: ok ? 1 : 0, detail: ok ? "contains a JSON value" : "contains no JSON object or array" };
    }
  }
}

/** Runs one assertion; an unsafe or invalid regex throws a validation error. */
export function evaluateAssertion(assertion: Assertion, output: string): AssertionResult {
  const text = output.length > MAX_CHECKED_CHARS ? output.slice(0, MAX_CHECKED_CHARS) : output;
  const { score, detail } = scoreOf(assertion, text);
  const threshold = assertion.threshold ?? 1;
  return { type: assertion.type, pass: score >= threshold, score, weight: assertion.weight ?? 1, detail };
}

export function evaluateAssertions(assertions: readonly Assertion[], output: string): AssertionResult[] {
  return assertions.map((a) => evaluateAssertion(a, output));
}

/** Compiles every regex assertion once, so a bad pattern is refused before a run makes any call. */
export function checkAssertions(assertions: readonly Assertion[]): void {
  for (const a of assertions) {
    if (a.type === "regex" && typeof a.value === "string") compileSafeRegex(a.value);
  }
}
