import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface DevIdentityPems {
  /** Stands in for Apple's WWDR intermediate. */
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
}

export const DEV_PASS_TYPE_IDENTIFIER = 'pass.dev.passmint.local';
export const DEV_TEAM_IDENTIFIER = 'PASSMINTDV';
const NOT_FOR_DEVICES = 'Passmint development identity - NOT VALID ON DEVICES';

/**
 * A throwaway CA and Pass Type ID certificate for local work and tests. Wallet only installs
 * passes whose chain ends at Apple, so these passes validate here but never install on a phone.
 */
export function createDevIdentity(
  options: { passTypeIdentifier?: string; teamIdentifier?: string; now?: Date; validDays?: number } = {},
): DevIdentityPems {
  const passTypeIdentifier = options.passTypeIdentifier ?? DEV_PASS_TYPE_IDENTIFIER;
  const teamIdentifier = options.teamIdentifier ?? DEV_TEAM_IDENTIFIER;
  const now = options.now ?? new Date();
  const validDays = options.validDays ?? 3650;
  const caKeys = rsaKeyPair();
  const passKeys = rsaKeyPair();

  // Each CA gets its own name: TLS peers look an issuer up by name, so two development CAs with
  // one name (two instances, or an instance and a tenant) would shadow each other.
  const caSubject = [
    { name: 'commonName', value: 'Passmint Development CA (stands in for Apple WWDR)' },
    { name: 'organizationalUnitName', value: `${teamIdentifier} ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: NOT_FOR_DEVICES },
  ];
  const ca = certificate(caKeys.publicKey, caSubject, caSubject, now, validDays);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const pass = certificate(
    passKeys.publicKey,
    [
      { type: '0.9.2342.19200300.100.1.1', value: passTypeIdentifier },
      { name: 'commonName', value: `Pass Type ID: ${passTypeIdentifier}` },
      { name: 'organizationalUnitName', value: teamIdentifier },
      { name: 'organizationName', value: NOT_FOR_DEVICES },
    ],
    caSubject,
    now,
    validDays,
  );
  pass.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  pass.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertificatePem: forge.pki.certificateToPem(ca),
    certificatePem: forge.pki.certificateToPem(pass),
    privateKeyPem: forge.pki.privateKeyToPem(passKeys.privateKey),
    passTypeIdentifier,
    teamIdentifier,
  };
}

/** Native key generation: forge's pure-JS RSA would take seconds. */
function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
  };
}

function certificate(
  publicKey: forge.pki.PublicKey,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  now: Date,
  validDays: number,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the top bit clear, as DER INTEGER demands for a non-negative number.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + validDays * 24 * 60 * 60 * 1000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}
