// Start-up of the data directory's secrets (part of the composition root): filesystem hardening,
// the encryption master key with its wrong-key check, and the internal webhook secret.
import type { Logger } from "pino";
import { ConfigError } from "./config.js";
import {
  assertKeyMatches,
  createFieldCipher,
  createKeyCheck,
  type FieldCipher,
  resolveMasterKey,
} from "./security/crypto.js";
import { hardenDataDir } from "./security/fs-hardening.js";
import { loadOrCreateSecret } from "./security/secret-file.js";
import type { SettingsRepository } from "./store/settings.js";

export const INTERNAL_SECRET_FILENAME = "internal-webhook.secret";
const KEY_CHECK_SETTING = "encryption.key_check";

/** umask 077, data directory 0700, known files 0600; every tightening is logged (names only). */
export function hardenDataDirectory(dataDir: string, logger: Logger): void {
  hardenDataDir(dataDir, {
    log: (message, event) => logger.warn({ path: event.path, from: event.previousMode, to: event.mode }, message),
  });
}

export function loadInternalSecret(
  config: { internalWebhookSecret?: string; dataDir: string },
  logger: Logger,
): string {
  if (config.internalWebhookSecret) return config.internalWebhookSecret;
  const { value } = loadOrCreateSecret(config.dataDir, INTERNAL_SECRET_FILENAME, {
    onTightened: (e) =>
      logger.warn({ path: e.path, from: e.previousMode, to: e.mode }, "tightened secret file permissions"),
  });
  return value;
}

/**
 * The field cipher for secrets at rest. The first start stores a key check; a later start with
 * another key stops with a clear error instead of silently making stored credentials unreadable.
 */
export async function loadFieldCipher(
  config: { encryptionKey?: string; dataDir: string },
  settings: SettingsRepository,
  logger: Logger,
): Promise<FieldCipher> {
  let key: Buffer;
  try {
    key = resolveMasterKey({
      envValue: config.encryptionKey,
      dataDir: config.dataDir,
      onTightened: (e) =>
        logger.warn({ path: e.path, from: e.previousMode, to: e.mode }, "tightened key file permissions"),
    }).key;
  } catch (error) {
    throw new ConfigError(`Invalid encryption key: ${(error as Error).message}`);
  }
  const stored = await settings.get(KEY_CHECK_SETTING);
  try {
    assertKeyMatches(key, stored);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (stored === null) await settings.set(KEY_CHECK_SETTING, createKeyCheck(key));
  return createFieldCipher({ key });
}
