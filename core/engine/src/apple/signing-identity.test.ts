import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { testIdentity } from '../testing';
import { APPLE_WWDR_G4_PEM } from '../validator/apple-certs';
import { createDevIdentity } from './dev-identity';
import { certificatePemOf, loadSigningIdentity, passIdentifiersOf } from './signing-identity';

const { pems } = testIdentity();
const pemMaterial = { certificatePem: pems.certificatePem, privateKeyPem: pems.privateKeyPem, wwdrPem: pems.caCertificatePem };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('loadSigningIdentity', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-identity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the pass type and team ids from the certificate and flags a development chain', () => {
    const identity = loadSigningIdentity(pemMaterial);
    expect(identity).toMatchObject({ passTypeIdentifier: 'pass.test.passmint', teamIdentifier: 'TEAMTEST01', isDevelopment: true });
    expect(identity.warnings).toEqual([expect.stringContaining('will not install on a real iPhone')]);
  });

  it('reads a passphrase-protected key and names a wrong or missing passphrase', () => {
    const encrypted = createPrivateKey(pems.privateKeyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'hunter22',
    }) as string;
    expect(loadSigningIdentity({ ...pemMaterial, privateKeyPem: encrypted, passphrase: 'hunter22' }).passTypeIdentifier).toBe(
      'pass.test.passmint',
    );
    expect(() => loadSigningIdentity({ ...pemMaterial, privateKeyPem: encrypted, passphrase: 'wrong' })).toThrow(/passphrase right/);
    expect(() => loadSigningIdentity({ ...pemMaterial, privateKeyPem: encrypted })).toThrow(/set its passphrase/);
  });

  it('reads a .p12 made by openssl, with or without a passphrase', () => {
    for (const [passphrase, legacy] of [
      ['s3cret', false],
      ['', true],
    ] as const) {
      writeFileSync(join(dir, 'cert.pem'), pems.certificatePem);
      writeFileSync(join(dir, 'key.pem'), pems.privateKeyPem);
      const args = ['pkcs12', '-export', '-in', 'cert.pem', '-inkey', 'key.pem', '-out', 'id.p12', '-passout', `pass:${passphrase}`];
      execFileSync('openssl', legacy ? [...args, '-legacy'] : args, { cwd: dir });
      const identity = loadSigningIdentity({ p12: readFileSync(join(dir, 'id.p12')), passphrase, wwdrPem: pems.caCertificatePem });
      expect(identity.passTypeIdentifier).toBe('pass.test.passmint');
    }
    expect(
      codeOf(() => loadSigningIdentity({ p12: readFileSync(join(dir, 'id.p12')), passphrase: 'nope', wwdrPem: pems.caCertificatePem })),
    ).toBe('p12_unreadable');
    expect(codeOf(() => loadSigningIdentity({ p12: Buffer.from('not a p12'), wwdrPem: pems.caCertificatePem }))).toBe('p12_unreadable');
  });

  it('fails when the key does not match the certificate', () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, privateKeyPem: otherKey }))).toBe('key_mismatch');
  });

  it('fails on an unreadable certificate or key', () => {
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, certificatePem: 'garbage' }))).toBe('certificate_unreadable');
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, privateKeyPem: 'garbage' }))).toBe('key_unreadable');
  });

  it('fails on an EC key, which Apple pass certificates never use', () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, privateKeyPem: ecKey }))).toBe('key_unsupported');
  });

  it('fails on an expired or not yet valid certificate', () => {
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, now: new Date('2100-01-01T00:00:00Z') }))).toBe('certificate_expired');
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, now: new Date('2000-01-01T00:00:00Z') }))).toBe('certificate_not_yet_valid');
  });

  it('warns when the certificate is about to expire', () => {
    const shortLived = createDevIdentity({ validDays: 10 });
    const identity = loadSigningIdentity({
      certificatePem: shortLived.certificatePem,
      privateKeyPem: shortLived.privateKeyPem,
      wwdrPem: shortLived.caCertificatePem,
    });
    expect(identity.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/pass certificate expires in \d+ days/)]));
  });

  it('warns when the chain certificate nears its expiry, as WWDR G4 will before 2030-12-10', () => {
    const chain = createDevIdentity({ validDays: 100 });
    const identity = loadSigningIdentity({
      certificatePem: chain.certificatePem,
      privateKeyPem: chain.privateKeyPem,
      wwdrPem: chain.caCertificatePem,
    });
    expect(identity.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/WWDR certificate expires in (99|100) days/)]));
    expect(identity.warnings.join(' ')).not.toMatch(/pass certificate expires/);
  });

  it('fails when the WWDR certificate did not issue the pass certificate', () => {
    expect(codeOf(() => loadSigningIdentity({ ...pemMaterial, wwdrPem: createDevIdentity().caCertificatePem }))).toBe('wwdr_not_issuer');
    // The default chain certificate is Apple's WWDR G4, which did not issue a development certificate.
    expect(codeOf(() => loadSigningIdentity({ certificatePem: pems.certificatePem, privateKeyPem: pems.privateKeyPem }))).toBe(
      'wwdr_not_issuer',
    );
  });

  it('fails when the configured pass type id differs from the certificate', () => {
    expect(() => loadSigningIdentity({ ...pemMaterial, passTypeIdentifier: 'pass.other.id' })).toThrow(
      /pass.other.id differs from the certificate's pass.test.passmint/,
    );
  });

  it('fails on a certificate that is not a Pass Type ID certificate', () => {
    expect(codeOf(() => passIdentifiersOf(new X509Certificate(pems.caCertificatePem)))).toBe('not_a_pass_certificate');
  });

  it('bundles Apple WWDR G4 as the default chain, valid until 2030-12-10', () => {
    const wwdr = new X509Certificate(APPLE_WWDR_G4_PEM);
    expect(wwdr.serialNumber).toBe('13DC77955271E53DC632E8CCFFE521F3CCC5CED2');
    expect(new Date(wwdr.validTo).toISOString().slice(0, 10)).toBe('2030-12-10');
  });
});

describe('certificatePemOf', () => {
  it("reads the DER .cer Apple's portal downloads (converted by openssl here) as the same certificate", () => {
    const dir = mkdtempSync(join(tmpdir(), 'passmint-der-'));
    try {
      writeFileSync(join(dir, 'pass.pem'), pems.certificatePem);
      execFileSync('openssl', ['x509', '-in', 'pass.pem', '-outform', 'DER', '-out', 'pass.cer'], { cwd: dir });
      const der = readFileSync(join(dir, 'pass.cer'));
      expect(der.includes('BEGIN')).toBe(false);
      const pem = certificatePemOf(der);
      expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(new X509Certificate(pem).fingerprint256).toBe(new X509Certificate(pems.certificatePem).fingerprint256);
      const identity = loadSigningIdentity({
        ...pemMaterial,
        certificatePem: pem,
        wwdrPem: certificatePemOf(new X509Certificate(pems.caCertificatePem).raw),
      });
      expect(identity.passTypeIdentifier).toBe('pass.test.passmint');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps PEM as it is and names a file that is neither', () => {
    expect(certificatePemOf(Buffer.from(pems.certificatePem))).toBe(pems.certificatePem);
    expect(codeOf(() => certificatePemOf(Buffer.from('not a certificate'), 'WWDR certificate'))).toBe('certificate_unreadable');
    expect(() => certificatePemOf(Buffer.from([0x30, 0x82, 0x01]), 'WWDR certificate')).toThrow(/WWDR certificate could not be read/);
  });
});
