import { createPrivateKey, type KeyObject } from 'node:crypto';
import { PassmintError } from '@passmint/engine';
import { SignJWT } from 'jose';

/**
 * APNs provider authentication tokens: ES256 JWTs over `{alg: 'ES256', kid}` / `{iss: teamId, iat}`,
 * signed with the team's `.p8` key.
 *
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns
 */

/** Regenerate a token this long after it was issued (APNs rejects tokens older than one hour). */
export const PROVIDER_TOKEN_REFRESH_MS = 50 * 60 * 1000;
/** Never regenerate sooner than this: APNs answers 429 TooManyProviderTokenUpdates. */
export const PROVIDER_TOKEN_MIN_AGE_MS = 20 * 60 * 1000;

export interface ProviderTokenOptions {
  signingKey: KeyObject;
  keyId: string;
  teamId: string;
  /** Clock in ms. */
  now: () => number;
}

export interface ProviderTokenCache {
  /** The token to send now: the cached one, or a new one once the cached one is due. */
  current(): Promise<string>;
  /** APNs said ExpiredProviderToken: regenerate on next use, but not before the minimum age. */
  markExpired(): void;
}

/** Parses a `.p8` (PKCS#8 PEM) key and checks that it is an EC P-256 key, as APNs requires. */
export function loadSigningKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PassmintError('apns_key_invalid', 'APNs token auth needs an EC P-256 (.p8) signing key');
  }
  return key;
}

/** One signed token: header `{alg: 'ES256', kid}`, claims `{iss: teamId, iat}`, the signature as raw r||s (JWS). */
export function signProviderToken(signingKey: KeyObject, keyId: string, teamId: string, issuedAtMs: number): Promise<string> {
  return new SignJWT({ iss: teamId, iat: Math.floor(issuedAtMs / 1000) }).setProtectedHeader({ alg: 'ES256', kid: keyId }).sign(signingKey);
}

/**
 * Caches one token; regenerates it after 50 minutes, or after ExpiredProviderToken once it is 20
 * minutes old. Callers that arrive while it is being signed share it.
 */
export function createProviderTokenCache(options: ProviderTokenOptions): ProviderTokenCache {
  let token: Promise<string> | undefined;
  let issuedAt = 0;
  let expired = false;
  const isDue = (now: number): boolean => {
    const age = now - issuedAt;
    // A clock that went backwards would make `iat` lie in the future, which APNs refuses.
    return token === undefined || age < 0 || age >= PROVIDER_TOKEN_REFRESH_MS || (expired && age >= PROVIDER_TOKEN_MIN_AGE_MS);
  };
  return {
    current() {
      const now = options.now();
      if (token === undefined || isDue(now)) {
        const signing = signProviderToken(options.signingKey, options.keyId, options.teamId, now);
        // A token that failed to sign is not kept: the next push tries again.
        signing.catch(() => {
          if (token === signing) token = undefined;
        });
        token = signing;
        issuedAt = now;
        expired = false;
      }
      return token;
    },
    markExpired() {
      expired = true;
    },
  };
}
