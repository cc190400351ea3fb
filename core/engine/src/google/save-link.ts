import { createSign } from 'node:crypto';

/** Browsers truncate longer links, so Google asks save links to stay under this. */
export const MAX_SAVE_URL_LENGTH = 1800;
export const SAVE_URL_PREFIX = 'https://pay.google.com/gp/v/save/';

export interface SaveLinkClaims {
  /** The service account's email. */
  issuer: string;
  /** Sites allowed to show the button. */
  origins: string[];
  payload: { genericObjects?: Record<string, unknown>[]; genericClasses?: Record<string, unknown>[] };
  issuedAt: Date;
}

/**
 * The "Save to Google Wallet" link: a JWT signed RS256 with the service account's key.
 * @see https://developers.google.com/wallet/reference/rest/v1/Jwt
 */
export function googleSaveUrl(claims: SaveLinkClaims, privateKeyPem: string): string {
  return `${SAVE_URL_PREFIX}${signJwt(
    {
      iss: claims.issuer,
      aud: 'google',
      typ: 'savetowallet',
      iat: Math.floor(claims.issuedAt.getTime() / 1000),
      origins: claims.origins,
      payload: claims.payload,
    },
    privateKeyPem,
  )}`;
}

/** A compact RS256 JWT. */
export function signJwt(claims: Record<string, unknown>, privateKeyPem: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(privateKeyPem).toString('base64url');
  return `${header}.${body}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
