// User-supplied regular expressions for `regex` assertions. JavaScript cannot interrupt a running
// RegExp, so patterns that can backtrack catastrophically are refused up front: nested unbounded
// quantifiers (`(a+)+`), backreferences, and more than a few unbounded quantifiers in one pattern.
import { AppError } from "../errors.js";
import { MAX_REGEX_CHARS } from "./schema.js";

/** Unbounded quantifiers allowed in one pattern (each one multiplies worst-case backtracking). */
const MAX_UNBOUNDED = 4;
const ALLOWED_FLAGS = /^[imsu]*$/;

interface Group {
  unbounded: boolean;
}

function invalid(message: string, pattern: string): AppError {
  return new AppError("validation_error", `Invalid regex assertion: ${message}.`, {
    details: { pattern: pattern.slice(0, 100) },
  });
}

/** Reads `{n}`, `{n,}` or `{n,m}` at `i`; returns its length and whether it is unbounded, or null. */
function braceQuantifier(p: string, i: number): { length: number; unbounded: boolean; repeats: boolean } | null {
  const m = /^\{(\d{1,5})(,(\d{0,5}))?\}/.exec(p.slice(i, i + 14));
  if (!m) return null;
  const unbounded = m[2] !== undefined && m[3] === "";
  const max = m[3] ? Number(m[3]) : Number(m[1]);
  return { length: m[0].length, unbounded, repeats: unbounded || max > 1 };
}

/** Refuses patterns whose matching time can explode; throws a validation error naming the reason. */
export function checkRegexSafety(pattern: string): void {
  const stack: Group[] = [{ unbounded: false }];
  let unboundedCount = 0;
  let inClass = false;
  let lastClosed: Group | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    const closed = lastClosed;
    lastClosed = null;
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(next)) throw invalid("backreferences (\\1…) are not supported", pattern);
      if (!inClass && next === "k" && pattern[i + 2] === "<") {
        throw invalid("named backreferences (\\k<name>) are not supported", pattern);
      }
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      continue;
    }
    if (ch === "(") {
      stack.push({ unbounded: false });
      continue;
    }
    if (ch === ")") {
      const group = stack.pop();
      if (!group || stack.length === 0) throw invalid("unbalanced parenthesis", pattern);
      lastClosed = group;
      // A group containing an unbounded quantifier makes its parent contain one too.
      if (group.unbounded) stack[stack.length - 1].unbounded = true;
      continue;
    }
    let quantifier: { length: number; unbounded: boolean; repeats: boolean } | null = null;
    if (ch === "*" || ch === "+") quantifier = { length: 1, unbounded: true, repeats: true };
    else if (ch === "{") quantifier = braceQuantifier(pattern, i);
    if (!quantifier) continue;
    if (closed?.unbounded && quantifier.repeats) {
      throw invalid("a repeated group that itself repeats without bound (like (a+)+) can take forever", pattern);
    }
    if (quantifier.unbounded) {
      unboundedCount++;
      stack[stack.length - 1].unbounded = true;
      if (unboundedCount > MAX_UNBOUNDED) {
        throw invalid(`more than ${MAX_UNBOUNDED} unbounded quantifiers (*, +, {n,}) in one pattern`, pattern);
      }
    }
    i += quantifier.length - 1;
  }
}

/**
 * Compiles a `regex` assertion value: a plain source (`^\d+$`) or a literal with flags (`/yes/i`).
 * Too long, unsafe or invalid patterns are validation errors (HTTP 422), never crashes.
 */
export function compileSafeRegex(value: string): RegExp {
  if (value.length > MAX_REGEX_CHARS) throw invalid(`longer than ${MAX_REGEX_CHARS} characters`, value);
  let source = value;
  let flags = "";
  const literal = /^\/([\s\S]+)\/([a-z]*)$/.exec(value);
  if (literal) {
    source = literal[1];
    flags = literal[2];
    if (!ALLOWED_FLAGS.test(flags)) throw invalid(`flags may only be i, m, s and u (got "${flags}")`, value);
  }
  checkRegexSafety(source);
  try {
    return new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "invalid";
    throw invalid(`it does not compile (${reason.slice(0, 160)})`, value);
  }
}
