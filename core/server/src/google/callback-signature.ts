import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Verification of Google Wallet's save and delete callbacks, signed with the `ECv2SigningOnly` protocol
 * (sender `GooglePayPasses`, recipient = the issuer id).
 *
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 * @see https://developers.google.com/pay/api/web/guides/resources/payment-data-cryptography
 */

/** One entry of Google's root signing key list (https://pay.google.com/gp/m/issuer/keys). */
export interface GoogleRootKey {
  /** Base64 X.509 SubjectPublicKeyInfo of an EC P-256 key. */
  keyValue: string;
  protocolVersion: string;
  /** Milliseconds since the epoch, as a decimal string; missing = never expires. */
  keyExpiration?: string;
}

/** The verified content of a callback's `signedMessage`. */
export interface WalletCallback {
  classId: string;
  objectId: string;
  /** `save` and `del` are what Passmint counts; Google also sends others (e.g. `activate`). */
  eventType: string;
  nonce: string;
  expTimeMillis: number;
}

export type CallbackVerification =
  | { ok: true; callback: WalletCallback }
  | {
      ok: false;
      reason:
        | 'malformed'
        | 'unsupported_protocol'
        | 'no_root_key'
        | 'bad_intermediate_signature'
        | 'intermediate_expired'
        | 'bad_signature'
        | 'expired'
        | 'malformed_message';
    };

type Failure = Extract<CallbackVerification, { ok: false }>;

const PROTOCOL_VERSION = 'ECv2SigningOnly';
const SENDER_ID = 'GooglePayPasses';

/** The callback body with its fields checked for type, and the signed key parsed. */
interface CallbackEnvelope {
  signature: string;
  signedKey: string;
  intermediateSignatures: string[];
  intermediateKey: { keyValue: string; keyExpiration: number };
  signedMessage: string;
}

function fail(reason: Failure['reason']): Failure {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Milliseconds since the epoch from a decimal string (or a number), or undefined when it is not one. */
function parseMillis(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * 4-byte little-endian UTF-8 byte length of each part followed by the part, concatenated.
 * @see https://developers.google.com/pay/api/web/guides/resources/payment-data-cryptography#verify-signature
 */
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

/** An EC P-256 public key from base64 SubjectPublicKeyInfo, or undefined when it is not one. */
function importP256Key(keyValue: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(keyValue, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** ECDSA-SHA256 over `data` with a base64 DER signature; false (never a throw) for anything unreadable. */
function verifiesWith(key: KeyObject, data: Buffer, signatureBase64: string): boolean {
  try {
    return verify('sha256', data, { key, dsaEncoding: 'der' }, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** The signed intermediate key `{ keyValue, keyExpiration }`, or undefined when it is not JSON of that shape. */
function parseSignedKey(signedKey: string): CallbackEnvelope['intermediateKey'] | undefined {
  const parsed = parseJson(signedKey);
  if (!isRecord(parsed) || typeof parsed.keyValue !== 'string') return undefined;
  const keyExpiration = parseMillis(parsed.keyExpiration);
  return keyExpiration === undefined ? undefined : { keyValue: parsed.keyValue, keyExpiration };
}

/** Type-checks the ECv2SigningOnly body (the protocol version is checked before). */
function parseEnvelope(body: Record<string, unknown>): CallbackEnvelope | undefined {
  const { signature, intermediateSigningKey, signedMessage } = body;
  if (typeof signature !== 'string' || typeof signedMessage !== 'string' || !isRecord(intermediateSigningKey)) return undefined;
  const { signedKey, signatures } = intermediateSigningKey;
  if (typeof signedKey !== 'string' || !Array.isArray(signatures)) return undefined;
  if (!signatures.every((entry): entry is string => typeof entry === 'string')) return undefined;
  const intermediateKey = parseSignedKey(signedKey);
  if (!intermediateKey) return undefined;
  return { signature, signedKey, intermediateSignatures: signatures, intermediateKey, signedMessage };
}

/** The root keys usable now: protocol ECv2SigningOnly, not expired, and readable as EC P-256 keys. */
function usableRootKeys(rootKeys: GoogleRootKey[], now: number): KeyObject[] {
  const usable: KeyObject[] = [];
  for (const rootKey of Array.isArray(rootKeys) ? rootKeys : []) {
    if (!isRecord(rootKey) || rootKey.protocolVersion !== PROTOCOL_VERSION || typeof rootKey.keyValue !== 'string') continue;
    if (rootKey.keyExpiration !== undefined) {
      const expiration = parseMillis(rootKey.keyExpiration);
      if (expiration === undefined || expiration <= now) continue;
    }
    const key = importP256Key(rootKey.keyValue);
    if (key) usable.push(key);
  }
  return usable;
}

/** True when one of the intermediate key's signatures verifies with one of the root keys. */
function intermediateKeyIsSigned(envelope: CallbackEnvelope, roots: KeyObject[]): boolean {
  const signed = lengthPrefixed(SENDER_ID, PROTOCOL_VERSION, envelope.signedKey);
  return envelope.intermediateSignatures.some((signature) => roots.some((root) => verifiesWith(root, signed, signature)));
}

/** The callback in `signedMessage`, or a failure when it is not one or has expired. */
function parseSignedMessage(signedMessage: string, now: number): CallbackVerification {
  const parsed = parseJson(signedMessage);
  if (!isRecord(parsed)) return fail('malformed_message');
  const expTimeMillis = parseMillis(parsed.expTimeMillis);
  if (expTimeMillis === undefined) return fail('malformed_message');
  if (expTimeMillis <= now) return fail('expired');
  const { classId, objectId, eventType, nonce } = parsed;
  if (typeof eventType !== 'string' || eventType === '') return fail('malformed_message');
  if (typeof classId !== 'string' || typeof objectId !== 'string' || typeof nonce !== 'string') return fail('malformed_message');
  return { ok: true, callback: { classId, objectId, eventType, nonce, expTimeMillis } };
}

function verifyEnvelope(envelope: CallbackEnvelope, issuerId: string, roots: KeyObject[], now: number): CallbackVerification {
  if (!intermediateKeyIsSigned(envelope, roots)) return fail('bad_intermediate_signature');
  if (envelope.intermediateKey.keyExpiration <= now) return fail('intermediate_expired');
  const intermediate = importP256Key(envelope.intermediateKey.keyValue);
  if (!intermediate) return fail('malformed');
  const signed = lengthPrefixed(SENDER_ID, issuerId, PROTOCOL_VERSION, envelope.signedMessage);
  if (!verifiesWith(intermediate, signed, envelope.signature)) return fail('bad_signature');
  return parseSignedMessage(envelope.signedMessage, now);
}

/**
 * Verifies a Google Wallet save/delete callback body against Google's root keys, for the issuer `issuerId`.
 * Never throws: anything that is not a well-formed ECv2SigningOnly body is `{ ok: false, reason: 'malformed' }`.
 *
 * @param body the parsed JSON request body.
 * @param options.rootKeys Google's key list (`keys` of https://pay.google.com/gp/m/issuer/keys).
 * @param options.now the clock in ms since the epoch; default `Date.now()`.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 * @see https://developers.google.com/pay/api/web/guides/resources/payment-data-cryptography#verify-signature
 */
export function verifyWalletCallback(
  body: unknown,
  options: { issuerId: string; rootKeys: GoogleRootKey[]; now?: number },
): CallbackVerification {
  try {
    if (!isRecord(body) || typeof body.protocolVersion !== 'string') return fail('malformed');
    if (body.protocolVersion !== PROTOCOL_VERSION) return fail('unsupported_protocol');
    const envelope = parseEnvelope(body);
    if (!envelope) return fail('malformed');
    const now = options.now ?? Date.now();
    const roots = usableRootKeys(options.rootKeys, now);
    if (roots.length === 0) return fail('no_root_key');
    return verifyEnvelope(envelope, options.issuerId, roots, now);
  } catch {
    // Defensive: getters on exotic inputs and the like; the checks above do not throw on JSON values.
    return fail('malformed');
  }
}
