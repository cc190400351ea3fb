import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { PassmintError } from '../errors';

/**
 * Secrets at rest (a tenant's private keys, a shop's access token) are sealed with AES-256-GCM
 * under a master key, as one line of text that fits the column the plaintext used to fill:
 *
 *     pmsec1.<key id>.<nonce>.<ciphertext>.<tag>
 *
 * The key id (16 hex digits derived from the master key) says which key sealed a value, so a
 * wrong key is named instead of failing as a bad tag, and a rotation can tell what is left to do.
 * The nonce is 12 random bytes (NIST SP 800-38D's recommended IV length) and the tag 16 bytes, both
 * base64url. A context string (table, column, row) is authenticated with each value, so a sealed
 * value copied into another row does not open there.
 */
export type SecretKeyErrorCode = 'secret_key_invalid' | 'secret_key_missing' | 'secret_key_unknown' | 'secret_unreadable';

export class SecretKeyError extends PassmintError {
  constructor(
    override readonly code: SecretKeyErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export interface SecretBox {
  /** The key new values are sealed with. */
  readonly keyId: string;
  /** Every key this box opens with, the sealing key first. */
  readonly keyIds: readonly string[];
  seal(plaintext: string, context: string): string;
  /** Opens a sealed value; a plaintext value (not yet migrated) is returned as it is. */
  open(value: string, context: string): string;
}

export const SECRET_KEY_BYTES = 32;
const VERSION = 'pmsec1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^pmsec1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/** A box that seals with the first key and opens with any of them (the others: keys being rotated out). */
export function createSecretBox(masterKeys: readonly Uint8Array[]): SecretBox {
  if (masterKeys.length === 0) throw new SecretKeyError('secret_key_missing', 'No master key was given.');
  const keys = new Map(masterKeys.map((key) => [secretKeyId(key), derive(key, 'passmint secrets v1: aes-256-gcm')] as const));
  const keyIds = [...keys.keys()];
  const keyId = keyIds[0] as string;
  const sealingKey = keys.get(keyId) as Buffer;
  return {
    keyId,
    keyIds,
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealingKey, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        keyId,
        nonce.toString('base64url'),
        ciphertext.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.');
    },
    open(value, context) {
      if (!isSealed(value)) return value;
      const [, id = '', nonce = '', ciphertext = '', tag = ''] = SEALED.exec(value) ?? [];
      if (!id) throw new SecretKeyError('secret_unreadable', 'A stored secret is damaged: it is not in the sealed format.');
      const key = keys.get(id);
      if (!key) {
        throw new SecretKeyError(
          'secret_key_unknown',
          `A stored secret is sealed under key ${id}, which is not among the configured keys (${keyIds.join(', ')}).`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretKeyError(
          'secret_unreadable',
          `A stored secret (${context}) failed its integrity check: it was altered or copied from another row.`,
        );
      }
    },
  };
}

/** True for a value sealed by a SecretBox (plaintext JSON never starts like this). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}.`);
}

/** The id of the key a sealed value needs, or null for plaintext. */
export function sealedKeyId(value: string): string | null {
  return isSealed(value) ? (SEALED.exec(value)?.[1] ?? 'damaged') : null;
}

/** The public name of a master key: safe to print, log and compare. */
export function secretKeyId(masterKey: Uint8Array): string {
  return derive(masterKey, 'passmint secrets v1: key id').subarray(0, 8).toString('hex');
}

/** A master key as people write it down: 32 bytes as base64 (or base64url) or 64 hex digits; null otherwise. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === SECRET_KEY_BYTES ? bytes : null;
}

/** A new random master key, as base64 text. */
export function generateSecretKey(): string {
  return randomBytes(SECRET_KEY_BYTES).toString('base64');
}

/** Separate keys for sealing and for the id (RFC 5869 HKDF), so the id says nothing about the sealing key. */
function derive(masterKey: Uint8Array, info: string): Buffer {
  if (masterKey.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyError('secret_key_invalid', `A master key is ${SECRET_KEY_BYTES} bytes (got ${masterKey.length}).`);
  }
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}
