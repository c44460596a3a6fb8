// Test cases in promptfoo's shape: values for the prompt's placeholders plus optional assertions.
// One zod schema per contract; the REST body, MCP input, stored rows and file import all use these.
import { z } from "zod";

export const ASSERTION_TYPES = [
  "equals",
  "contains",
  "icontains",
  "contains-any",
  "contains-all",
  "not-contains",
  "regex",
  "starts-with",
  "is-json",
  "contains-json",
] as const;
export type AssertionType = (typeof ASSERTION_TYPES)[number];

/** Longest text an assertion value, a var or a regex source may be. */
export const MAX_VALUE_CHARS = 20_000;
export const MAX_REGEX_CHARS = 500;
export const MAX_CASES = 200;
export const MAX_ASSERTIONS = 20;
export const MAX_VARS = 50;

const assertionValue = z.union([
  z.string().max(MAX_VALUE_CHARS),
  z.array(z.string().max(MAX_VALUE_CHARS)).min(1).max(100),
]);

export const AssertionSchema = z
  .object({
    type: z.enum(ASSERTION_TYPES),
    /** What to compare with; a list for contains-any/contains-all; unused by is-json/contains-json. */
    value: assertionValue.optional(),
    /** Minimum score (0–1) for the assertion to pass; default 1 for every type here. */
    threshold: z.number().min(0).max(1).optional(),
    /** Weight in the case's assertion score (default 1). */
    weight: z.number().min(0).max(100).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const needsList = a.type === "contains-any" || a.type === "contains-all";
    const needsValue = a.type !== "is-json" && a.type !== "contains-json";
    if (needsValue && a.value === undefined) {
      ctx.addIssue({ code: "custom", message: `assertion "${a.type}" needs a value`, path: ["value"] });
    }
    if (!needsList && Array.isArray(a.value)) {
      ctx.addIssue({ code: "custom", message: `assertion "${a.type}" takes one string, not a list`, path: ["value"] });
    }
    if (a.type === "regex" && typeof a.value === "string" && a.value.length > MAX_REGEX_CHARS) {
      ctx.addIssue({
        code: "custom",
        message: `regex is longer than ${MAX_REGEX_CHARS} characters`,
        path: ["value"],
      });
    }
  })
  .meta({ id: "TestAssertion" });
export type Assertion = z.infer<typeof AssertionSchema>;

const VarNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_$][\w.\- $]*$/, "a variable name is letters, digits, _ . - $ (and inner spaces)");

export const TestCaseSchema = z
  .object({
    description: z.string().max(300).optional(),
    /** Values of the prompt's placeholders, by name (without braces). */
    vars: z
      .record(VarNameSchema, z.union([z.string().max(MAX_VALUE_CHARS), z.number(), z.boolean()]))
      .default({})
      .refine((v) => Object.keys(v).length <= MAX_VARS, `at most ${MAX_VARS} vars`),
    assert: z.array(AssertionSchema).max(MAX_ASSERTIONS).default([]),
  })
  .strict()
  .meta({ id: "TestCase" });
export type TestCase = z.infer<typeof TestCaseSchema>;
export type TestCaseInput = z.input<typeof TestCaseSchema>;

export const TestCaseListSchema = z.array(TestCaseSchema).min(1).max(MAX_CASES);

/** The result of one assertion on one output. */
export interface AssertionResult {
  type: AssertionType;
  pass: boolean;
  /** 0–1. */
  score: number;
  weight: number;
  detail: string;
}
