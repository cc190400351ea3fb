import { randomBytes } from 'node:crypto';

/**
 * A random serial number: 22 URL-safe characters (128 bits), which are also valid in a Google
 * Wallet object id (`[A-Za-z0-9._-]`).
 */
export function generateSerialNumber(): string {
  return randomBytes(16).toString('base64url');
}

/** What a serial number may be: what Apple's web service paths and Google object ids both allow. */
export const SERIAL_NUMBER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
