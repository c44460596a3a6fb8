// Encryption at rest for OAuth tokens, the OAuth client secret and provider keys: AES-256-GCM
// under per-column HKDF subkeys, each value bound to its row through the AAD, and a versioned
// format that names its key so keys can rotate.
//
// Format: `v1:<keyId>:<base64url(iv[12] | tag[16] | ciphertext)>`, keyId = 8 hex chars
// fingerprinting the master key (derived by HKDF, reveals nothing about it).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from "node:crypto";
import { loadOrCreateSecret, type SecretFileOptions } from "./secret-file.js";

export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
}

export interface FieldCipher {
  /** Key id of the current key (new values are encrypted under it). */
  readonly keyId: string;
  encrypt(plaintext: string, context: FieldContext): string;
  /** Throws `DecryptionError` for a wrong key, tampering, a value moved to another row or junk. */
  decrypt(value: string, context: FieldContext): string;
  /** True when `value` is not in the current version under the current key (re-encrypt it). */
  needsRotation(value: string): boolean;
}

export class DecryptionError extends Error {
  constructor(message = "Encrypted value could not be decrypted (wrong key, tampered, or from another row)") {
    super(message);
    this.name = "DecryptionError";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = Buffer.from("promptforge/hkdf/v1");
const VALUE_FORMAT = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/;

function subkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, HKDF_SALT, `promptforge/${purpose}`, 32));
}

/** Stable public fingerprint of a master key (first 4 bytes of an HKDF output). */
export function keyIdOf(master: Buffer): string {
  return subkey(master, "key-id").subarray(0, 4).toString("hex");
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error("encryption key must be 32 bytes");
}

// JSON array: unambiguous even if a name contains a separator.
const aadOf = (ctx: FieldContext): Buffer =>
  Buffer.from(JSON.stringify([VERSION, ctx.table, ctx.column, ctx.rowId]), "utf8");

class KeyEntry {
  readonly id: string;
  readonly #master: Buffer;
  readonly #subkeys = new Map<string, Buffer>();
  constructor(master: Buffer) {
    assertKey(master);
    this.#master = Buffer.from(master);
    this.id = keyIdOf(master);
  }
  forColumn(ctx: FieldContext): Buffer {
    const purpose = `field/${JSON.stringify([ctx.table, ctx.column])}`;
    let key = this.#subkeys.get(purpose);
    if (!key) {
      key = subkey(this.#master, purpose);
      this.#subkeys.set(purpose, key);
    }
    return key;
  }
}

export interface FieldCipherOptions {
  /** The current master key (32 bytes). */
  key: Buffer;
  /** Earlier master keys, still accepted for decryption during a rotation. */
  previousKeys?: readonly Buffer[];
}

export function createFieldCipher(options: FieldCipherOptions): FieldCipher {
  const current = new KeyEntry(options.key);
  const byId = new Map<string, KeyEntry>([[current.id, current]]);
  for (const k of options.previousKeys ?? []) {
    const entry = new KeyEntry(k);
    if (!byId.has(entry.id)) byId.set(entry.id, entry);
  }
  return {
    keyId: current.id,
    encrypt(plaintext, ctx) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.forColumn(ctx), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aadOf(ctx));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const packed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
      return `${VERSION}:${current.id}:${packed.toString("base64url")}`;
    },
    decrypt(value, ctx) {
      const m = VALUE_FORMAT.exec(value);
      if (!m) throw new DecryptionError("Encrypted value has an unknown format");
      const entry = byId.get(m[1]);
      if (!entry) throw new DecryptionError("Encrypted value was written with a key that is not configured");
      const packed = Buffer.from(m[2], "base64url");
      if (packed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError();
      const iv = packed.subarray(0, IV_BYTES);
      const tag = packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const ciphertext = packed.subarray(IV_BYTES + TAG_BYTES);
      try {
        // authTagLength pins the tag size: Node 20 would otherwise accept a truncated 4-byte tag.
        const decipher = createDecipheriv("aes-256-gcm", entry.forColumn(ctx), iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aadOf(ctx));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch {
        throw new DecryptionError();
      }
    },
    needsRotation(value) {
      const m = VALUE_FORMAT.exec(value);
      return !m || m[1] !== current.id;
    },
  };
}

// ── Master key ──────────────────────────────────────────────────────────────────────────────

/**
 * Passphrases go through scrypt with a documented constant salt. Deliberate: the key must be
 * reproducible from ENCRYPTION_KEY alone, so a database restored on another machine still opens;
 * a per-install salt file would make backups unrecoverable if it were lost. Guessing cost comes
 * from scrypt (N=2^17, r=8, p=1: 128 MiB and a noticeable fraction of a second per guess) and the
 * minimum length; a random hex or base64 key (`promptforge keygen`) remains the recommendation.
 */
export const PASSPHRASE_SALT = "promptforge/encryption-key/scrypt/v1";
export const MIN_PASSPHRASE_LENGTH = 12;
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 } as const;

export type MasterKeySource = "hex" | "base64" | "passphrase" | "file";

export interface MasterKey {
  key: Buffer;
  source: MasterKeySource;
}

/** ENCRYPTION_KEY → 32 bytes: 64 hex chars, base64/base64url of 32 bytes, else a passphrase (scrypt). */
export function parseMasterKey(value: string): MasterKey {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return { key: Buffer.from(v, "hex"), source: "hex" };
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const key = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === 32) return { key, source: "base64" };
  }
  if (v.length < MIN_PASSPHRASE_LENGTH) {
    throw new Error(
      `ENCRYPTION_KEY must be 64 hex characters, base64 of 32 bytes, or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
  return { key: scryptSync(v.normalize("NFC"), PASSPHRASE_SALT, 32, SCRYPT), source: "passphrase" };
}

export const KEY_FILENAME = "encryption.key";

/** 32 random bytes generated once into `<dataDir>/encryption.key` (0600, hex) and reused. */
export function loadOrCreateKey(dataDir: string, options: Omit<SecretFileOptions, "bytes"> = {}): Buffer {
  const { value } = loadOrCreateSecret(dataDir, KEY_FILENAME, { ...options, bytes: 32 });
  if (value.length !== 64) throw new Error(`${KEY_FILENAME} must hold 64 hex characters`);
  return Buffer.from(value, "hex");
}

/** ENCRYPTION_KEY when set, else the generated key file. */
export function resolveMasterKey(options: {
  envValue: string | undefined;
  dataDir: string;
  onTightened?: SecretFileOptions["onTightened"];
}): MasterKey {
  if (options.envValue && options.envValue.trim() !== "") return parseMasterKey(options.envValue);
  return { key: loadOrCreateKey(options.dataDir, { onTightened: options.onTightened }), source: "file" };
}

// ── Key check ───────────────────────────────────────────────────────────────────────────────

const KEY_CHECK_FORMAT = /^kc1:([0-9a-f]{64})$/;

/** A value stored beside the data (e.g. a setting) that lets start-up detect a wrong key. */
export function createKeyCheck(key: Buffer): string {
  assertKey(key);
  return `kc1:${createHmac("sha256", subkey(key, "key-check")).update("promptforge key check v1").digest("hex")}`;
}

/** False when `check` was made with another key (or is malformed). */
export function verifyKeyCheck(key: Buffer, check: string): boolean {
  if (!KEY_CHECK_FORMAT.test(check)) return false;
  return timingSafeEqual(Buffer.from(createKeyCheck(key)), Buffer.from(check));
}

/** Throws an actionable error when the configured key does not match the one the data was written with. */
export function assertKeyMatches(key: Buffer, storedCheck: string | null | undefined): void {
  if (storedCheck == null) return;
  if (!verifyKeyCheck(key, storedCheck)) {
    throw new Error(
      "ENCRYPTION_KEY does not match the key this data directory was encrypted with. Restore the original " +
        "ENCRYPTION_KEY (or encryption.key file); starting with a different key would make stored credentials unreadable.",
    );
  }
}
