import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  type Asn1,
  DerShapeError,
  OID,
  childrenOf,
  encodeDer,
  expectUniversal,
  isContextTag,
  isUniversal,
  parseDer,
  primitiveBytes,
  readIntegerHex,
  readOid,
  readText,
  readTime,
} from './der';

/** What the validator needs to know about one certificate. */
export interface CertificateInfo {
  der: Buffer;
  x509: X509Certificate;
  serialHex: string;
  issuerDer: Buffer;
  /** Subject attribute values by OID, e.g. `2.5.4.3` (CN) → ['Pass Type ID: pass.x']. */
  subject: Map<string, string[]>;
  notBefore: Date;
  notAfter: Date;
  subjectKeyId?: Buffer;
}

const { Type } = forge.asn1;

function readName(node: Asn1 | undefined, what: string): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const rdn of childrenOf(expectUniversal(node, Type.SEQUENCE, what), what)) {
    for (const pair of childrenOf(rdn, what)) {
      const [type, value] = childrenOf(pair, what);
      const oid = readOid(type, what);
      const text = readText(value);
      if (text !== undefined) attributes.set(oid, [...(attributes.get(oid) ?? []), text]);
    }
  }
  return attributes;
}

function readSubjectKeyId(extensionsWrapper: Asn1 | undefined): Buffer | undefined {
  if (extensionsWrapper === undefined) return undefined;
  const extensions = childrenOf(childrenOf(extensionsWrapper, 'extensions')[0], 'extensions');
  for (const extension of extensions) {
    const parts = childrenOf(extension, 'extension');
    if (readOid(parts[0], 'extension id') !== OID.subjectKeyIdentifier) continue;
    const inner = parseDer(primitiveBytes(parts[parts.length - 1], 'subjectKeyIdentifier'));
    return primitiveBytes(inner, 'subjectKeyIdentifier');
  }
  return undefined;
}

/** Reads the fields the chain and identity checks use; throws when the DER is not a certificate. */
export function readCertificate(der: Buffer): CertificateInfo {
  const x509 = new X509Certificate(der);
  const root = parseDer(der);
  const tbs = childrenOf(expectUniversal(childrenOf(root, 'certificate')[0], Type.SEQUENCE, 'tbsCertificate'), 'tbsCertificate');
  const fields = isContextTag(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [serial, , issuer, validity, subject] = fields;
  const [notBefore, notAfter] = childrenOf(validity, 'validity');
  const extensions = fields.find((node) => isContextTag(node, 3));
  if (!isUniversal(issuer, Type.SEQUENCE)) throw new DerShapeError('certificate issuer is not a Name');
  const info: CertificateInfo = {
    der,
    x509,
    serialHex: readIntegerHex(serial, 'certificate serial'),
    issuerDer: encodeDer(issuer),
    subject: readName(subject, 'certificate subject'),
    notBefore: readTime(notBefore, 'notBefore'),
    notAfter: readTime(notAfter, 'notAfter'),
  };
  const subjectKeyId = readSubjectKeyId(extensions);
  if (subjectKeyId !== undefined) info.subjectKeyId = subjectKeyId;
  return info;
}

export function firstAttribute(certificate: CertificateInfo, oid: string): string | undefined {
  return certificate.subject.get(oid)?.[0];
}

/** A name for messages: the subject CN, or the serial when there is none. */
export function certificateLabel(certificate: CertificateInfo): string {
  const commonName = firstAttribute(certificate, OID.commonName);
  return commonName === undefined ? `certificate with serial ${certificate.serialHex}` : `"${commonName}"`;
}

/** True when `issuer` issued `subject`: names and extensions chain, and the signature verifies. */
export function isIssuedBy(subject: CertificateInfo, issuer: CertificateInfo): boolean {
  try {
    return subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** Splits a PEM bundle and reads each certificate in it. */
export function readPemCertificates(pem: string): CertificateInfo[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => readCertificate(Buffer.from(new X509Certificate(block).raw)));
}
