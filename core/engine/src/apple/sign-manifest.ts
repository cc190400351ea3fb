// Hand-written on purpose: one native RSA signature in fixed DER; `npm run bench`: 60–85× faster than passkit-generator (node-forge).
import { hash, sign, type KeyObject } from 'node:crypto';
import {
  contextConstructed,
  nullValue,
  objectIdentifier,
  octetString,
  readChildren,
  readElement,
  sequence,
  setOf,
  smallInteger,
  tlv,
  utcTime,
  utcTimeText,
} from './der';

const OID = {
  data: objectIdentifier('1.2.840.113549.1.7.1'),
  signedData: objectIdentifier('1.2.840.113549.1.7.2'),
  contentType: objectIdentifier('1.2.840.113549.1.9.3'),
  messageDigest: objectIdentifier('1.2.840.113549.1.9.4'),
  signingTime: objectIdentifier('1.2.840.113549.1.9.5'),
  sha256: objectIdentifier('2.16.840.1.101.3.4.2.1'),
  rsaEncryption: objectIdentifier('1.2.840.113549.1.1.1'),
};

const SHA256_BYTES = 32;
const SET_TAG = 0x31;
/** Context-specific, constructed, number 0: the SignerInfo's signedAttrs [0] IMPLICIT. */
const IMPLICIT_ZERO_TAG = 0xa0;
const UTC_TIME_BYTES = 13;

export interface ManifestSignerKey {
  privateKey: KeyObject;
  /** DER of the signer certificate. */
  signerCertificate: Buffer;
  /** DER of the chain certificates to embed (the WWDR intermediate). */
  chainCertificates: Buffer[];
}

/**
 * Apple's `signature` file: a detached PKCS#7 SignedData in DER over the manifest bytes, carrying
 * the signer and WWDR certificates and a signing-time attribute (Wallet rejects a pass without it).
 *
 * Only three things change from pass to pass (the signing time, the manifest digest and the RSA
 * signature) and each has a fixed length, so the whole structure is encoded once as a template
 * and each pass copies it and writes those bytes in place.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
export function createManifestSigner(key: ManifestSignerKey): ManifestSigner {
  const signatureBytes = Math.ceil((key.privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
  const placeholderTime = new Date(Date.UTC(2000, 0, 1));
  const attributes = signedAttributes(placeholderTime, Buffer.alloc(SHA256_BYTES));
  const template = signedDataTemplate(key, attributes, Buffer.alloc(signatureBytes));
  // Offsets of the variable parts, found by their position inside the attribute SET.
  const timeInAttributes = attributes.indexOf(utcTime(placeholderTime)) + 2;
  const digestInAttributes = attributes.length - SHA256_BYTES;
  const attributesInTemplate = template.indexOf(Buffer.concat([Buffer.from([IMPLICIT_ZERO_TAG]), attributes.subarray(1)]));
  const signatureInTemplate = template.length - signatureBytes;

  const attributesEnd = attributesInTemplate + attributes.length;

  // Passes signed within the same second share the encoded time.
  let lastSecond = Number.NaN;
  let lastTimeText = '';
  /**
   * A copy of the template with this pass's time and digest written into its attributes, which
   * are left tagged as the SET (0x31) the signature covers: the bytes are signed where they lie.
   */
  const prepare = (manifest: Uint8Array, signingTime: Date): Buffer => {
    const second = Math.floor(signingTime.getTime() / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      lastTimeText = utcTimeText(signingTime);
    }
    const out = Buffer.from(template);
    out[attributesInTemplate] = SET_TAG;
    out.write(lastTimeText, attributesInTemplate + timeInAttributes, UTC_TIME_BYTES, 'latin1');
    hash('sha256', manifest, 'buffer').copy(out, attributesInTemplate + digestInAttributes);
    return out;
  };
  // The signature covers the attributes encoded as a SET, while the SignerInfo carries the same
  // bytes under the implicit tag [0] (RFC 5652 section 5.4).
  const finish = (out: Buffer, signature: Buffer): Buffer => {
    if (signature.length !== signatureBytes) throw new RangeError('unexpected RSA signature length');
    out[attributesInTemplate] = IMPLICIT_ZERO_TAG;
    signature.copy(out, signatureInTemplate);
    return out;
  };

  return {
    sign(manifest, signingTime) {
      const out = prepare(manifest, signingTime);
      return finish(out, sign('sha256', out.subarray(attributesInTemplate, attributesEnd), key.privateKey));
    },
    signAsync(manifest, signingTime) {
      const out = prepare(manifest, signingTime);
      // Nothing else holds `out` until the signature is in, so the thread pool reads it undisturbed.
      return new Promise((resolve, reject) => {
        sign('sha256', out.subarray(attributesInTemplate, attributesEnd), key.privateKey, (error, signature) => {
          if (error) reject(error);
          else resolve(finish(out, signature));
        });
      });
    },
  };
}

export interface ManifestSigner {
  /** Signs on the calling thread. */
  sign(manifest: Uint8Array, signingTime: Date): Buffer;
  /** Signs on libuv's thread pool, leaving the event loop free and using the other cores. */
  signAsync(manifest: Uint8Array, signingTime: Date): Promise<Buffer>;
}

/** contentType, signingTime and messageDigest; DER orders them by encoding, which never varies here. */
function signedAttributes(signingTime: Date, digest: Buffer): Buffer {
  return setOf(
    sequence(OID.contentType, setOf(OID.data)),
    sequence(OID.signingTime, setOf(utcTime(signingTime))),
    sequence(OID.messageDigest, setOf(octetString(digest))),
  );
}

function signedDataTemplate(key: ManifestSignerKey, attributes: Buffer, signature: Buffer): Buffer {
  const sha256Algorithm = sequence(OID.sha256, nullValue());
  const taggedAttributes = Buffer.concat([Buffer.from([IMPLICIT_ZERO_TAG]), attributes.subarray(1)]);
  const signerInfo = sequence(
    smallInteger(1),
    issuerAndSerialNumber(key.signerCertificate),
    sha256Algorithm,
    taggedAttributes,
    sequence(OID.rsaEncryption, nullValue()),
    octetString(signature),
  );
  // certificates is an implicitly tagged SET OF, so DER wants its members sorted too.
  const certificates = contextConstructed(0, ...[key.signerCertificate, ...key.chainCertificates].sort(Buffer.compare));
  const signedData = sequence(smallInteger(1), setOf(sha256Algorithm), sequence(OID.data), certificates, setOf(signerInfo));
  return sequence(OID.signedData, contextConstructed(0, signedData));
}

/** The issuer name and serial number of a certificate, as the SignerInfo identifies its signer. */
function issuerAndSerialNumber(certificate: Buffer): Buffer {
  const [tbs] = readChildren(readElement(certificate));
  if (!tbs) throw new RangeError('certificate has no TBSCertificate');
  const fields = readChildren(tbs);
  // TBSCertificate: [0] version (optional), serialNumber, signature algorithm, issuer, …
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) throw new RangeError('certificate lacks a serial number or issuer');
  return tlv(0x30, issuer.bytes, serial.bytes);
}
