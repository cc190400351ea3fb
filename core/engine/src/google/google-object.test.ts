import { createVerify, generateKeyPairSync } from 'node:crypto';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { API_EXAMPLE_BODIES } from '../testing';
import { changeMessages, googleClassId, renderGoogleObject } from './google-object';
import { googleSaveUrl, MAX_SAVE_URL_LENGTH, SAVE_URL_PREFIX } from './save-link';

const ISSUER = '3388000000012345678';

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

const context = {
  issuerId: ISSUER,
  serialNumber: 'Serial_1-a.b',
  classId: googleClassId(ISSUER, 'ten_abc'),
  organizationName: 'Bayroast',
  imageUrls: { logo: 'https://passes.example/i/logo.png', strip: 'https://passes.example/i/strip.png' },
  issuedAt: new Date('2026-01-01T00:00:00Z'),
};

test('the API example maps to a generic object with the same content', () => {
  const { object, warnings } = renderGoogleObject(canonical(API_EXAMPLE_BODIES.create), context);
  expect(warnings).toEqual([]);
  expect(object).toEqual({
    id: `${ISSUER}.Serial_1-a.b`,
    classId: `${ISSUER}.passmint_ten_abc`,
    state: 'ACTIVE',
    cardTitle: { defaultValue: { language: 'en-US', value: 'Bayroast' } },
    header: { defaultValue: { language: 'en-US', value: 'Coffee Rewards' } },
    subheader: { defaultValue: { language: 'en-US', value: 'CARD' } },
    barcode: { type: 'QR_CODE', value: 'LOYALTY-98765', alternateText: 'LOYALTY-98765' },
    logo: {
      sourceUri: { uri: 'https://passes.example/i/logo.png' },
      contentDescription: { defaultValue: { language: 'en-US', value: 'Bayroast Coffee' } },
    },
    heroImage: {
      sourceUri: { uri: 'https://passes.example/i/strip.png' },
      contentDescription: { defaultValue: { language: 'en-US', value: 'Bayroast' } },
    },
    textModulesData: [{ id: 'header0', header: 'POINTS', body: '1,250' }],
  });
});

test.each([
  ['PDF417', 'PDF_417'],
  ['Aztec', 'AZTEC'],
  ['Code128', 'CODE_128'],
])('barcode %s → %s', (format, type) => {
  const { object } = renderGoogleObject(canonical({ barcodeValue: 'ABC-1', barcodeFormat: format }), context);
  expect(object.barcode).toMatchObject({ type, value: 'ABC-1' });
});

test('colour, locations, expiry and void carry over; more than 10 text fields are cut with a warning', () => {
  const body = {
    barcodeValue: 'X',
    barcodeFormat: 'QR',
    color: '#112233',
    expirationDays: 10,
    voided: true,
    locations: [{ latitude: 1, longitude: 2, relevantText: 'near' }],
    headerFields: [
      { label: 'A', value: '1', key: 'a.b' },
      { label: 'B', value: '2', key: 'a_b' },
    ],
    backFields: Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: `V${i}` })),
  };
  const { object, warnings } = renderGoogleObject(canonical(body), context);
  expect(object).toMatchObject({
    hexBackgroundColor: '#112233',
    state: 'INACTIVE',
    merchantLocations: [{ latitude: 1, longitude: 2 }],
    validTimeInterval: { end: { date: '2026-01-11T00:00:00.000Z' } },
  });
  const modules = object.textModulesData as { id: string }[];
  expect(modules).toHaveLength(10);
  expect(modules.slice(0, 2).map((module) => module.id)).toEqual(['a_b', 'a_b_2']);
  expect(warnings).toEqual([
    'Google Wallet shows at most 10 text fields; 4 were left out of the Google pass: backFields.8, backFields.9, backFields.10, backFields.11',
  ]);
});

test('the warning names the fields left out, whatever their group: a full front pushes an auxiliary field out', () => {
  const fields = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ label: `${prefix}${i}`, value: `${prefix}-${i}` }));
  const body = {
    barcodeValue: 'X',
    barcodeFormat: 'PDF417',
    headerFields: fields('H', 3),
    secondaryFields: fields('S', 4),
    auxiliaryFields: fields('A', 4),
    backFields: fields('B', 2),
  };
  const { object, warnings } = renderGoogleObject(canonical(body), context);
  const modules = object.textModulesData as { header: string }[];
  expect(modules.map((module) => module.header)).toEqual(['H0', 'H1', 'H2', 'S0', 'S1', 'S2', 'S3', 'A0', 'A1', 'A2']);
  expect(warnings).toEqual([
    'Google Wallet shows at most 10 text fields; 3 were left out of the Google pass: auxiliaryFields.3, backFields.0, backFields.1',
  ]);
});

test('change messages: one per changed field that has a changeMessage, with %@ replaced', () => {
  const before = canonical(API_EXAMPLE_BODIES.create);
  const after = canonical(API_EXAMPLE_BODIES.update);
  expect(changeMessages(before, after)).toEqual(['You hit 1,300 points. Free coffee unlocked!']);
  expect(changeMessages(after, after)).toEqual([]);
});

test('the save link is an RS256 JWT with the documented claims, short when it carries only ids', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const url = await googleSaveUrl(
    {
      issuer: 'passmint@example.iam.gserviceaccount.com',
      origins: ['https://passes.example'],
      payload: { genericObjects: [{ id: `${ISSUER}.${'s'.repeat(64)}`, classId: context.classId }] },
      issuedAt: new Date('2026-01-01T00:00:00Z'),
    },
    privateKey,
  );
  expect(url.startsWith(SAVE_URL_PREFIX)).toBe(true);
  expect(url.length).toBeLessThan(MAX_SAVE_URL_LENGTH);
  const [header, claims, signature] = url.slice(SAVE_URL_PREFIX.length).split('.') as [string, string, string];
  expect(createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
  expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
    iss: 'passmint@example.iam.gserviceaccount.com',
    aud: 'google',
    typ: 'savetowallet',
    iat: 1767225600,
    origins: ['https://passes.example'],
    payload: { genericObjects: [{ id: `${ISSUER}.${'s'.repeat(64)}`, classId: context.classId }] },
  });
});
