import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalPath, isUnderPrefix, rawPathOf } from "./canonical-path.js";

describe("canonicalPath", () => {
  it.each([
    ["/", "/"],
    ["/api/health", "/api/health"],
    ["/api/health/", "/api/health"],
    ["/API/Health", "/api/health"],
    ["/%61pi/health", "/api/health"],
    ["/api/health?token=x", "/api/health"],
    ["/api/health#frag", "/api/health"],
    ["/api/projects/%C3%A9t%C3%A9", "/api/projects/été"],
  ])("canonicalises %s to %s", (raw, expected) => {
    expect(canonicalPath(raw)).toBe(expected);
  });

  it.each([
    ["double slash", "//api/optimize"],
    ["inner double slash", "/api//health"],
    ["dot-dot", "/api/../api/health"],
    ["dot", "/api/./health"],
    ["encoded dot-dot", "/api/%2e%2e/health"],
    ["mixed-case encoded dot-dot", "/api/%2E%2e/health"],
    ["half-encoded dot-dot", "/api/.%2e/health"],
    ["encoded slash", "/api%2fhealth"],
    ["encoded slash, upper case", "/api/health%2F..%2Foptimize"],
    ["encoded backslash", "/api%5chealth"],
    ["raw backslash", "/api\\health"],
    ["double encoding", "/api/%252e%252e/health"],
    ["encoded NUL", "/api/health%00"],
    ["encoded newline", "/api/health%0a"],
    ["raw control character", "/api/he\u0001alth"],
    ["broken escape", "/api/%zz"],
    ["truncated escape", "/api/%2"],
    ["invalid UTF-8", "/api/%c3%28"],
    ["relative path", "api/health"],
    ["empty", ""],
  ])("rejects %s", (_label, raw) => {
    expect(canonicalPath(raw)).toBeNull();
  });

  it("never yields a result with dot segments, double slashes or upper case (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("api", "API", "%2e", "%2E", ".", "..", "", "%2f", "%41", "health", "%25", "x%5c"), {
          maxLength: 6,
        }),
        (parts) => {
          const result = canonicalPath(`/${parts.join("/")}`);
          if (result === null) return;
          expect(result.startsWith("/")).toBe(true);
          expect(result).not.toMatch(/\/\/|\/\.\.?(\/|$)|[A-Z%\\]/);
        },
      ),
    );
  });
});

describe("rawPathOf", () => {
  it("returns the still-encoded path of a URL", () => {
    expect(rawPathOf("http://127.0.0.1:8000/api/%2e%2e/x?a=b")).toBe("/api/%2e%2e/x");
    expect(rawPathOf("http://localhost")).toBe("/");
    expect(rawPathOf("/relative?q")).toBe("/relative");
  });
});

describe("isUnderPrefix", () => {
  it("matches the prefix and its children only", () => {
    expect(isUnderPrefix("/api", "/api")).toBe(true);
    expect(isUnderPrefix("/api/x", "/api")).toBe(true);
    expect(isUnderPrefix("/apix", "/api")).toBe(false);
  });
});

describe("canonicalPath's plain-path shortcut", () => {
  // A trailing `?` sends any path down the general decoding route (the query is cut first), so
  // both routes must agree on every path, plain or not.
  const pathChars = fc.constantFrom(
    "/",
    "/",
    ".",
    "..",
    "a",
    "B",
    "z",
    "0",
    "-",
    "_",
    "~",
    "%2e",
    "%2F",
    "%41",
    "%",
    "?",
    "\\",
  );
  it("answers exactly what the general route answers", () => {
    fc.assert(
      fc.property(fc.array(pathChars, { maxLength: 12 }), (parts) => {
        const path = parts.join("");
        expect(canonicalPath(path)).toBe(canonicalPath(`${path}?`));
      }),
      { numRuns: 3000 },
    );
    for (const path of [
      "/",
      "",
      "/api/",
      "/API/Health",
      "/api//x",
      "/a/./b",
      "/a/../b",
      "/.well-known/x",
      "/a.",
      "/...",
    ]) {
      expect(canonicalPath(path)).toBe(canonicalPath(`${path}?`));
    }
  });
});
