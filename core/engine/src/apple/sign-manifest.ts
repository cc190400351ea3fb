import { createHash, sign, type KeyObject } from 'node:crypto';
import { contextConstructed, nullValue, objectIdentifier, octetString, readChildren, readElement, sequence, setOf, smallInteger, tlv, utcTime } from './der';

const OID = {
  data: objectIdentifier('1.2.840.113549.1.7.1'),
  signedData: objectIdentifier('1.2.840.113549.1.7.2'),
  contentType: objectIdentifier('1.2.840.113549.1.9.3'),
  messageDigest: objectIdentifier('1.2.840.113549.1.9.4'),
  signingTime: objectIdentifier('1.2.840.113549.1.9.5'),
  sha256: objectIdentifier('2.16.840.1.101.3.4.2.1'),
  rsaEncryption: objectIdentifier('1.2.840.113549.1.1.1'),
};

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
 * Everything that does not depend on the manifest is encoded once, when the signer is created.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
export function createManifestSigner(key: ManifestSignerKey): (manifest: Uint8Array, signingTime: Date) => Buffer {
  const sha256Algorithm = sequence(OID.sha256, nullValue());
  const contentTypeAttribute = sequence(OID.contentType, setOf(OID.data));
  const signerIdentifier = issuerAndSerialNumber(key.signerCertificate);
  // certificates is an implicitly tagged SET OF, so DER wants its members sorted too.
  const certificates = contextConstructed(0, ...[key.signerCertificate, ...key.chainCertificates].sort(Buffer.compare));
  const signerInfoHead = Buffer.concat([smallInteger(1), signerIdentifier, sha256Algorithm]);
  const signatureAlgorithm = sequence(OID.rsaEncryption, nullValue());
  const signedDataHead = Buffer.concat([smallInteger(1), setOf(sha256Algorithm), sequence(OID.data), certificates]);

  return (manifest, signingTime) => {
    const digest = createHash('sha256').update(manifest).digest();
    const attributes = setOf(
      contentTypeAttribute,
      sequence(OID.signingTime, setOf(utcTime(signingTime))),
      sequence(OID.messageDigest, setOf(octetString(digest))),
    );
    // The signature covers the attributes encoded as a SET (tag 0x31), while the SignerInfo
    // carries the same bytes under the implicit tag [0] (RFC 5652 section 5.4).
    const signature = sign('sha256', attributes, key.privateKey);
    const signedAttributes = Buffer.from(attributes);
    signedAttributes[0] = 0xa0;
    const signerInfo = sequence(signerInfoHead, signedAttributes, signatureAlgorithm, octetString(signature));
    const signedData = sequence(signedDataHead, setOf(signerInfo));
    return sequence(OID.signedData, contextConstructed(0, signedData));
  };
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
