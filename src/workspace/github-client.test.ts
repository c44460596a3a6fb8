import { describe, expect, it } from "vitest";
import { parseLinkPages, parseRepoFullName } from "./github-client.js";

describe("parseRepoFullName", () => {
  it("accepts GitHub's owner/repo names", () => {
    expect(parseRepoFullName("octo-org/my.repo_name-2")).toEqual({ owner: "octo-org", repo: "my.repo_name-2" });
    expect(parseRepoFullName("  a/b  ")).toEqual({ owner: "a", repo: "b" });
  });

  it.each([
    "../etc",
    "octo/..",
    "octo/.",
    "octo/a/b",
    "octo",
    "/repo",
    "octo/",
    "-octo/repo",
    "octo/re po",
    "octo/re%2fpo",
    "octo/ré",
    `${"a".repeat(40)}/repo`,
  ])("refuses %j with a message naming the field", (name) => {
    expect(() => parseRepoFullName(name)).toThrow(/repo_full_name/);
  });
});

describe("parseLinkPages", () => {
  it("reads next, last, first and prev page numbers from GitHub's Link header", () => {
    const header =
      '<https://api.github.com/user/repos?per_page=30&page=3>; rel="next", ' +
      '<https://api.github.com/user/repos?per_page=30&page=9>; rel="last", ' +
      '<https://api.github.com/user/repos?per_page=30&page=1>; rel="first", ' +
      '<https://api.github.com/user/repos?per_page=30&page=1>; rel="prev"';
    expect(parseLinkPages(header)).toEqual({ next: 3, last: 9, first: 1, prev: 1 });
  });

  it("ignores a missing header and malformed entries", () => {
    expect(parseLinkPages(null)).toEqual({});
    expect(parseLinkPages('<not a url>; rel="next", garbage')).toEqual({});
  });
});
