import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateSecretKey, parseSecretKey, SecretKeyError } from '@passmint/engine';
import type { PassmintEnv } from '../env';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from './private-files';

/** Where the master key comes from: PASSMINT_SECRET_KEY, or secret.key in the data dir. */
export type MasterKeySource = { kind: 'env' } | { kind: 'file'; file: string; pending: string };

export function masterKeySource(env: Pick<PassmintEnv, 'PASSMINT_SECRET_KEY' | 'PASSMINT_DATA_DIR'>): MasterKeySource {
  if (env.PASSMINT_SECRET_KEY) return { kind: 'env' };
  const file = resolve(join(env.PASSMINT_DATA_DIR, 'secret.key'));
  // A rotation writes the new key here first and renames it over secret.key once the database is re-sealed.
  return { kind: 'file', file, pending: `${file}.next` };
}

export function describeKeySource(source: MasterKeySource): string {
  return source.kind === 'env' ? 'PASSMINT_SECRET_KEY' : source.file;
}

/** A key file's key; null when there is no such file. */
export function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SecretKeyError('secret_key_invalid', `The master key file ${path} cannot be read.`);
  }
  const key = parseSecretKey(text);
  if (!key)
    throw new SecretKeyError(
      'secret_key_invalid',
      `The master key file ${path} does not hold a key (32 bytes as base64, or 64 hex digits).`,
    );
  return key;
}

/** The data dir's own key file (or its pending successor), tightened to 0600 if an operator loosened it. */
export function readOwnKeyFile(path: string): Buffer | null {
  const key = readKeyFile(path);
  if (key) tightenFile(path);
  return key;
}

/**
 * Writes a key (a new random one unless given) to `path`, unless a key is there already (another
 * process starting on the same data dir made it first), and returns the key the file holds. The
 * file is complete and on disk before it appears under its name: a key lost in a crash would take
 * every secret sealed under it along.
 */
export function createKeyFile(path: string, key?: Uint8Array): Buffer {
  ensurePrivateDir(dirname(path));
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const descriptor = openSync(temporary, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(descriptor, `${key ? Buffer.from(key).toString('base64') : generateSecretKey()}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  syncDirectory(dirname(path));
  return readKeyFile(path) as Buffer;
}

/** Puts the rotated-to key in place of the old one (atomically: a reader sees one or the other). */
export function promotePendingKey(source: Extract<MasterKeySource, { kind: 'file' }>): void {
  renameSync(source.pending, source.file);
  syncDirectory(dirname(source.file));
}

function syncDirectory(dir: string): void {
  const descriptor = openSync(dir, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
