import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { createDevIdentity, createPassBuilder, loadSigningIdentity } from './apple';
import { opensslVerifyPass } from './testing/openssl-verify';
import { InvalidInputError } from './errors';
import { normalisePassInput } from './normalise';
import { COLOR_PRESETS, LIMITS, parsePassInput, parsePassUpdate, type ParseResult } from './schema';
import { CONTROL_CHARACTERS } from './schema/text';
import { API_EXAMPLE_BODIES, pngDataUri, testIdentity } from './testing';
import { validatePkpass } from './validator';

const { identity, pems } = testIdentity();
const { build: buildPass } = createPassBuilder(identity);
const trustedRoots = [pems.caCertificatePem];
const context = { organizationName: 'Property Co', issuedAt: new Date('2026-11-27T10:00:00Z') };

function issue(body: unknown, serialNumber = 'ROUNDTRIP-1') {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw new Error(`schema refused a generated body: ${JSON.stringify(parsed.error.issues)}`);
  return buildPass(normalisePassInput(parsed.value), { ...context, serialNumber });
}

// Text the schema accepts: whole graphemes (no lone surrogates), no control characters.
const text = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', maxLength: Math.min(maxLength, 40) })
    .filter((value) => !CONTROL_CHARACTERS.test(value) && [...value].length <= maxLength);
const nonBlank = (maxLength: number) => text(maxLength).filter((value) => value.trim().length > 0);

const images = {
  icon: pngDataUri(58, 58, [10, 120, 200, 255]),
  logo: pngDataUri(320, 100, [240, 240, 240, 0]),
  strip: pngDataUri(750, 246, [200, 60, 20, 255]),
  thumbnail: pngDataUri(180, 180, [20, 20, 20, 255]),
};

const field = (valueMax: number) =>
  fc.record(
    { label: text(LIMITS.fieldLabel), value: fc.oneof(text(valueMax), fc.integer()), changeMessage: text(LIMITS.changeMessage) },
    { requiredKeys: ['value'] },
  );
// Some fields carry the caller's own key, unique by construction: either its own name, or the name
// the next field of the row would be given (`header1` at position 0), which forces a renaming.
const fields = (group: string, max: number, valueMax: number = LIMITS.fieldValue) =>
  fc.array(fc.tuple(field(valueMax), fc.constantFrom('none', 'own', 'clashing')), { maxLength: max }).map((items) =>
    items.map(([item, keyKind], index) => {
      if (keyKind === 'none') return item;
      return { ...item, key: keyKind === 'own' ? `${group}.own-${index}` : `${group}${index + 1}` };
    }),
  );

const barcode = fc.oneof(
  fc.record({ barcodeFormat: fc.constantFrom('QR', 'PDF417', 'Aztec'), barcodeValue: nonBlank(LIMITS.barcodeValue) }),
  fc.record({
    barcodeFormat: fc.constant('Code128'),
    barcodeValue: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
      minLength: 1,
      maxLength: LIMITS.barcodeValueCode128,
    }),
  }),
);

const location = fc.record(
  {
    latitude: fc.double({ min: -90, max: 90, noNaN: true }),
    longitude: fc.double({ min: -180, max: 180, noNaN: true }),
    altitude: fc.double({ min: LIMITS.altitudeMin, max: LIMITS.altitudeMax, noNaN: true }),
    relevantText: text(LIMITS.relevantText),
  },
  { requiredKeys: ['latitude', 'longitude'] },
);

const validBody = fc
  .tuple(
    barcode,
    fc.record(
      {
        logoText: text(LIMITS.logoText),
        description: text(LIMITS.description),
        organizationName: text(LIMITS.organizationName),
        headerFields: fields('header', LIMITS.headerFields),
        primaryFields: fields('primary', LIMITS.primaryFields),
        secondaryFields: fields('secondary', LIMITS.secondaryFields),
        auxiliaryFields: fields('auxiliary', LIMITS.auxiliaryFields),
        backFields: fields('back', LIMITS.backFields, LIMITS.backFieldValue),
        locations: fc.array(location, { maxLength: LIMITS.locations }),
        sharingProhibited: fc.boolean(),
        colorPreset: fc.constantFrom(...COLOR_PRESETS),
        color: fc.integer({ min: 0, max: 0xffffff }).map((value) => `#${value.toString(16).padStart(6, '0')}`),
        logoURL: fc.constant(images.logo),
        iconURL: fc.constant(images.icon),
        stripURL: fc.constant(images.strip),
        thumbnailURL: fc.constant(images.thumbnail),
        title: text(LIMITS.legacyText),
        cardLabel: text(LIMITS.fieldLabel),
        label: text(LIMITS.fieldLabel),
        value: text(LIMITS.legacyText),
        expirationDays: fc.integer({ min: LIMITS.expirationDaysMin, max: LIMITS.expirationDaysMax }),
        voided: fc.boolean(),
        relevantDate: fc
          .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
          .map((date) => date.toISOString()),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([pair, rest]) => ({ ...rest, ...pair }));

describe('property: every body the schema accepts becomes a valid, verifiable pass', () => {
  it('passes the validator without errors', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        const pass = issue(body);
        const report = validatePkpass(pass.pkpass, { trustedRoots });
        const errors = report.problems.filter((problem) => problem.severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('is accepted by openssl cms -verify', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        expect(opensslVerifyPass(issue(body).pkpass, pems.caCertificatePem)).toMatchObject({ ok: true });
      }),
      { numRuns: 25 },
    );
  });
});

describe('property: random JSON validates or yields a 400-shaped error, never another throw', () => {
  const isFourHundredShaped = (result: ParseResult<unknown>) => {
    if (result.ok) return true;
    const { error } = result;
    return (
      error instanceof InvalidInputError &&
      error.code === 'invalid_body' &&
      typeof error.message === 'string' &&
      error.issues.length > 0 &&
      error.issues.every((issue) => typeof issue.path === 'string' && typeof issue.message === 'string' && issue.message.length > 0)
    );
  };

  it('for arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isFourHundredShaped(parsePassInput(value))).toBe(true);
        expect(isFourHundredShaped(parsePassUpdate(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('for valid bodies with one key replaced by random JSON', () => {
    const keys = [
      'barcodeValue',
      'barcodeFormat',
      'logoText',
      'headerFields',
      'primaryFields',
      'locations',
      'color',
      'expirationDays',
      'logoURL',
      'relevantDate',
    ];
    fc.assert(
      fc.property(validBody, fc.constantFrom(...keys, 'unknownKey'), fc.jsonValue(), (body, key, value) => {
        const result = parsePassInput({ ...body, [key]: value });
        expect(isFourHundredShaped(result)).toBe(true);
        if (result.ok) expect(() => normalisePassInput(result.value)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('tampering is caught by the validator', () => {
  const pass = issue(API_EXAMPLE_BODIES.create);
  const files = unzipSync(pass.pkpass);
  const codes = (bytes: Uint8Array) =>
    validatePkpass(bytes, { trustedRoots })
      .problems.filter((p) => p.severity === 'error')
      .map((p) => p.code);

  it('accepts the untouched pass', () => {
    expect(codes(pass.pkpass)).toEqual([]);
  });

  it('catches one changed byte in pass.json', () => {
    const passJson = Buffer.from(files['pass.json']!);
    const at = passJson.indexOf('1,250');
    passJson[at] = '9'.charCodeAt(0);
    expect(codes(zipSync({ ...files, 'pass.json': passJson }, { level: 0 }))).toContain('manifest_hash_mismatch');
  });

  it('catches a changed pass.json whose manifest was re-hashed but not re-signed', () => {
    const passJson = Buffer.from(Buffer.from(files['pass.json']!).toString().replace('1,250', '9,250'));
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString()) as Record<string, string>;
    manifest['pass.json'] = createHash('sha1').update(passJson).digest('hex');
    const tampered = zipSync({ ...files, 'pass.json': passJson, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }, { level: 0 });
    expect(codes(tampered).join(' ')).toMatch(/signature_/);
  });

  it('catches a file added to the zip', () => {
    expect(codes(zipSync({ ...files, 'extra.png': files['icon.png']! }, { level: 0 }))).toContain('file_not_in_manifest');
  });

  it('catches a missing image and a swapped image', () => {
    const { 'logo.png': _logo, ...withoutLogo } = files;
    expect(codes(zipSync(withoutLogo, { level: 0 }))).toContain('manifest_file_missing');
    expect(codes(zipSync({ ...files, 'logo.png': files['icon.png']! }, { level: 0 }))).toContain('manifest_hash_mismatch');
  });

  it('catches a pass signed by another identity', () => {
    const stranger = createPassBuilder(testIdentityFromElsewhere()).build(
      normalisePassInput(parsePassInputOrThrow(API_EXAMPLE_BODIES.create)),
      { ...context, serialNumber: 'X' },
    );
    expect(codes(stranger.pkpass)).toContain('chain_untrusted');
  });
});

function parsePassInputOrThrow(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function testIdentityFromElsewhere() {
  const other = createDevIdentity({ passTypeIdentifier: 'pass.test.passmint', teamIdentifier: 'TEAMTEST01' });
  return loadSigningIdentity({ certificatePem: other.certificatePem, privateKeyPem: other.privateKeyPem, wwdrPem: other.caCertificatePem });
}
