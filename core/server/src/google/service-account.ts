import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassmintError } from '@passmint/engine';

/** The fields Passmint uses from a Google service-account JSON key. */
export interface ServiceAccount {
  clientEmail: string;
  privateKeyPem: string;
  tokenUri: string;
}

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** Reads and checks a service-account key file, naming the variable and the problem when it is wrong. */
export function readServiceAccount(path: string, variable = 'PASSMINT_GOOGLE_SERVICE_ACCOUNT'): ServiceAccount {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new PassmintError('google_service_account_unreadable', `${variable}: ${path} is not a readable JSON file.`);
  }
  return parseServiceAccount(json, `${variable}: ${path}`);
}

/** Checks a service-account key's JSON; `source` names it in errors. */
export function parseServiceAccount(json: unknown, source: string): ServiceAccount {
  const key = json as { type?: unknown; client_email?: unknown; private_key?: unknown; token_uri?: unknown };
  if (key.type !== 'service_account' || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new PassmintError(
      'google_service_account_invalid',
      `${source} is not a service-account key (type, client_email and private_key are needed).`,
    );
  }
  try {
    createPrivateKey(key.private_key);
  } catch {
    throw new PassmintError('google_service_account_invalid', `${source}: its private_key cannot be read.`);
  }
  return {
    clientEmail: key.client_email,
    privateKeyPem: key.private_key,
    tokenUri: typeof key.token_uri === 'string' ? key.token_uri : GOOGLE_TOKEN_URI,
  };
}
