import { z } from 'zod';
import { parseSecretKey } from './secret-box';

/**
 * `PASSMINT_SECRET_KEY` as every deployable reads it: 32 bytes as base64 or 64 hex digits; during a
 * rotation several, separated by commas, the first sealing. The value is never echoed in an error.
 */
export const secretKeySetting = z
  .string()
  .transform((text, context) => {
    const keys = text.split(',').map(parseSecretKey);
    if (keys.every((key) => key !== null)) return keys as Buffer[];
    context.addIssue({
      code: 'custom',
      message: 'must be 32 bytes as base64 (`openssl rand -base64 32`) or 64 hex digits; several keys are separated by commas',
    });
    return z.NEVER;
  })
  .optional();
