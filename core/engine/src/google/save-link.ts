import { createPrivateKey } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** Browsers truncate longer links, so Google asks save links to stay under this. */
export const MAX_SAVE_URL_LENGTH = 1800;
export const SAVE_URL_PREFIX = 'https://pay.google.com/gp/v/save/';

export interface SaveLinkClaims {
  /** The service account's email. */
  issuer: string;
  /** Sites allowed to show the button. */
  origins: string[];
  /** `<vertical>Classes` and `<vertical>Objects` lists, e.g. `{ eventTicketObjects: [{ id, classId }] }`. */
  payload: Record<string, Record<string, unknown>[]>;
  issuedAt: Date;
}

/**
 * The "Save to Google Wallet" link: a JWT signed RS256 with the service account's key.
 * @see https://developers.google.com/wallet/reference/rest/v1/Jwt
 */
export async function googleSaveUrl(claims: SaveLinkClaims, privateKeyPem: string): Promise<string> {
  const jwt = await signJwt(
    {
      iss: claims.issuer,
      aud: 'google',
      typ: 'savetowallet',
      iat: Math.floor(claims.issuedAt.getTime() / 1000),
      origins: claims.origins,
      payload: claims.payload,
    },
    privateKeyPem,
  );
  return `${SAVE_URL_PREFIX}${jwt}`;
}

/** A compact RS256 JWT of exactly these claims; the key may be PKCS#8 or PKCS#1 PEM. */
export function signJwt(claims: JWTPayload, privateKeyPem: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(createPrivateKey(privateKeyPem));
}
