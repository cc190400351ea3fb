import { PassmintError, signJwt } from '@passmint/engine';
import { request } from 'undici';
import type { ServiceAccount } from './service-account';

export const WALLET_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
/** Tokens are renewed this long before they expire, so none runs out mid-request. */
const RENEW_BEFORE_MS = 5 * 60_000;

export class GoogleAuthError extends PassmintError {
  constructor(message: string) {
    super('google_auth_failed', message);
  }
}

/**
 * OAuth2 access tokens for the service account (the JWT-bearer grant), cached until shortly before
 * they expire; concurrent callers share one token request.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export function createAccessTokens(account: ServiceAccount, options: { tokenUrl?: string; now?: () => number; timeoutMs?: number } = {}) {
  const tokenUrl = options.tokenUrl ?? account.tokenUri;
  const now = options.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const assertion = await signJwt(
      { iss: account.clientEmail, scope: WALLET_SCOPE, aud: tokenUrl, iat: issuedAt, exp: issuedAt + 3600 },
      account.privateKeyPem,
    );
    const response = await request(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      headersTimeout: options.timeoutMs ?? 10_000,
      bodyTimeout: options.timeoutMs ?? 10_000,
    }).catch(() => {
      throw new GoogleAuthError('Google token endpoint unreachable.');
    });
    const body = (await response.body.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (response.statusCode !== 200 || typeof body.access_token !== 'string') {
      throw new GoogleAuthError(
        `Google refused the service account's token request (${response.statusCode}${typeof body.error === 'string' ? ` ${body.error}` : ''}).`,
      );
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    cached = { token: body.access_token, renewAt: now() + Math.max(0, lifetimeMs - RENEW_BEFORE_MS) };
    return body.access_token;
  }

  return {
    async token(): Promise<string> {
      if (cached && now() < cached.renewAt) return cached.token;
      pending ??= fetchToken().finally(() => (pending = undefined));
      return pending;
    },
    /** After a 401: the next call asks for a new token. */
    invalidate(): void {
      cached = undefined;
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
