import { generateKeyPairSync, randomUUID, sign as ecdsaSign, type KeyObject } from 'node:crypto';

/**
 * A stand-in for Google Wallet's side of save and delete callbacks: a root key (published in a key list like
 * https://pay.google.com/gp/m/issuer/keys) that signs an intermediate key, which signs each callback message,
 * following the `ECv2SigningOnly` protocol with sender `GooglePayPasses`.
 *
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 * @see https://developers.google.com/pay/api/web/guides/resources/payment-data-cryptography
 */

/** One entry of Google's root key list. */
export interface GoogleSigningRootKey {
  keyValue: string;
  protocolVersion: string;
  keyExpiration?: string;
}

export interface GoogleCallbackMessage {
  classId: string;
  objectId: string;
  eventType: 'save' | 'del';
  /** Default: a random UUID. */
  nonce?: string;
  /** Default: an hour from now. */
  expTimeMillis?: number;
}

/** The JSON body Google POSTs to `callbackOptions.url`. */
export interface GoogleCallbackBody {
  signature: string;
  intermediateSigningKey: { signedKey: string; signatures: string[] };
  protocolVersion: 'ECv2SigningOnly';
  signedMessage: string;
}

export interface GoogleCallbackSigner {
  /** The root key list entries (the `keys` of the key list). */
  rootKeys: GoogleSigningRootKey[];
  /** The key list document the production key URL serves: `{ keys: rootKeys }`. */
  keyList: { keys: GoogleSigningRootKey[] };
  sign(message: GoogleCallbackMessage, recipientId: string, options?: { intermediateExpiresAt?: number }): GoogleCallbackBody;
}

const PROTOCOL_VERSION = 'ECv2SigningOnly';
const SENDER_ID = 'GooglePayPasses';
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
const ROOT_LIFETIME_MS = 365 * DAY_MS;

/** Each part as a 4-byte little-endian UTF-8 byte length followed by the part. */
function lengthPrefixed(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

function spkiBase64(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** ECDSA P-256 / SHA-256, DER-encoded, base64. */
function signBase64(privateKey: KeyObject, data: Buffer): string {
  return ecdsaSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }).toString('base64');
}

/** A root key pair (valid for a year) and a fresh intermediate key pair, both EC P-256. */
export function createGoogleCallbackSigner(): GoogleCallbackSigner {
  const root = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const intermediate = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rootKeys: GoogleSigningRootKey[] = [
    { keyValue: spkiBase64(root.publicKey), protocolVersion: PROTOCOL_VERSION, keyExpiration: String(Date.now() + ROOT_LIFETIME_MS) },
  ];

  function signedIntermediateKey(expiresAt: number): GoogleCallbackBody['intermediateSigningKey'] {
    const signedKey = JSON.stringify({ keyValue: spkiBase64(intermediate.publicKey), keyExpiration: String(expiresAt) });
    return { signedKey, signatures: [signBase64(root.privateKey, lengthPrefixed(SENDER_ID, PROTOCOL_VERSION, signedKey))] };
  }

  return {
    rootKeys,
    keyList: { keys: rootKeys },
    sign(message, recipientId, options = {}) {
      const signedMessage = JSON.stringify({
        classId: message.classId,
        objectId: message.objectId,
        expTimeMillis: message.expTimeMillis ?? Date.now() + HOUR_MS,
        eventType: message.eventType,
        nonce: message.nonce ?? randomUUID(),
      });
      return {
        signature: signBase64(intermediate.privateKey, lengthPrefixed(SENDER_ID, recipientId, PROTOCOL_VERSION, signedMessage)),
        intermediateSigningKey: signedIntermediateKey(options.intermediateExpiresAt ?? Date.now() + DAY_MS),
        protocolVersion: PROTOCOL_VERSION,
        signedMessage,
      };
    },
  };
}
