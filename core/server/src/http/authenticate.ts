import type { TenantRecord } from '@passmint/engine';
import type { Store, ApiKeyRecord } from '../store/store-port';
import { hashApiKey, hashesEqual, isWellFormedApiKey } from '../keys/api-keys';
import { HttpError } from './http-errors';

export type AuthResult =
  | { ok: true; tenant: TenantRecord; key: ApiKeyRecord }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Checks `Authorization: Bearer <key>` against the stored key hashes. */
export async function authenticate(store: Store, header: string | undefined): Promise<AuthResult> {
  if (!header) return { ok: false, reason: 'missing' };
  const key = BEARER.exec(header)?.[1];
  if (!key || !isWellFormedApiKey(key)) return { ok: false, reason: 'malformed' };
  const hash = hashApiKey(key);
  const found = await store.findApiKeyByHash(hash);
  // The lookup is by hash, so its timing says nothing about the key; the final comparison is
  // constant-time anyway so no code path compares secrets byte by byte.
  if (!found || !hashesEqual(found.key.hash, hash)) return { ok: false, reason: 'unknown' };
  if (found.key.revokedAt !== null) return { ok: false, reason: 'revoked' };
  return { ok: true, tenant: found.tenant, key: found.key };
}

const AUTH_FAILURES = {
  missing: ['missing_api_key', 'Send your API key as "Authorization: Bearer <key>".'],
  malformed: ['invalid_api_key', 'The API key is malformed; keys look like pm_live_… .'],
  unknown: ['invalid_api_key', 'The API key is not valid.'],
  revoked: ['revoked_api_key', 'This API key was revoked.'],
} as const;

export function authError(reason: Exclude<AuthResult, { ok: true }>['reason']): HttpError {
  const [code, message] = AUTH_FAILURES[reason];
  return new HttpError(401, code, message, { 'www-authenticate': 'Bearer' });
}
