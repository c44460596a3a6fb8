// Input parsing shared by every use case: a zod failure becomes one AppError naming each problem.
import type { z } from "zod";
import { AppError } from "../core/errors.js";

/**
 * The issues worth reporting: once a value has the wrong type, the checks zod still runs on it
 * (`.max(4)` of an array applied to a string: "expected string to have <=4 characters") only
 * mislead, so every other issue at the path of a type error is dropped.
 */
export function reportableIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const key = (issue: z.core.$ZodIssue) => issue.path.map(String).join("\u0000");
  const mistyped = new Set(issues.filter((i) => i.code === "invalid_type").map(key));
  return issues.filter((i) => i.code === "invalid_type" || !mistyped.has(key(i)));
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = reportableIssues(parsed.error.issues).map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  throw new AppError("validation_error", `Invalid input — ${summary}`, { details: { issues } });
}
