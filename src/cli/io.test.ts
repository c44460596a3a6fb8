import { describe, expect, it } from "vitest";
import { describeCause, describeError } from "./io.js";

describe("describeCause (LOG_LEVEL=debug details of an unexpected error)", () => {
  it("gives the error chain with its stack, without secrets or URL credentials", () => {
    const key = "0123456789abcdef0123456789abcdef";
    const cause = new Error(`connect failed for postgres://pf:hunter2secret@db:5432/pf with key ${key}`);
    const error = new Error("database migration failed", { cause });
    const text = describeCause(error, { ENCRYPTION_KEY: key });
    expect(text).toContain("database migration failed");
    expect(text).toContain("caused by:");
    expect(text).toContain("connect failed for postgres://pf:[redacted]@db:5432/pf");
    expect(text).toMatch(/at .*io\.test\.ts/);
    expect(text).not.toContain(key);
    expect(text).not.toContain("hunter2secret");
    // The short form stays what it was.
    expect(describeError(error)).toBe("unexpected internal error (run with LOG_LEVEL=debug for details)");
  });
});
