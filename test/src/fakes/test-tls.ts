import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A PEM certificate and its PEM private key. Made in memory; never written to disk. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

/** A throwaway certificate authority that issues server (TLS) and client (Pass Type ID style) certificates. */
export interface TestCa extends TestCertificate {
  /** A server certificate with SAN DNS:localhost, IP:127.0.0.1 and IP:::1 (extendedKeyUsage serverAuth). */
  issueServer(): TestCertificate;
  /**
   * A client certificate shaped like Apple's Pass Type ID certificate
   * (`UID=<passTypeIdentifier>, CN=Pass Type ID: <passTypeIdentifier>, OU=<teamId>`, extendedKeyUsage clientAuth).
   */
  issueClient(passTypeIdentifier: string, teamId?: string): TestCertificate;
}

/** An ES256 (EC P-256) key in the shape of an APNs `.p8` auth key, with its key id and team id. */
export interface TestTokenKey {
  keyId: string;
  teamId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

const UID_OID = '0.9.2342.19200300.100.1.1';
const VALID_DAYS = 2;

/**
 * A new throwaway CA (RSA 2048, SHA-256). Keys are generated natively: forge's pure-JS RSA would take seconds.
 * Each gets its own name: trust stores look issuers up by name, so two test CAs trusted together must not share one.
 */
export function createTestCa(commonName = `Passmint Test CA ${randomBytes(4).toString('hex')}`): TestCa {
  const keys = rsaKeyPair();
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: commonName }];
  const cert = newCertificate(keys.publicKey, subject, subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const issue = (leafSubject: forge.pki.CertificateField[], extensions: object[]): TestCertificate =>
    issueLeaf({ cert, privateKey: keys.privateKey }, leafSubject, extensions);
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
    issueServer: () => issue([{ name: 'commonName', value: 'localhost' }], serverExtensions()),
    issueClient: (passTypeIdentifier, teamId = 'PASSMINT01') =>
      issue(
        [
          { type: UID_OID, value: passTypeIdentifier },
          { name: 'commonName', value: `Pass Type ID: ${passTypeIdentifier}` },
          { name: 'organizationalUnitName', value: teamId },
        ],
        clientExtensions(),
      ),
  };
}

/** A CA (trust it through `ca` or NODE_EXTRA_CA_CERTS) and the localhost server certificate it issued. */
export interface TestTls {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** The issuing CA, to issue more (e.g. client certificates). */
  ca: TestCa;
}

/** A CA plus a localhost server certificate it issued: what a loopback TLS fake needs. */
export function createTestTls(): TestTls {
  const ca = createTestCa();
  const server = ca.issueServer();
  return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem, ca };
}

/** A fresh EC P-256 key pair with a random 10-character key id, like an APNs `.p8` auth key. */
export function createTokenKey(teamId = 'PASSMINT01'): TestTokenKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keyId = randomBytes(5).toString('hex').toUpperCase();
  return { keyId, teamId, privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function issueLeaf(
  issuer: { cert: forge.pki.Certificate; privateKey: forge.pki.rsa.PrivateKey },
  subject: forge.pki.CertificateField[],
  extensions: object[],
): TestCertificate {
  const keys = rsaKeyPair();
  const cert = newCertificate(keys.publicKey, subject, issuer.cert.subject.attributes);
  cert.setExtensions(extensions);
  cert.sign(issuer.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

function serverExtensions(): object[] {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ];
}

function clientExtensions(): object[] {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ];
}

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

function newCertificate(
  publicKey: forge.pki.PublicKey,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial in minimal DER: a first byte of 0x01. Odd-length hex ("0" and 30 digits)
  // came out with a needless leading zero byte in about 2% of certificates, which OpenSSL refuses
  // ("illegal padding"): the CA was then not trusted and a whole test file failed its TLS.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + VALID_DAYS * 24 * 60 * 60 * 1000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}
