import { describe, expect, it } from "vitest";
import { storageFault } from "./storage-faults.js";

/** The shape of pg's DatabaseError: a SQLSTATE code and a severity. */
function pgError(code: string, message = "server error"): Error {
  return Object.assign(new Error(message), { code, severity: "ERROR" });
}

describe("storage faults on PostgreSQL", () => {
  it("answers text with a NUL character with 400 invalid_text, not a 500", () => {
    const fault = storageFault(pgError("22021", 'invalid byte sequence for encoding "UTF8": 0x00'), undefined);
    expect(fault).toMatchObject({ status: 400, code: "invalid_text" });
    expect(fault?.message).toMatch(/NUL character/);
  });

  it("names an unreachable or restarting database server with 503 and Retry-After", () => {
    for (const err of [
      pgError("57P01", "terminating connection due to administrator command"),
      pgError("08006"),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
    ]) {
      const fault = storageFault(err, undefined);
      expect(fault).toMatchObject({ status: 503, code: "storage_unavailable" });
      expect(fault?.message).toMatch(/DATABASE_URL/);
      expect(fault?.headers["Retry-After"]).toBe("2");
    }
  });

  it("maps a full disk to 507, a statement timeout and serialization conflicts to 503", () => {
    expect(storageFault(pgError("53100"), undefined)).toMatchObject({ status: 507, code: "storage_full" });
    expect(storageFault(pgError("57014"), undefined)).toMatchObject({ status: 503, code: "storage_unavailable" });
    expect(storageFault(pgError("40P01"), undefined)).toMatchObject({ status: 503, code: "database_locked" });
  });

  it("leaves other database errors (a unique violation) and ordinary errors to the caller", () => {
    expect(storageFault(pgError("23505"), undefined)).toBeNull();
    expect(storageFault(new Error("something else"), undefined)).toBeNull();
  });
});
