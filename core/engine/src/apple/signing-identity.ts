import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { SigningIdentityError } from '../errors';
import { APPLE_WWDR_G4_PEM } from '../validator/apple-certs';

/** What an operator configures: PEM certificate + key (+ WWDR), or a .p12 holding both. */
export type SigningMaterial = (
  | { certificatePem: string; privateKeyPem: string; p12?: undefined }
  | { p12: Uint8Array; certificatePem?: undefined; privateKeyPem?: undefined }
) & {
  passphrase?: string;
  /** The chain certificate; Apple's WWDR G4 when omitted. */
  wwdrPem?: string;
  /** When configured, must equal the certificate's pass type id. */
  passTypeIdentifier?: string;
  now?: Date;
};

export interface SigningIdentity {
  passTypeIdentifier: string;
  teamIdentifier: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
  wwdr: X509Certificate;
  /** True when the chain is not Apple's: such passes never install on a real device. */
  isDevelopment: boolean;
  warnings: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WWDR_EXPIRY_WARNING_DAYS = 180;
const CERT_EXPIRY_WARNING_DAYS = 30;
const PASS_TYPE_CN = /^Pass Type ID(?: with NFC)?: (.+)$/;

/**
 * Checks signing material once, at start-up, and names what is wrong: unreadable files, a key that
 * does not match the certificate, an expired certificate, a WWDR that did not issue it, or a pass
 * type id that differs from the certificate's.
 */
export function loadSigningIdentity(material: SigningMaterial): SigningIdentity {
  const now = material.now ?? new Date();
  const { certificatePem, privateKey } = material.p12 ? readP12(material.p12, material.passphrase) : readPem(material);
  const certificate = parseCertificate(certificatePem, 'certificate');
  const wwdr = parseCertificate(material.wwdrPem ?? APPLE_WWDR_G4_PEM, 'WWDR certificate');
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new SigningIdentityError('key_mismatch', 'The private key does not match the pass certificate.');
  }
  checkValidity(certificate, 'pass certificate', now);
  checkValidity(wwdr, 'WWDR certificate', now);
  if (!certificate.checkIssued(wwdr) || !certificate.verify(wwdr.publicKey)) {
    throw new SigningIdentityError(
      'wwdr_not_issuer',
      `The WWDR certificate (${wwdr.subject.replace(/\n/g, ', ')}) did not issue the pass certificate.`,
    );
  }
  const { passTypeIdentifier, teamIdentifier } = passIdentifiersOf(certificate);
  if (material.passTypeIdentifier && material.passTypeIdentifier !== passTypeIdentifier) {
    throw new SigningIdentityError(
      'pass_type_id_mismatch',
      `The configured pass type id ${material.passTypeIdentifier} differs from the certificate's ${passTypeIdentifier}.`,
    );
  }
  const isDevelopment = !isAppleIssued(wwdr);
  return {
    passTypeIdentifier,
    teamIdentifier,
    privateKey,
    certificate,
    wwdr,
    isDevelopment,
    warnings: expiryWarnings(certificate, wwdr, isDevelopment, now),
  };
}

function readPem(material: { certificatePem: string; privateKeyPem: string; passphrase?: string }) {
  return { certificatePem: material.certificatePem, privateKey: parsePrivateKey(material.privateKeyPem, material.passphrase) };
}

function parsePrivateKey(pem: string, passphrase: string | undefined): KeyObject {
  try {
    const key = createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
    if (key.asymmetricKeyType !== 'rsa') {
      throw new SigningIdentityError('key_unsupported', `The private key is ${key.asymmetricKeyType}; pass certificates use RSA.`);
    }
    return key;
  } catch (error) {
    if (error instanceof SigningIdentityError) throw error;
    const encrypted = /ENCRYPTED/.test(pem);
    const hint = encrypted ? (passphrase === undefined ? ' It is encrypted: set its passphrase.' : ' Is the passphrase right?') : '';
    throw new SigningIdentityError('key_unreadable', `The private key could not be read.${hint}`);
  }
}

function readP12(p12: Uint8Array, passphrase = ''): { certificatePem: string; privateKey: KeyObject } {
  let bags: { cert?: forge.pki.Certificate; key?: forge.pki.PrivateKey };
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    const store = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
    const certBags = store.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
    const keyBags = [
      ...(store.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
      ...(store.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
    ];
    bags = { cert: passCertificateOf(certBags.flatMap((bag) => (bag.cert ? [bag.cert] : []))), key: keyBags[0]?.key };
  } catch {
    throw new SigningIdentityError('p12_unreadable', 'The .p12 file could not be read: wrong passphrase, or not a PKCS#12 file.');
  }
  if (!bags.cert) throw new SigningIdentityError('p12_no_certificate', 'The .p12 file holds no certificate.');
  if (!bags.key) throw new SigningIdentityError('p12_no_key', 'The .p12 file holds no private key.');
  return {
    certificatePem: forge.pki.certificateToPem(bags.cert),
    privateKey: parsePrivateKey(forge.pki.privateKeyToPem(bags.key), undefined),
  };
}

/** A .p12 exported from Keychain may also hold the WWDR certificate; the pass certificate is the one with a UID. */
function passCertificateOf(certificates: forge.pki.Certificate[]): forge.pki.Certificate | undefined {
  return certificates.find((cert) => cert.subject.getField('UID')) ?? certificates[0];
}

/**
 * A certificate file's contents as PEM: PEM as it is, or DER (the `.cer` the Apple Developer portal
 * downloads, and Apple's WWDR certificates) converted.
 */
export function certificatePemOf(contents: Uint8Array, what = 'certificate'): string {
  const bytes = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  if (bytes.includes('-----BEGIN CERTIFICATE-----')) return bytes.toString('utf8');
  return parseCertificate(bytes, what).toString();
}

function parseCertificate(pem: string | Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new SigningIdentityError('certificate_unreadable', `The ${what} could not be read as a PEM or DER X.509 certificate.`);
  }
}

function checkValidity(certificate: X509Certificate, what: string, now: Date): void {
  if (now < new Date(certificate.validFrom)) {
    throw new SigningIdentityError('certificate_not_yet_valid', `The ${what} is not valid before ${certificate.validFrom}.`);
  }
  if (now > new Date(certificate.validTo)) {
    throw new SigningIdentityError('certificate_expired', `The ${what} expired on ${certificate.validTo}.`);
  }
}

/** Pass type id from the UID attribute (or the "Pass Type ID: …" common name); team id from the OU. */
export function passIdentifiersOf(certificate: X509Certificate): { passTypeIdentifier: string; teamIdentifier: string } {
  const subject = subjectAttributes(certificate);
  const passTypeIdentifier = subject.get('UID') ?? PASS_TYPE_CN.exec(subject.get('CN') ?? '')?.[1];
  const teamIdentifier = subject.get('OU');
  if (!passTypeIdentifier || !passTypeIdentifier.startsWith('pass.')) {
    throw new SigningIdentityError(
      'not_a_pass_certificate',
      'The certificate is not a Pass Type ID certificate (no pass.* UID in its subject).',
    );
  }
  if (!teamIdentifier) throw new SigningIdentityError('not_a_pass_certificate', 'The certificate has no team id (OU) in its subject.');
  return { passTypeIdentifier, teamIdentifier };
}

function subjectAttributes(certificate: X509Certificate): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const line of certificate.subject.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) attributes.set(line.slice(0, separator), line.slice(separator + 1));
  }
  return attributes;
}

function isAppleIssued(wwdr: X509Certificate): boolean {
  return /O=Apple Inc\./.test(wwdr.subject) && /O=Apple Inc\./.test(wwdr.issuer);
}

function expiryWarnings(certificate: X509Certificate, wwdr: X509Certificate, isDevelopment: boolean, now: Date): string[] {
  const warnings: string[] = [];
  const daysLeft = (cert: X509Certificate) => Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / DAY_MS);
  if (isDevelopment) {
    warnings.push(
      'Signing with a development identity: passes will not install on a real iPhone. Configure a Pass Type ID certificate from Apple.',
    );
  }
  if (daysLeft(certificate) <= CERT_EXPIRY_WARNING_DAYS) {
    warnings.push(`The pass certificate expires in ${daysLeft(certificate)} days (${certificate.validTo}): renew it with Apple.`);
  }
  if (daysLeft(wwdr) <= WWDR_EXPIRY_WARNING_DAYS) {
    warnings.push(`The WWDR certificate expires in ${daysLeft(wwdr)} days (${wwdr.validTo}): download its successor from Apple.`);
  }
  return warnings;
}
