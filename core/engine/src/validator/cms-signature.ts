// Hand-written on purpose: shares no code with the generator's signing (docs/validator.md), so one bug can't mask its twin.
import { createHash, verify } from 'node:crypto';
import { type CertificateInfo, readCertificate } from './certificate';
import { type SignedData, type SignerIdentifier, type SignerInfo, readContentInfo } from './cms-structure';
import { type Asn1, OID, primitiveBytes, readOid, readTime } from './der';
import { type Problems, errorText } from './problems';

const SIGNATURE = { file: 'signature' };

/** Digest algorithms Wallet accepts for the pass signature, by OID. */
const DIGESTS: Record<string, 'sha1' | 'sha256'> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256' };

/** Signature algorithms node:crypto verifies with the digest named by the SignerInfo. */
const SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
]);

export interface SignatureFindings {
  certificates: CertificateInfo[];
  signer?: CertificateInfo;
}

function readSignedData(bytes: Uint8Array, problems: Problems): SignedData | undefined {
  try {
    const contentInfo = readContentInfo(bytes);
    if (contentInfo.contentType !== OID.signedData) {
      problems.error(
        'signature_not_signed_data',
        `The signature is a CMS ${contentInfo.contentType} structure, not SignedData.`,
        SIGNATURE,
      );
      return undefined;
    }
    return contentInfo.read();
  } catch (error) {
    problems.error(
      'signature_malformed',
      `The signature is not a DER-encoded CMS/PKCS#7 SignedData structure (${errorText(error)}).`,
      SIGNATURE,
    );
    return undefined;
  }
}

function checkEnvelope(signedData: SignedData, problems: Problems): void {
  if (!signedData.isCanonicalDer) {
    problems.warning(
      'signature_not_der',
      'The signature is not in canonical DER; it was re-encoded for checking, which may cause spurious verification failures.',
      SIGNATURE,
    );
  }
  if (signedData.encapContentType !== OID.data) {
    problems.error(
      'signature_content_type_invalid',
      `The signed content type is ${signedData.encapContentType}; it must be id-data (${OID.data}).`,
      SIGNATURE,
    );
  }
  if (signedData.hasEmbeddedContent) {
    problems.error(
      'signature_not_detached',
      'The signature embeds its content; Wallet expects a detached signature over manifest.json.',
      SIGNATURE,
    );
  }
}

function readCertificates(signedData: SignedData, problems: Problems): CertificateInfo[] {
  const certificates: CertificateInfo[] = [];
  for (const der of signedData.certificates) {
    try {
      certificates.push(readCertificate(der));
    } catch (error) {
      problems.error(
        'signature_certificate_invalid',
        `A certificate inside the signature cannot be read (${errorText(error)}).`,
        SIGNATURE,
      );
    }
  }
  return certificates;
}

function matchesSid(certificate: CertificateInfo, sid: SignerIdentifier): boolean {
  if (sid.kind === 'subjectKeyId') return certificate.subjectKeyId?.equals(sid.keyId) ?? false;
  return certificate.serialHex === sid.serialHex && certificate.issuerDer.equals(sid.issuerDer);
}

function attributeValue(signer: SignerInfo, oid: string): Asn1 | undefined {
  return signer.signedAttrs?.values.get(oid)?.[0];
}

function checkContentTypeAttribute(signer: SignerInfo, problems: Problems): void {
  const value = attributeValue(signer, OID.contentType);
  let oid: string | undefined;
  try {
    oid = readOid(value, 'contentType attribute');
  } catch {
    oid = undefined;
  }
  if (oid !== OID.data) {
    problems.error('signature_content_type_attribute_invalid', 'The signed contentType attribute is missing or is not id-data.', SIGNATURE);
  }
}

function checkMessageDigest(signer: SignerInfo, digest: Buffer, problems: Problems): void {
  const value = attributeValue(signer, OID.messageDigest);
  if (value === undefined) {
    problems.error(
      'signature_message_digest_missing',
      'The signature has no messageDigest attribute, so it does not bind manifest.json.',
      SIGNATURE,
    );
    return;
  }
  let signed: Buffer | undefined;
  try {
    signed = primitiveBytes(value, 'messageDigest');
  } catch {
    signed = undefined;
  }
  if (signed === undefined || !signed.equals(digest)) {
    problems.error(
      'signature_digest_mismatch',
      'The digest inside the signature does not match manifest.json: the signature was made over different bytes, or manifest.json changed after signing.',
      SIGNATURE,
    );
  }
}

function checkSigningTime(signer: SignerInfo, problems: Problems): void {
  const value = attributeValue(signer, OID.signingTime);
  if (value === undefined) {
    problems.error(
      'signing_time_missing',
      'The signature has no signingTime attribute; Wallet requires the S/MIME signing-time attribute.',
      SIGNATURE,
    );
    return;
  }
  try {
    readTime(value, 'signingTime');
  } catch {
    problems.error('signing_time_invalid', 'The signingTime attribute is not a valid UTCTime or GeneralizedTime.', SIGNATURE);
  }
}

function verifySignatureValue(
  signer: SignerInfo,
  certificate: CertificateInfo,
  manifest: Uint8Array,
  digest: 'sha1' | 'sha256',
  problems: Problems,
): void {
  if (!SIGNATURE_ALGORITHMS.has(signer.signatureAlgorithm)) {
    problems.error(
      'signature_algorithm_unsupported',
      `The signature algorithm ${signer.signatureAlgorithm} is not one Wallet verifies (RSA PKCS#1 v1.5 or ECDSA).`,
      SIGNATURE,
    );
    return;
  }
  // Without signed attributes the signature covers the content itself.
  const signedBytes = signer.signedAttrs?.signedBytes ?? manifest;
  let valid: boolean;
  try {
    valid = verify(digest, signedBytes, certificate.x509.publicKey, signer.signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    problems.error('signature_invalid', "The signature value does not verify with the signer certificate's public key.", SIGNATURE);
  }
}

function checkSigner(signer: SignerInfo, certificate: CertificateInfo, manifest: Uint8Array, problems: Problems): void {
  const digestName = DIGESTS[signer.digestAlgorithm];
  if (digestName === undefined) {
    problems.error(
      'signature_digest_unsupported',
      `The signature uses digest algorithm ${signer.digestAlgorithm}; only SHA-1 and SHA-256 are accepted.`,
      SIGNATURE,
    );
    return;
  }
  if (signer.signedAttrs === undefined) {
    problems.error(
      'signing_time_missing',
      'The signature has no signed attributes, so no signingTime; Wallet requires the S/MIME signing-time attribute.',
      SIGNATURE,
    );
  } else {
    checkContentTypeAttribute(signer, problems);
    checkMessageDigest(signer, createHash(digestName).update(manifest).digest(), problems);
    checkSigningTime(signer, problems);
  }
  verifySignatureValue(signer, certificate, manifest, digestName, problems);
}

/**
 * Checks that `signature` is a detached CMS SignedData over the exact manifest.json bytes, and returns
 * the certificates it carries (the chain is checked separately).
 */
export function checkSignature(signature: Uint8Array, manifest: Uint8Array, problems: Problems): SignatureFindings {
  const signedData = readSignedData(signature, problems);
  if (signedData === undefined) return { certificates: [] };
  checkEnvelope(signedData, problems);
  const certificates = readCertificates(signedData, problems);
  const [signer, ...others] = signedData.signerInfos;
  if (signer === undefined) {
    problems.error('signature_signer_missing', 'The signature has no SignerInfo; nothing is signed.', SIGNATURE);
    return { certificates };
  }
  if (others.length > 0) {
    problems.warning(
      'signature_multiple_signers',
      `The signature has ${others.length + 1} signers; only the first was checked.`,
      SIGNATURE,
    );
  }
  const signerCertificate = certificates.find((certificate) => matchesSid(certificate, signer.sid));
  if (signerCertificate === undefined) {
    problems.error(
      'signer_certificate_missing',
      'The signature does not include the certificate of its signer (the Pass Type ID certificate).',
      SIGNATURE,
    );
    return { certificates };
  }
  checkSigner(signer, signerCertificate, manifest, problems);
  return { certificates, signer: signerCertificate };
}
