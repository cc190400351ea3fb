import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWTPayload } from 'jose';

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
export async function signJwt(claims: JWTPayload, privateKeyPem: string): Promise<string> {
  const signingInput = `${base64UrlJson({ alg: 'RS256', typ: 'JWT' })}.${base64UrlJson(claims)}`;
  // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, crypto.sign's default for an RSA key; with a
  // callback the signature is made on libuv's thread pool, not on the event loop.
  const signature = await signAsync('sha256', Buffer.from(signingInput), privateKeyOf(privateKeyPem));
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const signAsync = promisify(sign);

/** Parsing a PEM costs more than the signature it is for, and a server signs with few keys. */
const MAX_CACHED_KEYS = 64;
const privateKeys = new Map<string, KeyObject>();

function privateKeyOf(pem: string): KeyObject {
  const cached = privateKeys.get(pem);
  if (cached) return cached;
  const key = createPrivateKey(pem);
  if (privateKeys.size >= MAX_CACHED_KEYS) privateKeys.delete(privateKeys.keys().next().value as string);
  privateKeys.set(pem, key);
  return key;
}
