import { createSecretBox, sealedKeyId, SecretKeyError, type SecretBox } from '@passmint/engine';
import type { PassmintEnv } from '../env';
import { secretContext, type SecretCell, type SecretCells } from '../store/secret-columns';
import type { KeyRing } from './key-ring';
import { createKeyFile, describeKeySource, masterKeySource, readOwnKeyFile, type MasterKeySource } from './master-key';

/** What opening a store found and did about its secrets (for the start-up report and `secrets status`). */
export interface SecretsState {
  keyId: string;
  source: MasterKeySource;
  /** secret.key did not exist and was made now. */
  createdKey: boolean;
  /** Plaintext secrets (from before sealing existed) sealed now. */
  sealedNow: number;
  /** Secrets still sealed under a key other than the sealing one: a rotation is not finished. */
  underOtherKeys: number;
}

export interface SecretsCount {
  plaintext: number;
  /** Sealed values by the id of their key. */
  byKey: Record<string, number>;
}

export function countSecrets(cells: SecretCell[]): SecretsCount {
  const count: SecretsCount = { plaintext: 0, byKey: {} };
  for (const cell of cells) {
    const id = sealedKeyId(cell.value);
    if (id === null) count.plaintext += 1;
    else count.byKey[id] = (count.byKey[id] ?? 0) + 1;
  }
  return count;
}

/**
 * Loads the master key into `ring` and makes the store's secrets agree with it: a key that does
 * not open what the database holds stops here with a message naming both keys (never garbage
 * later), and plaintext secrets left by an older release are sealed, all in one transaction.
 */
export async function prepareSecrets(cells: SecretCells, ring: KeyRing, env: PassmintEnv): Promise<SecretsState> {
  const counted = countSecrets(await cells.listSecretCells());
  const sealedUnder = Object.keys(counted.byKey);
  const source = masterKeySource(env);
  const { keys, createdKey } = loadKeys(source, env, sealedUnder);
  ring.use(keys, source.kind === 'file' ? () => rereadKeys(source) ?? keys : undefined);
  const unknown = sealedUnder.filter((id) => !ring.keyIds.includes(id));
  if (unknown.length > 0) {
    throw new SecretKeyError(
      'secret_key_unknown',
      `The database's secrets are sealed under key ${unknown.join(', ')}, but ${describeKeySource(source)} holds key ${ring.keyIds.join(', ')}. ` +
        'Set PASSMINT_SECRET_KEY to the key they were sealed with (or restore the secret.key backed up with this database).',
    );
  }
  const sealedNow =
    counted.plaintext === 0
      ? 0
      : await cells.rewriteSecretCells((cell) =>
          sealedKeyId(cell.value) === null ? ring.seal(cell.value, secretContext(cell.column, cell.rowKey)) : cell.value,
        );
  const underOtherKeys = sealedUnder.filter((id) => id !== ring.keyId).reduce((sum, id) => sum + (counted.byKey[id] ?? 0), 0);
  return { keyId: ring.keyId, source, createdKey, sealedNow, underOtherKeys };
}

function loadKeys(source: MasterKeySource, env: PassmintEnv, sealedUnder: string[]): { keys: Buffer[]; createdKey: boolean } {
  if (source.kind === 'env') return { keys: env.PASSMINT_SECRET_KEY ?? [], createdKey: false };
  const pending = readOwnKeyFile(source.pending);
  const existing = readOwnKeyFile(source.file);
  // While a rotation is unfinished its new key seals, so nothing new is left under the key it retires.
  if (existing) return { keys: pending ? [pending, existing] : [existing], createdKey: false };
  if (sealedUnder.length > 0) {
    throw new SecretKeyError(
      'secret_key_missing',
      `The database's secrets are sealed under key ${sealedUnder.join(', ')}, but PASSMINT_SECRET_KEY is not set and ${source.file} does not exist. ` +
        'Restore the secret.key backed up with this database, or set PASSMINT_SECRET_KEY to the key they were sealed with.',
    );
  }
  return { keys: [createKeyFile(source.file)], createdKey: true };
}

function rereadKeys(source: Extract<MasterKeySource, { kind: 'file' }>): Buffer[] | null {
  const existing = readOwnKeyFile(source.file);
  const pending = readOwnKeyFile(source.pending);
  return existing ? [...(pending ? [pending] : []), existing] : null;
}

/**
 * Re-seals every secret under `target`, opening each with `current` (which knows every key in
 * use), in one transaction: either all of them move to the new key or none does. Values already
 * under `target` (an interrupted rotation run again) are left as they are.
 */
export async function resealSecrets(cells: SecretCells, current: SecretBox, targetKey: Uint8Array): Promise<number> {
  const target = createSecretBox([targetKey]);
  return cells.rewriteSecretCells((cell) => {
    if (sealedKeyId(cell.value) === target.keyId) return cell.value;
    const context = secretContext(cell.column, cell.rowKey);
    return target.seal(current.open(cell.value, context), context);
  });
}
