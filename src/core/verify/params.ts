// Reading a constraint's params: a missing or malformed param makes the verdict `null` with the
// reason, never a guess. Param names follow the extraction rules in `core/local/constraint-rules.ts`.
import type { Constraint } from "../pipeline/schemas.js";

export interface Outcome {
  follows: boolean | null;
  detail: string;
}

export interface CheckContext {
  /** The prompt the constraints came from (needed by `combination.repeat_prompt`). */
  prompt?: string;
}

export type Check = (c: Constraint, output: string, ctx: CheckContext) => Outcome;

/** Thrown inside a check when a param it needs is missing; turned into a `null` verdict. */
export class ParamProblem extends Error {}

export function unchecked(detail: string): Outcome {
  return { follows: null, detail };
}

export function numParam(c: Constraint, name: string): number {
  const v = c.params[name];
  if (v === undefined) throw new ParamProblem(`missing param "${name}"`);
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) throw new ParamProblem(`param "${name}" is not a non-negative number`);
  return n;
}

export function optNum(c: Constraint, name: string): number | undefined {
  return c.params[name] === undefined ? undefined : numParam(c, name);
}

export function strParam(c: Constraint, name: string): string {
  const v = c.params[name];
  if (typeof v !== "string" || v.trim() === "") throw new ParamProblem(`missing param "${name}"`);
  return v;
}

export function optStr(c: Constraint, name: string): string | undefined {
  const v = c.params[name];
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** A list param; a single string counts as a one-element list. */
export function listParam(c: Constraint, name: string): string[] {
  const v = c.params[name];
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : [];
  const clean = list.map((s) => String(s)).filter((s) => s.trim() !== "");
  if (clean.length === 0) throw new ParamProblem(`missing param "${name}"`);
  return clean;
}

export function optList(c: Constraint, name: string): string[] | undefined {
  return c.params[name] === undefined ? undefined : listParam(c, name);
}

export type Relation = "less than" | "at least" | "exactly" | "at most";
const RELATIONS = new Set<string>(["less than", "at least", "exactly", "at most"]);

export interface Count {
  count: number;
  relation: Relation;
  /** "about 300 words": within ±10 % passes. */
  approximate: boolean;
}

/** `count` with `relation` (default `fallback`); IFEval's "less than" is strict, "at least" inclusive. */
export function countParam(c: Constraint, fallback: Relation = "exactly"): Count {
  const count = numParam(c, "count");
  const rel = c.params.relation;
  if (rel !== undefined && (typeof rel !== "string" || !RELATIONS.has(rel))) {
    throw new ParamProblem(`unknown relation ${JSON.stringify(rel)}`);
  }
  return { count, relation: (rel as Relation | undefined) ?? fallback, approximate: c.params.approximate === true };
}

export function optCount(c: Constraint, fallback: Relation = "exactly"): Count | undefined {
  return c.params.count === undefined ? undefined : countParam(c, fallback);
}

const APPROXIMATE_TOLERANCE = 0.1;

export function compare(actual: number, want: Count): boolean {
  const { count, relation } = want;
  if (want.approximate && relation === "exactly") {
    const slack = Math.max(1, Math.round(count * APPROXIMATE_TOLERANCE));
    return Math.abs(actual - count) <= slack;
  }
  switch (relation) {
    case "less than":
      return actual < count;
    case "at least":
      return actual >= count;
    case "at most":
      return actual <= count;
    case "exactly":
      return actual === count;
  }
}

/** "12 words, wanted less than 10". */
export function countDetail(actual: number, noun: string, want: Count): string {
  const rel = want.approximate && want.relation === "exactly" ? "about" : want.relation;
  return `${actual} ${noun}, wanted ${rel} ${want.count}`;
}

export function countOutcome(actual: number, noun: string, want: Count): Outcome {
  return { follows: compare(actual, want), detail: countDetail(actual, noun, want) };
}
