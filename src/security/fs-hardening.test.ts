import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hardenDataDir, warnIfExposed } from "./fs-hardening.js";

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === "win32")("hardenDataDir", () => {
  it("creates a missing data directory with mode 0700", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "pf-harden-")), "data");
    const events = hardenDataDir(dir, { log: () => {}, setUmask: false });
    expect(modeOf(dir)).toBe(0o700);
    expect(events).toEqual([]);
  });

  it("tightens a loose directory and every protected file, reporting each without contents", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-harden-"));
    chmodSync(dir, 0o755);
    const files = [
      "promptforge.db",
      "promptforge.db-wal",
      "promptforge.db-shm",
      "encryption.key",
      "internal-webhook.secret",
      "audit.log",
    ];
    for (const f of files) {
      writeFileSync(join(dir, f), "TOP-SECRET-CONTENT");
      chmodSync(join(dir, f), 0o644);
    }
    writeFileSync(join(dir, "notes.txt"), "x");
    chmodSync(join(dir, "notes.txt"), 0o644);
    const messages: string[] = [];
    const events = hardenDataDir(dir, { log: (m) => messages.push(m), setUmask: false });
    expect(modeOf(dir)).toBe(0o700);
    for (const f of files) expect(modeOf(join(dir, f))).toBe(0o600);
    expect(modeOf(join(dir, "notes.txt"))).toBe(0o644);
    expect(events).toHaveLength(7);
    expect(events[0]).toEqual({ path: dir, previousMode: "0755", mode: "0700" });
    expect(messages.join("\n")).not.toContain("TOP-SECRET-CONTENT");
    expect(messages[1]).toContain("promptforge.db from 0644 to 0600");
  });

  it("leaves already-strict files alone and says nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-harden-"));
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, "promptforge.db"), "", { mode: 0o600 });
    writeFileSync(join(dir, "encryption.key"), "", { mode: 0o400 });
    const messages: string[] = [];
    hardenDataDir(dir, { log: (m) => messages.push(m), setUmask: false });
    expect(messages).toEqual([]);
    expect(modeOf(join(dir, "encryption.key"))).toBe(0o400);
  });

  it("sets umask 077 so files created afterwards are private", () => {
    const previous = process.umask();
    try {
      const dir = mkdtempSync(join(tmpdir(), "pf-harden-"));
      hardenDataDir(dir, { log: () => {} });
      expect(process.umask()).toBe(0o077);
      writeFileSync(join(dir, "later.txt"), "x");
      expect(modeOf(join(dir, "later.txt"))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});

describe("warnIfExposed", () => {
  it("warns loudly for a non-loopback bind without a token, never printing a secret", () => {
    const messages: string[] = [];
    expect(warnIfExposed({ host: "0.0.0.0", token: "", service: "API", log: (m) => messages.push(m) })).toBe(true);
    expect(messages[0]).toMatch(/SECURITY WARNING.*0\.0\.0\.0.*AUTH_TOKEN is not set/);
    expect(warnIfExposed({ host: "::", token: undefined, service: "MCP", log: (m) => messages.push(m) })).toBe(true);
    expect(messages[1]).toContain("MCP_AUTH_TOKEN");
  });

  it.each(["127.0.0.1", "localhost", "::1", "127.0.0.2"])("stays quiet on loopback %s", (host) => {
    expect(warnIfExposed({ host, token: "", service: "API", log: () => {} })).toBe(false);
  });

  it("stays quiet when a token is set and never includes it", () => {
    const messages: string[] = [];
    expect(warnIfExposed({ host: "0.0.0.0", token: "s3cret", service: "API", log: (m) => messages.push(m) })).toBe(
      false,
    );
    expect(messages).toEqual([]);
  });
});
