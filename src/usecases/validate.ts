// Input parsing shared by every use case: a zod failure becomes one AppError naming each problem.
import type { z } from "zod";
import { AppError } from "../core/errors.js";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  throw new AppError("validation_error", `Invalid input — ${summary}`, { details: { issues } });
}
