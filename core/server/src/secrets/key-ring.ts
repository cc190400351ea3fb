import { createSecretBox, SecretKeyError, type SecretBox } from '@passmint/engine';

/**
 * The box a store is built with, before its keys are known: which key applies can depend on
 * what the database holds (a missing secret.key is only created for a database without sealed
 * secrets). Keys read from files are read again before sealing and when a value names a key the
 * ring lacks, so a process sharing a data dir follows a `passmint secrets rotate` made by another.
 */
export interface KeyRing extends SecretBox {
  use(keys: readonly Uint8Array[], reload?: () => readonly Uint8Array[]): void;
}

export function createKeyRing(): KeyRing {
  let box: SecretBox | null = null;
  let reload: (() => readonly Uint8Array[]) | undefined;
  const current = (): SecretBox => {
    if (!box) throw new SecretKeyError('secret_key_missing', 'The master key is not loaded yet.');
    return box;
  };
  return {
    get keyId() {
      return current().keyId;
    },
    get keyIds() {
      return current().keyIds;
    },
    use(keys, reloadKeys) {
      box = createSecretBox(keys);
      reload = reloadKeys;
    },
    seal(plaintext, context) {
      // Sealing is rare (a tenant's certificate, a shop's install) and must not use a key a
      // rotation in another process has just retired, so the files are read again first.
      if (reload) box = createSecretBox(reload());
      return current().seal(plaintext, context);
    },
    open(value, context) {
      try {
        return current().open(value, context);
      } catch (error) {
        if (!(error instanceof SecretKeyError && error.code === 'secret_key_unknown' && reload)) throw error;
        box = createSecretBox(reload());
        return box.open(value, context);
      }
    },
  };
}
