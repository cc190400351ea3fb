import { PassmintError, secretKeyId } from '@passmint/engine';
import { readEnv, type PassmintEnv } from '../env';
import {
  createKeyFile,
  describeKeySource,
  masterKeySource,
  promotePendingKey,
  readKeyFile,
  type MasterKeySource,
} from '../secrets/master-key';
import { countSecrets, resealSecrets } from '../secrets/secrets-at-rest';
import { openStore } from '../store/open-store';
import type { CliIo } from './io';

/** `passmint secrets status`: the key in use and how many stored secrets each key seals. */
export async function secretsStatusCommand(io: CliIo): Promise<number> {
  const { store, secrets, keys } = await openStore(readEnv(io.env, io.plugins), io.plugins);
  try {
    const count = countSecrets(await store.listSecretCells());
    const lines = [`master key ${secrets.keyId} from ${describeKeySource(secrets.source)}${secrets.createdKey ? ' (created now)' : ''}`];
    if (keys.keyIds.length > 1) lines.push(`also opens with ${keys.keyIds.slice(1).join(', ')}`);
    for (const [id, sealed] of Object.entries(count.byKey)) {
      lines.push(
        `${secretsCount(sealed)} sealed under key ${id}${id === secrets.keyId ? '' : ' (an older key: run passmint secrets rotate)'}`,
      );
    }
    if (Object.keys(count.byKey).length === 0) lines.push('no secrets stored');
    io.out.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `passmint secrets rotate [--new-key-file <file>]`: re-seals every stored secret under a new
 * master key in one transaction. With the data dir's secret.key the new key is written next to
 * it first (secret.key.next) and replaces it once the database is re-sealed, so a crash in between
 * leaves both keys there and running the command again finishes the job.
 */
export async function secretsRotateCommand(options: { 'new-key-file'?: string }, io: CliIo): Promise<number> {
  const env = readEnv(io.env, io.plugins);
  const source = masterKeySource(env);
  const { store, keys } = await openStore(env, io.plugins);
  try {
    const previous = keys.keyIds.join(', ');
    const target = targetKey(options['new-key-file'], env, source);
    const resealed = await resealSecrets(store, keys, target);
    if (source.kind === 'file') promotePendingKey(source);
    io.out.write(`Re-sealed ${secretsCount(resealed)} under key ${secretKeyId(target)} (the database was under ${previous}).\n`);
    io.out.write(`${nextSteps(source, options['new-key-file'])}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function targetKey(newKeyFile: string | undefined, env: PassmintEnv, source: MasterKeySource): Buffer {
  const given = newKeyFile === undefined ? null : readKeyFile(newKeyFile);
  if (newKeyFile !== undefined && !given)
    throw new PassmintError('new_key_unreadable', `--new-key-file: the file ${newKeyFile} does not exist.`);
  if (source.kind === 'file') {
    const pending = readKeyFile(source.pending);
    if (pending && given && !pending.equals(given)) {
      throw new PassmintError(
        'rotation_unfinished',
        `A rotation to key ${secretKeyId(pending)} is unfinished (${source.pending}): run passmint secrets rotate without --new-key-file first.`,
      );
    }
    return pending ?? createKeyFile(source.pending, given ?? undefined);
  }
  if (given) return given;
  const [first, ...others] = env.PASSMINT_SECRET_KEY ?? [];
  if (first && others.length > 0) return first;
  throw new PassmintError(
    'new_key_required',
    'PASSMINT_SECRET_KEY is set: give the new key with --new-key-file <file> (make one with: openssl rand -base64 32 > new.key), ' +
      'or list the new key first in PASSMINT_SECRET_KEY ("<new>,<old>").',
  );
}

function nextSteps(source: MasterKeySource, newKeyFile: string | undefined): string {
  if (source.kind === 'file') {
    return `${source.file} now holds the new key. Back it up with the database: backups taken before need the old key.`;
  }
  const which = newKeyFile ? `the key in ${newKeyFile}` : 'the first key of PASSMINT_SECRET_KEY alone';
  return `Now set PASSMINT_SECRET_KEY to ${which} for every passmint process and restart them (docs/security.md).`;
}

function secretsCount(count: number): string {
  return `${count} secret${count === 1 ? '' : 's'}`;
}
