import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  assertKeyMatches,
  createFieldCipher,
  createKeyCheck,
  DecryptionError,
  keyIdOf,
  loadOrCreateKey,
  parseMasterKey,
  resolveMasterKey,
  verifyKeyCheck,
} from "./crypto.js";

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);
const ROW = { table: "provider_credential", column: "api_key", rowId: "row-1" };

function repack(value: string, edit: (packed: Buffer) => Buffer): string {
  const [v, kid, b64] = value.split(":");
  return `${v}:${kid}:${edit(Buffer.from(b64, "base64url")).toString("base64url")}`;
}

describe("createFieldCipher", () => {
  const cipher = createFieldCipher({ key: KEY });

  it("round-trips and uses the versioned format with a key id", () => {
    const value = cipher.encrypt("sk-live-123", ROW);
    expect(value).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    expect(value.split(":")[1]).toBe(keyIdOf(KEY));
    expect(value).not.toContain("sk-live");
    expect(cipher.decrypt(value, ROW)).toBe("sk-live-123");
    expect(cipher.decrypt(cipher.encrypt("", ROW), ROW)).toBe("");
    expect(cipher.decrypt(cipher.encrypt("ünïcødé 🔑", ROW), ROW)).toBe("ünïcødé 🔑");
  });

  it("uses a fresh IV each time", () => {
    expect(cipher.encrypt("same", ROW)).not.toBe(cipher.encrypt("same", ROW));
  });

  it("rejects a tampered ciphertext, IV or tag", () => {
    const value = cipher.encrypt("secret-value", ROW);
    for (const index of [0, 12, 28, 30]) {
      const tampered = repack(value, (p) => {
        const copy = Buffer.from(p);
        copy[index] ^= 1;
        return copy;
      });
      expect(() => cipher.decrypt(tampered, ROW)).toThrow(DecryptionError);
    }
  });

  it("rejects a value moved to another row, column or table (AAD binding)", () => {
    const value = cipher.encrypt("token-of-row-1", ROW);
    expect(() => cipher.decrypt(value, { ...ROW, rowId: "row-2" })).toThrow(DecryptionError);
    expect(() => cipher.decrypt(value, { ...ROW, column: "other" })).toThrow(DecryptionError);
    expect(() => cipher.decrypt(value, { ...ROW, table: "github_connection" })).toThrow(DecryptionError);
  });

  it("rejects a truncated tag (authTagLength pinned to 16)", () => {
    const value = cipher.encrypt("secret-value", ROW);
    // Keep iv + the first 4 tag bytes and drop the rest: Node would accept a 4-byte tag unpinned.
    const truncated = repack(value, (p) => Buffer.concat([p.subarray(0, 16)]));
    expect(() => cipher.decrypt(truncated, ROW)).toThrow(DecryptionError);
    const shortTagWithBody = repack(value, (p) => Buffer.concat([p.subarray(0, 16), p.subarray(28)]));
    expect(() => cipher.decrypt(shortTagWithBody, ROW)).toThrow(DecryptionError);
  });

  it("rejects a value under an unknown key, and junk", () => {
    const foreign = createFieldCipher({ key: OTHER }).encrypt("x", ROW);
    expect(() => cipher.decrypt(foreign, ROW)).toThrow(/key that is not configured/);
    expect(() => cipher.decrypt("plain text", ROW)).toThrow(DecryptionError);
    expect(() => cipher.decrypt("v2:00000000:AAAA", ROW)).toThrow(DecryptionError);
  });

  it("rejects a value whose key id was rewritten to the current key (wrong key)", () => {
    const foreign = createFieldCipher({ key: OTHER }).encrypt("x", ROW);
    const relabelled = foreign.replace(/^v1:[0-9a-f]{8}:/, `v1:${keyIdOf(KEY)}:`);
    expect(() => cipher.decrypt(relabelled, ROW)).toThrow(DecryptionError);
  });

  it("decrypts old-key values during rotation and flags them for re-encryption", () => {
    const oldValue = createFieldCipher({ key: OTHER }).encrypt("old-secret", ROW);
    const rotating = createFieldCipher({ key: KEY, previousKeys: [OTHER] });
    expect(rotating.decrypt(oldValue, ROW)).toBe("old-secret");
    expect(rotating.needsRotation(oldValue)).toBe(true);
    const fresh = rotating.encrypt("old-secret", ROW);
    expect(rotating.needsRotation(fresh)).toBe(false);
    expect(rotating.needsRotation("legacy-plaintext")).toBe(true);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createFieldCipher({ key: Buffer.alloc(16) })).toThrow(/32 bytes/);
  });
});

describe("parseMasterKey", () => {
  const raw = randomBytes(32);

  it("accepts 64 hex characters", () => {
    expect(parseMasterKey(raw.toString("hex"))).toEqual({ key: raw, source: "hex" });
  });

  it("accepts base64 and base64url of 32 bytes", () => {
    expect(parseMasterKey(raw.toString("base64"))).toEqual({ key: raw, source: "base64" });
    expect(parseMasterKey(raw.toString("base64url"))).toEqual({ key: raw, source: "base64" });
  });

  it("derives a stable key from a passphrase with scrypt", () => {
    const a = parseMasterKey("correct horse battery staple");
    expect(a.source).toBe("passphrase");
    expect(a.key).toHaveLength(32);
    expect(parseMasterKey("correct horse battery staple").key.equals(a.key)).toBe(true);
    expect(parseMasterKey("correct horse battery stapler").key.equals(a.key)).toBe(false);
  });

  it("refuses a short passphrase", () => {
    expect(() => parseMasterKey("hunter2")).toThrow(/at least 12 characters/);
  });
});

describe.skipIf(process.platform === "win32")("loadOrCreateKey", () => {
  it("generates 32 random bytes once into encryption.key with mode 0600 and reuses them", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-key-"));
    const key = loadOrCreateKey(dir);
    const path = join(dir, "encryption.key");
    expect(key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim()).toBe(key.toString("hex"));
    expect(loadOrCreateKey(dir).equals(key)).toBe(true);
  });

  it("tightens a group-readable key file", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-key-"));
    loadOrCreateKey(dir);
    chmodSync(join(dir, "encryption.key"), 0o640);
    const events: unknown[] = [];
    loadOrCreateKey(dir, { onTightened: (e) => events.push(e) });
    expect(statSync(join(dir, "encryption.key")).mode & 0o777).toBe(0o600);
    expect(events).toHaveLength(1);
  });

  it("prefers ENCRYPTION_KEY and otherwise falls back to the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-key-"));
    const hex = "ab".repeat(32);
    expect(resolveMasterKey({ envValue: hex, dataDir: dir }).source).toBe("hex");
    expect(resolveMasterKey({ envValue: "", dataDir: dir }).source).toBe("file");
  });
});

describe("key check", () => {
  it("verifies with the same key and detects a wrong key at start-up", () => {
    const check = createKeyCheck(KEY);
    expect(check).toMatch(/^kc1:[0-9a-f]{64}$/);
    expect(verifyKeyCheck(KEY, check)).toBe(true);
    expect(verifyKeyCheck(OTHER, check)).toBe(false);
    expect(verifyKeyCheck(KEY, "garbage")).toBe(false);
    expect(() => assertKeyMatches(KEY, check)).not.toThrow();
    expect(() => assertKeyMatches(KEY, null)).not.toThrow();
    expect(() => assertKeyMatches(OTHER, check)).toThrow(/does not match the key/);
  });

  it("does not reveal the key", () => {
    expect(createKeyCheck(KEY)).not.toContain(KEY.toString("hex"));
  });
});
