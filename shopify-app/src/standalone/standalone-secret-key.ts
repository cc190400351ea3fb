import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { generateSecretKey, parseSecretKey, SecretKeyError } from '@passmint/engine';

/**
 * The standalone app's master key for the shop sessions it keeps: PASSMINT_SECRET_KEY, else
 * `secret.key` (0600) in its data dir, made on first start. A missing file is only made while
 * nothing is sealed yet: otherwise the sessions would be locked under a key that is gone.
 */
export function standaloneSecretKeys(
  envKeys: Buffer[] | undefined,
  keyFile: string,
  sealedUnder: string[],
): { keys: Buffer[]; source: string } {
  if (envKeys && envKeys.length > 0) return { keys: envKeys, source: 'PASSMINT_SECRET_KEY' };
  const existing = readKey(keyFile);
  if (existing) return { keys: [existing], source: keyFile };
  if (sealedUnder.length > 0) {
    throw new SecretKeyError(
      'secret_key_missing',
      `The shop sessions are sealed under key ${sealedUnder.join(', ')}, but PASSMINT_SECRET_KEY is not set and ${keyFile} does not exist: restore that file, or set PASSMINT_SECRET_KEY.`,
    );
  }
  // 'wx': a key another process wrote first is kept; fsync: a key lost in a crash loses what it sealed.
  let descriptor: number;
  try {
    descriptor = openSync(keyFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { keys: [readKey(keyFile) as Buffer], source: keyFile };
  }
  try {
    writeSync(descriptor, `${generateSecretKey()}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  return { keys: [readKey(keyFile) as Buffer], source: keyFile };
}

function readKey(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const key = parseSecretKey(text);
  if (!key) throw new SecretKeyError('secret_key_invalid', `${path} does not hold a master key (32 bytes as base64, or 64 hex digits).`);
  return key;
}
