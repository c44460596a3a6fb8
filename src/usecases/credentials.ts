// Use cases: provider API keys stored through the API/UI. Keys are encrypted at rest (AES-256-GCM,
// bound to table, column and provider); reads only ever return the last 4 characters.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { DecryptionError, type FieldCipher } from "../security/crypto.js";
import type { CredentialRepository } from "../store/credentials.js";
import { parseInput } from "./validate.js";

/** Providers whose key can be stored (claude-cli uses the user's own login; local needs none). */
export const KEYED_PROVIDERS = ["anthropic", "openai", "gemini", "openai-compatible"] as const;
export type KeyedProvider = (typeof KEYED_PROVIDERS)[number];

export const CredentialBodySchema = z.object({
  api_key: z
    .string()
    .trim()
    .min(8, "api_key is too short to be an API key")
    .max(500, "api_key is too long")
    .refine((v) => !/\s/.test(v), "api_key must not contain whitespace"),
});

export interface MaskedCredential {
  provider: string;
  api_key: string;
  last4: string;
  updated_at: string;
}

const FIELD = { table: "provider_credential", column: "ciphertext" } as const;

export function maskKey(last4: string): string {
  return `••••${last4}`;
}

export function createCredentialService(deps: {
  credentials: CredentialRepository;
  cipher: FieldCipher;
  onChange?: () => void;
  /** A stored key failed authentication (tampered, or moved from another row); it is treated as absent. */
  onUnreadable?: (provider: KeyedProvider) => void;
}) {
  const providerName = (name: string): KeyedProvider => {
    const lower = name.toLowerCase();
    if (!(KEYED_PROVIDERS as readonly string[]).includes(lower)) {
      throw new AppError("not_found", `Provider "${name.slice(0, 40)}" does not take a stored API key.`, {
        details: { providers: KEYED_PROVIDERS },
      });
    }
    return lower as KeyedProvider;
  };
  const masked = (row: { provider: string; last4: string; updated_at: string }): MaskedCredential => ({
    provider: row.provider,
    api_key: maskKey(row.last4),
    last4: row.last4,
    updated_at: row.updated_at,
  });

  return {
    async put(name: string, raw: unknown): Promise<MaskedCredential> {
      const provider = providerName(name);
      const { api_key } = parseInput(CredentialBodySchema, raw);
      const ciphertext = deps.cipher.encrypt(api_key, { ...FIELD, rowId: provider });
      const row = await deps.credentials.put(provider, ciphertext, api_key.slice(-4));
      deps.onChange?.();
      return masked(row);
    },
    async get(name: string): Promise<MaskedCredential> {
      const provider = providerName(name);
      const row = await deps.credentials.get(provider);
      if (!row) throw new AppError("not_found", `No API key is stored for ${provider}.`);
      return masked(row);
    },
    async list(): Promise<MaskedCredential[]> {
      return (await deps.credentials.list()).map(masked);
    },
    async delete(name: string): Promise<void> {
      const provider = providerName(name);
      if (!(await deps.credentials.delete(provider))) {
        throw new AppError("not_found", `No API key is stored for ${provider}.`);
      }
      deps.onChange?.();
    },
    /** The decrypted key for the provider registry; undefined when none is stored. */
    async reveal(name: string): Promise<string | undefined> {
      const provider = (KEYED_PROVIDERS as readonly string[]).includes(name) ? (name as KeyedProvider) : null;
      if (!provider) return undefined;
      const row = await deps.credentials.get(provider);
      if (!row) return undefined;
      try {
        return deps.cipher.decrypt(row.ciphertext, { ...FIELD, rowId: provider });
      } catch (error) {
        // Never a 500 on every request that looks at providers: the key counts as not stored.
        if (!(error instanceof DecryptionError)) throw error;
        deps.onUnreadable?.(provider);
        return undefined;
      }
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
