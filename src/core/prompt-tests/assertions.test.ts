import { describe, expect, it } from "vitest";
import { isAppError } from "../errors.js";
import { evaluateAssertion, findJson } from "./assertions.js";
import { checkRegexSafety, compileSafeRegex } from "./safe-regex.js";
import { type Assertion, AssertionSchema } from "./schema.js";

const run = (a: Assertion, output: string) => evaluateAssertion(AssertionSchema.parse(a), output);

describe("assertions", () => {
  it("equals compares trimmed text exactly", () => {
    expect(run({ type: "equals", value: "Paris" }, "  Paris\n").pass).toBe(true);
    expect(run({ type: "equals", value: "Paris" }, "paris").pass).toBe(false);
  });

  it("contains / icontains / not-contains / starts-with", () => {
    expect(run({ type: "contains", value: "refund" }, "We will refund you.").pass).toBe(true);
    expect(run({ type: "contains", value: "Refund" }, "We will refund you.").pass).toBe(false);
    expect(run({ type: "icontains", value: "Refund" }, "We will REFUND you.").pass).toBe(true);
    expect(run({ type: "not-contains", value: "sorry" }, "Sorry, no.").pass).toBe(true);
    expect(run({ type: "not-contains", value: "Sorry" }, "Sorry, no.").pass).toBe(false);
    expect(run({ type: "starts-with", value: "Dear" }, "\n Dear Ann").pass).toBe(true);
    expect(run({ type: "starts-with", value: "Dear" }, "Hi, Dear Ann").pass).toBe(false);
  });

  it("contains-any and contains-all score the share found, honouring threshold", () => {
    expect(run({ type: "contains-any", value: ["cat", "dog"] }, "a dog").pass).toBe(true);
    expect(run({ type: "contains-any", value: ["cat", "dog"] }, "a bird").pass).toBe(false);
    const all = run({ type: "contains-all", value: ["a1", "b2", "c3"] }, "a1 and b2");
    expect(all.pass).toBe(false);
    expect(all.score).toBeCloseTo(2 / 3);
    expect(all.detail).toContain('"c3"');
    expect(run({ type: "contains-all", value: ["a1", "b2", "c3"], threshold: 0.6 }, "a1 and b2").pass).toBe(true);
  });

  it("is-json needs the whole output to be JSON; contains-json finds embedded JSON", () => {
    expect(run({ type: "is-json" }, ' {"a": 1} ').pass).toBe(true);
    expect(run({ type: "is-json" }, 'Here: {"a": 1}').pass).toBe(false);
    expect(run({ type: "contains-json" }, 'Here: {"a": "}"} done').pass).toBe(true);
    expect(run({ type: "contains-json" }, "```json\n[1, 2]\n```").pass).toBe(true);
    expect(run({ type: "contains-json" }, "no json {here").pass).toBe(false);
    expect(findJson('x {"b": [1, {"c": 2}]} y')).toEqual({ b: [1, { c: 2 }] });
  });

  it("regex matches plain sources and /literal/flags", () => {
    expect(run({ type: "regex", value: "^\\d{3}-\\d{4}$" }, "555-1234").pass).toBe(true);
    expect(run({ type: "regex", value: "/^yes/i" }, "YES sir").pass).toBe(true);
    expect(run({ type: "regex", value: "^yes" }, "YES sir").pass).toBe(false);
  });

  it("works on empty, whitespace-only and non-English output", () => {
    expect(run({ type: "contains", value: "x" }, "").pass).toBe(false);
    expect(run({ type: "not-contains", value: "x" }, "   ").pass).toBe(true);
    expect(run({ type: "icontains", value: "ÉTÉ" }, "un été chaud").pass).toBe(true);
    expect(run({ type: "is-json" }, "").pass).toBe(false);
  });

  it("weight defaults to 1 and is reported", () => {
    expect(run({ type: "contains", value: "a" }, "a").weight).toBe(1);
    expect(run({ type: "contains", value: "a", weight: 3 }, "a").weight).toBe(3);
  });

  it("schema refuses a missing value, a list for a single-value type and unknown fields", () => {
    expect(AssertionSchema.safeParse({ type: "contains" }).success).toBe(false);
    expect(AssertionSchema.safeParse({ type: "equals", value: ["a"] }).success).toBe(false);
    expect(AssertionSchema.safeParse({ type: "javascript", value: "1" }).success).toBe(false);
    expect(AssertionSchema.safeParse({ type: "is-json", extra: 1 }).success).toBe(false);
  });
});

describe("safe regex", () => {
  const refusal = (pattern: string) => {
    try {
      compileSafeRegex(pattern);
      return null;
    } catch (error) {
      expect(isAppError(error)).toBe(true);
      return error as Error & { status: number };
    }
  };

  it("refuses nested unbounded quantifiers, backreferences and too many quantifiers", () => {
    expect(refusal("(a+)+$")?.message).toMatch(/repeats without bound/);
    expect(refusal("(x*y*)*")?.message).toMatch(/repeats without bound/);
    expect(refusal("((ab)+c)+")?.message).toMatch(/repeats without bound/);
    expect(refusal("(a)\\1")?.message).toMatch(/backreferences/);
    expect(refusal("a+b+c+d+e+")?.message).toMatch(/more than 4/);
  });

  it("names a compile error as a 422, and refuses bad flags and over-long patterns", () => {
    const e = refusal("(unclosed");
    expect(e?.status).toBe(422);
    expect(e?.message).toMatch(/does not compile|unbalanced/);
    expect(refusal("[a-")?.message).toMatch(/does not compile/);
    expect(refusal("/x/g")?.message).toMatch(/flags/);
    expect(refusal("a".repeat(501))?.message).toMatch(/longer than 500/);
  });

  it("accepts ordinary patterns, including bounded repeats of groups and quantifiers in classes", () => {
    expect(() => checkRegexSafety("^(\\w+ ){0,3}done$")).toThrow(); // unbounded inside, repeated outside
    expect(() => checkRegexSafety("^(ab){2,3}$")).not.toThrow();
    expect(() => checkRegexSafety("(foo|bar)+")).not.toThrow();
    expect(() => checkRegexSafety("[+*]+\\d+")).not.toThrow();
    expect(() => checkRegexSafety("\\(a+\\)+")).not.toThrow();
  });

  it("a refused pattern never runs: (a+)+ on a long non-matching input returns at once", () => {
    const started = performance.now();
    expect(refusal("^(a+)+$")).not.toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });
});
