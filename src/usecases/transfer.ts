// Use case: move a whole installation (`promptforge export` / `promptforge import`) between
// databases — SQLite into PostgreSQL and back. Stored provider keys travel as ciphertext; when
// the target runs under another ENCRYPTION_KEY, the source key re-encrypts them on the way in
// (decrypted in memory only, never written anywhere in the clear).
import type { OptimizationRecord } from "../core/records.js";
import { createFieldCipher, type FieldCipher, parseMasterKey } from "../security/crypto.js";
import type { Store } from "../store/index.js";
import { exportInstallation, importInstallation, type TransferLine, type TransferReport } from "../store/transfer.js";

const FIELD = { table: "provider_credential", column: "ciphertext" } as const;

export interface TransferImportOptions {
  /** The ENCRYPTION_KEY the export was made under, when it differs from this installation's. */
  sourceKey?: string;
}

export function createTransferService(deps: { store: Store; cipher: FieldCipher }) {
  return {
    /** Every row of the installation as JSON-able lines (see src/store/transfer.ts). */
    exportLines(): AsyncGenerator<TransferLine | OptimizationRecord> {
      return exportInstallation(deps.store);
    },
    async importLines(
      lines: AsyncIterable<unknown> | Iterable<unknown>,
      options: TransferImportOptions = {},
    ): Promise<TransferReport> {
      const source = options.sourceKey ? createFieldCipher({ key: parseMasterKey(options.sourceKey).key }) : null;
      return importInstallation(deps.store, lines, {
        recrypt: source
          ? ({ provider, ciphertext }) => {
              const ctx = { ...FIELD, rowId: provider };
              return deps.cipher.encrypt(source.decrypt(ciphertext, ctx), ctx);
            }
          : undefined,
      });
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
