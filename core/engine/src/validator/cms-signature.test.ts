import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { APPLE_WWDR_G4_SERIAL } from './apple-certs';
import { readContentInfo } from './cms-structure';
import { OID } from './der';
import { validatePkpass } from './index';
import { codesOf, errorCodesOf, problemWith } from './test-support/report-helpers';
import {
  type BuildOptions,
  type TestIdentity,
  buildPkpass,
  createTestIdentity,
  removeTestIdentity,
  signWithOpenssl,
  TEST_PASS_TYPE_ID,
  TEST_TEAM_ID,
} from './test-support/openssl-pass';

const DAY_MS = 24 * 60 * 60 * 1000;

let identity: TestIdentity;
beforeAll(() => {
  identity = createTestIdentity();
});
afterAll(() => removeTestIdentity(identity));

function validate(options: BuildOptions = {}, now?: Date) {
  const bytes = buildPkpass(identity, options);
  return validatePkpass(bytes, now === undefined ? { trustedRoots: [identity.caPem] } : { trustedRoots: [identity.caPem], now });
}

function derToBytes(node: forge.asn1.Asn1): Uint8Array {
  return new Uint8Array(Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary'));
}

describe('a valid pass', () => {
  test('passes with the test CA as trusted root', () => {
    const report = validate();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.passJson).toMatchObject({ passTypeIdentifier: TEST_PASS_TYPE_ID });
  });

  test('fails with chain_untrusted under the default (Apple) roots', () => {
    const report = validatePkpass(buildPkpass(identity));
    expect(report.ok).toBe(false);
    expect(errorCodesOf(report)).toEqual(['chain_untrusted']);
  });

  test('accepts a SHA-1 signature digest', () => {
    expect(validate({ sign: { digest: 'sha1' } }).problems).toEqual([]);
  });

  test('reports an unreadable trusted root instead of throwing', () => {
    const report = validatePkpass(buildPkpass(identity), { trustedRoots: ['not a certificate', identity.caPem] });
    expect(errorCodesOf(report)).toEqual(['trusted_root_invalid']);
  });
});

describe('the signature over manifest.json', () => {
  test('a byte tampered in pass.json after signing is a hash mismatch while the signature stays valid', () => {
    const report = validate({
      editZip: (entries) => {
        const pass = Buffer.from(entries['pass.json'] ?? []);
        pass[pass.indexOf('SERIAL-0001')] = 'X'.charCodeAt(0);
        entries['pass.json'] = new Uint8Array(pass);
      },
    });
    expect(errorCodesOf(report)).toEqual(['manifest_hash_mismatch']);
    expect(problemWith(report, 'manifest_hash_mismatch').file).toBe('pass.json');
  });

  test('a signature made over different bytes fails the message digest check', () => {
    const report = validate({ sign: { content: new TextEncoder().encode('{"pass.json":"0000"}') } });
    expect(errorCodesOf(report)).toEqual(['signature_digest_mismatch']);
  });

  test('a signature without signed attributes (-noattr) lacks signingTime', () => {
    const report = validate({ sign: { noAttributes: true } });
    expect(errorCodesOf(report)).toEqual(['signing_time_missing']);
  });

  test('a corrupted signature value does not verify', () => {
    const report = validate({
      editZip: (entries) => {
        const signature = Buffer.from(entries.signature ?? []);
        const last = signature.length - 1;
        signature[last] = (signature[last] ?? 0) ^ 0xff;
        entries.signature = new Uint8Array(signature);
      },
    });
    expect(errorCodesOf(report)).toEqual(['signature_invalid']);
  });

  test('a signature embedding its content is not detached', () => {
    expect(errorCodesOf(validate({ sign: { embedContent: true } }))).toEqual(['signature_not_detached']);
  });

  test('garbage instead of a signature is malformed', () => {
    const report = validate({ editZip: (entries) => (entries.signature = new TextEncoder().encode('not DER at all')) });
    expect(errorCodesOf(report)).toEqual(['signature_malformed']);
  });

  test('a ContentInfo that is not SignedData is reported as such', () => {
    const { asn1 } = forge;
    const contentInfo = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.7.1').getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, 'hello')]),
    ]);
    const report = validate({ editZip: (entries) => (entries.signature = derToBytes(contentInfo)) });
    expect(errorCodesOf(report)).toEqual(['signature_not_signed_data']);
  });

  test('a signature without the intermediate certificate is reported', () => {
    expect(errorCodesOf(validate({ sign: { omitChain: true } }))).toEqual(['intermediate_missing']);
  });

  test('a signature without the signer certificate is reported', () => {
    expect(errorCodesOf(validate({ sign: { omitSignerCertificate: true } }))).toEqual(['signer_certificate_missing']);
  });

  test('a SHA-512 digest is not accepted', () => {
    expect(errorCodesOf(validate({ sign: { digest: 'sha512' } }))).toEqual(['signature_digest_unsupported']);
  });

  test('a signer identified by subject key identifier is found and verified', () => {
    expect(validate({ sign: { subjectKeyId: true } }).problems).toEqual([]);
  });

  test('BER (non-minimal lengths) is a warning; the signature still verifies', () => {
    const report = validate({
      editZip: (entries) => {
        const der = Buffer.from(entries.signature ?? []);
        // 30 82 LL LL → 30 83 00 LL LL: the same length in a non-minimal long form.
        entries.signature = new Uint8Array(Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), der.subarray(2)]));
      },
    });
    expect(codesOf(report)).toEqual(['signature_not_der']);
    expect(report.ok).toBe(true);
  });
});

describe('the CMS structure openssl produces', () => {
  test('has the attributes Wallet needs, signingTime included', () => {
    const signedData = readContentInfo(signWithOpenssl(identity, new TextEncoder().encode('{}'))).read();
    const [signer] = signedData.signerInfos;
    expect(signedData.certificates).toHaveLength(2);
    expect(signedData.hasEmbeddedContent).toBe(false);
    expect(signedData.isCanonicalDer).toBe(true);
    expect(signer?.digestAlgorithm).toBe(OID.sha256);
    expect([...(signer?.signedAttrs?.values.keys() ?? [])]).toEqual(
      expect.arrayContaining([OID.contentType, OID.messageDigest, OID.signingTime]),
    );
    expect(signer?.signedAttrs?.signedBytes[0]).toBe(0x31);
  });
});

describe('certificate validity', () => {
  test('expired certificates are errors', () => {
    const report = validate({}, new Date('2100-01-01T00:00:00Z'));
    expect(errorCodesOf(report)).toEqual(['certificate_expired', 'certificate_expired']);
  });

  test('certificates not yet valid are errors', () => {
    const report = validate({}, new Date('2000-01-01T00:00:00Z'));
    expect(errorCodesOf(report)).toEqual(['certificate_not_yet_valid', 'certificate_not_yet_valid']);
  });

  test('an intermediate expiring within 90 days is a warning', () => {
    const caExpiry = new Date(new X509Certificate(identity.caPem).validTo);
    const report = validate({}, new Date(caExpiry.getTime() - 30 * DAY_MS));
    const warning = problemWith(report, 'wwdr_expiring_soon');
    expect(warning.severity).toBe('warning');
    expect(warning.message).toMatch(/in (29|30) days/);
  });
});

describe('signer certificate vs pass.json', () => {
  test('a pass type and team that differ from the certificate are errors naming both values', () => {
    const report = validate({
      editPass: (pass) => {
        pass.passTypeIdentifier = 'pass.other.identifier';
        pass.teamIdentifier = 'OTHERTEAM1';
      },
    });
    expect(errorCodesOf(report)).toEqual(['pass_type_id_mismatch', 'team_id_mismatch']);
    expect(problemWith(report, 'pass_type_id_mismatch').message).toContain(TEST_PASS_TYPE_ID);
    expect(problemWith(report, 'pass_type_id_mismatch').message).toContain('pass.other.identifier');
    expect(problemWith(report, 'team_id_mismatch').message).toContain(TEST_TEAM_ID);
    expect(problemWith(report, 'team_id_mismatch').message).toContain('OTHERTEAM1');
  });

  describe('with a certificate whose UID and OU differ from pass.json', () => {
    let other: TestIdentity;
    beforeAll(() => {
      other = createTestIdentity({
        signerSubject: `/UID=pass.test.other/CN=Pass Type ID: pass.test.other/OU=OTHERTEAM1/O=Passmint Test/C=US`,
      });
    });
    afterAll(() => removeTestIdentity(other));

    test('reports both mismatches', () => {
      const report = validatePkpass(buildPkpass(other), { trustedRoots: [other.caPem] });
      expect(errorCodesOf(report)).toEqual(['pass_type_id_mismatch', 'team_id_mismatch']);
      expect(problemWith(report, 'pass_type_id_mismatch').message).toContain('pass.test.other');
    });
  });

  describe('with a certificate that names no pass type', () => {
    let plain: TestIdentity;
    beforeAll(() => {
      plain = createTestIdentity({ signerSubject: `/CN=Passmint Code Signing/OU=${TEST_TEAM_ID}/C=US` });
    });
    afterAll(() => removeTestIdentity(plain));

    test('reports that the signer is not a Pass Type ID certificate', () => {
      const report = validatePkpass(buildPkpass(plain), { trustedRoots: [plain.caPem] });
      expect(errorCodesOf(report)).toEqual(['signer_not_pass_type_certificate']);
    });
  });

  describe('with an NFC certificate identified by its UID only', () => {
    let nfc: TestIdentity;
    beforeAll(() => {
      nfc = createTestIdentity({ signerSubject: `/UID=${TEST_PASS_TYPE_ID}/CN=Some Name/OU=${TEST_TEAM_ID}/C=US` });
    });
    afterAll(() => removeTestIdentity(nfc));

    test('accepts the UID match and warns that nfc needs an NFC certificate', () => {
      const report = validatePkpass(buildPkpass(nfc, { editPass: (pass) => (pass.nfc = { message: 'hi', encryptionPublicKey: 'AAAA' }) }), {
        trustedRoots: [nfc.caPem],
      });
      expect(codesOf(report)).toEqual(['nfc_certificate_required']);
      expect(report.ok).toBe(true);
    });
  });
});

describe('Apple WWDR generation', () => {
  const wwdrSubject = '/CN=Apple Worldwide Developer Relations Certification Authority/OU=G3/O=Apple Inc./C=US';
  let oldWwdr: TestIdentity;
  let g4Lookalike: TestIdentity;
  beforeAll(() => {
    oldWwdr = createTestIdentity({ caSubject: wwdrSubject, caSerial: '7DC0C5A5B7B8A1F2' });
    g4Lookalike = createTestIdentity({ caSubject: wwdrSubject.replace('G3', 'G4'), caSerial: APPLE_WWDR_G4_SERIAL });
  });
  afterAll(() => {
    removeTestIdentity(oldWwdr);
    removeTestIdentity(g4Lookalike);
  });

  test('an Apple WWDR intermediate other than G4 is an error', () => {
    const report = validatePkpass(buildPkpass(oldWwdr), { trustedRoots: [oldWwdr.caPem] });
    expect(errorCodesOf(report)).toEqual(['wwdr_not_g4']);
    expect(problemWith(report, 'wwdr_not_g4').message).toContain('G3');
  });

  test('the G4 serial is accepted', () => {
    expect(validatePkpass(buildPkpass(g4Lookalike), { trustedRoots: [g4Lookalike.caPem] }).problems).toEqual([]);
  });
});
