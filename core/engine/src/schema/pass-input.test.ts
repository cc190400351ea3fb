import { pngDataUri } from '../testing';
import { LIMITS } from './limits';
import { parsePassInput, parsePassUpdate, type ParseResult } from './parse';

const base = { barcodeValue: 'ABC-123', barcodeFormat: 'QR' };

type Parse = (body: unknown) => ParseResult<unknown>;

function issuesOf(body: unknown, parse: Parse = parsePassInput) {
  const result = parse(body);
  if (result.ok) return [];
  return result.error.issues;
}

function expectAccepted(body: unknown, parse: Parse = parsePassInput) {
  const result = parse(body);
  if (!result.ok) throw new Error(`expected acceptance, got ${JSON.stringify(result.error.issues)}`);
  return result.value;
}

function expectRejected(body: unknown, path: string, message?: RegExp, parse: Parse = parsePassInput) {
  const issues = issuesOf(body, parse);
  expect(issues.map((issue) => issue.path)).toContain(path);
  if (message) expect(issues.find((issue) => issue.path === path)?.message).toMatch(message);
}

const field = (value: unknown, extra: object = {}) => ({ label: 'L', value, ...extra });
const repeat = (text: string, count: number) => text.repeat(count);

describe('barcode pair', () => {
  it('requires barcodeValue and barcodeFormat on create', () => {
    expectRejected({ barcodeFormat: 'QR' }, 'barcodeValue');
    expectRejected({ barcodeValue: 'x' }, 'barcodeFormat');
  });

  it.each(['QR', 'PDF417', 'Aztec', 'Code128'])('accepts the %s format', (barcodeFormat) => {
    expectAccepted({ barcodeValue: 'ABC', barcodeFormat });
  });

  it.each(['qr', 'EAN13', '', 'Code39'])('rejects the format %p with the list of formats', (barcodeFormat) => {
    expectRejected({ barcodeValue: 'ABC', barcodeFormat }, 'barcodeFormat', /QR, PDF417, Aztec, Code128/);
  });

  it('rejects an empty or blank barcode value', () => {
    expectRejected({ ...base, barcodeValue: '' }, 'barcodeValue', /empty/);
    expectRejected({ ...base, barcodeValue: '   ' }, 'barcodeValue', /empty/);
  });

  it('bounds the barcode value', () => {
    expectAccepted({ ...base, barcodeValue: repeat('a', LIMITS.barcodeValue) });
    expectRejected({ ...base, barcodeValue: repeat('a', LIMITS.barcodeValue + 1) }, 'barcodeValue', /at most 2048/);
  });

  it('holds Code128 to printable ASCII of bounded length', () => {
    expectAccepted({ barcodeFormat: 'Code128', barcodeValue: repeat('7', LIMITS.barcodeValueCode128) });
    expectRejected({ barcodeFormat: 'Code128', barcodeValue: repeat('7', LIMITS.barcodeValueCode128 + 1) }, 'barcodeValue', /Code128/);
    expectRejected({ barcodeFormat: 'Code128', barcodeValue: 'café' }, 'barcodeValue', /ASCII/);
  });

  it('lets a PUT leave out the pair, but only together', () => {
    expectAccepted({ headerFields: [field('1,300')] }, parsePassUpdate);
    expectRejected({ barcodeValue: 'x' }, 'barcodeFormat', /required/, parsePassUpdate);
    expectRejected({ barcodeFormat: 'QR' }, 'barcodeValue', /required/, parsePassUpdate);
  });
});

describe('text fields', () => {
  it('accepts emoji, right-to-left text and quotes', () => {
    const value = expectAccepted({
      ...base,
      logoText: 'Café 🎉 "quoted" \'single\'',
      description: 'مقهى الخليج — קפה',
      primaryFields: [field('👨‍👩‍👧 family pass')],
    });
    expect(value).toMatchObject({ description: 'مقهى الخليج — קפה' });
  });

  it('accepts a 64-character organizationName and rejects 65', () => {
    expectAccepted({ ...base, organizationName: repeat('o', 64) });
    expectRejected({ ...base, organizationName: repeat('o', 65) }, 'organizationName', /at most 64/);
  });

  it('counts an emoji as one character', () => {
    expectAccepted({ ...base, organizationName: repeat('🎉', 64) });
    expectRejected({ ...base, organizationName: repeat('🎉', 65) }, 'organizationName');
  });

  it('rejects lone surrogates wherever text goes', () => {
    expectRejected({ ...base, logoText: 'bad \uD800 text' }, 'logoText', /surrogate/);
    expectRejected({ ...base, primaryFields: [field('x\uDC00')] }, 'primaryFields.0.value', /surrogate/);
    expectRejected({ ...base, barcodeValue: '\uD83D' }, 'barcodeValue', /surrogate/);
  });

  it('rejects control characters but keeps line breaks and tabs', () => {
    expectRejected({ ...base, logoText: 'a\u0000b' }, 'logoText', /control/);
    expectAccepted({ ...base, backFields: [field('line one\nline two\tand a tab\r\n')] });
  });

  it.each([
    ['logoText', LIMITS.logoText],
    ['description', LIMITS.description],
    ['title', LIMITS.legacyText],
    ['cardLabel', LIMITS.fieldLabel],
    ['label', LIMITS.fieldLabel],
    ['value', LIMITS.legacyText],
  ])('bounds %s at %i characters', (name, max) => {
    expectAccepted({ ...base, [name]: repeat('x', max) });
    expectRejected({ ...base, [name]: repeat('x', max + 1) }, name, new RegExp(`at most ${max}`));
  });

  it('rejects non-string text', () => {
    expectRejected({ ...base, logoText: 42 }, 'logoText');
    expectRejected({ ...base, organizationName: null }, 'organizationName');
  });
});

describe('field rows', () => {
  it.each([
    ['headerFields', LIMITS.headerFields],
    ['primaryFields', LIMITS.primaryFields],
    ['secondaryFields', LIMITS.secondaryFields],
    ['auxiliaryFields', LIMITS.auxiliaryFields],
    ['backFields', LIMITS.backFields],
  ])('accepts up to the %s limit (%i) and rejects one more', (group, max) => {
    const fields = (count: number) => Array.from({ length: count }, (_, i) => field(`v${i}`));
    expectAccepted({ ...base, [group]: fields(max) });
    expectRejected({ ...base, [group]: fields(max + 1) }, group, new RegExp(`at most ${max}`));
  });

  it('accepts a field without a label and a numeric value', () => {
    expectAccepted({ ...base, headerFields: [{ value: 1250 }] });
  });

  it('requires a value', () => {
    expectRejected({ ...base, headerFields: [{ label: 'POINTS' }] }, 'headerFields.0.value');
  });

  it('rejects unknown keys inside a field', () => {
    expectRejected(
      { ...base, headerFields: [{ label: 'a', value: 'b', textAlignment: 'left' }] },
      'headerFields.0.textAlignment',
      /not a known field/,
    );
  });

  it('bounds label, value and changeMessage lengths', () => {
    expectRejected({ ...base, headerFields: [field('v', { label: repeat('l', LIMITS.fieldLabel + 1) })] }, 'headerFields.0.label');
    expectRejected({ ...base, headerFields: [field(repeat('v', LIMITS.fieldValue + 1))] }, 'headerFields.0.value', /at most 512/);
    expectAccepted({ ...base, backFields: [field(repeat('v', LIMITS.backFieldValue))] });
    expectRejected({ ...base, backFields: [field(repeat('v', LIMITS.backFieldValue + 1))] }, 'backFields.0.value');
    expectRejected(
      { ...base, headerFields: [field('v', { changeMessage: repeat('m', LIMITS.changeMessage + 1) })] },
      'headerFields.0.changeMessage',
    );
  });

  it('takes keys of letters, digits, dot, dash and underscore, unique across the pass', () => {
    expectAccepted({ ...base, headerFields: [field('1', { key: 'points.v2_x-y' })] });
    expectRejected({ ...base, headerFields: [field('1', { key: 'has space' })] }, 'headerFields.0.key');
    expectRejected({ ...base, headerFields: [field('1', { key: '' })] }, 'headerFields.0.key');
    expectRejected({ ...base, headerFields: [field('1', { key: repeat('k', LIMITS.fieldKey + 1) })] }, 'headerFields.0.key');
    expectRejected(
      { ...base, headerFields: [field('1', { key: 'points' })], backFields: [field('2', { key: 'points' })] },
      'backFields.0.key',
      /headerFields\.0/,
    );
  });

  it('rejects a field list that is not an array', () => {
    expectRejected({ ...base, headerFields: { label: 'a', value: 'b' } }, 'headerFields');
  });
});

describe('locations', () => {
  const location = (latitude: number, longitude: number, extra: object = {}) => ({ latitude, longitude, ...extra });

  it('accepts exactly 10 locations and rejects 11', () => {
    expectAccepted({ ...base, locations: Array.from({ length: 10 }, (_, i) => location(i, i)) });
    expectRejected({ ...base, locations: Array.from({ length: 11 }, (_, i) => location(i, i)) }, 'locations', /at most 10/);
  });

  it('accepts the coordinate bounds and rejects beyond them', () => {
    expectAccepted({ ...base, locations: [location(-90, -180), location(90, 180), location(0, 0, { altitude: 8848 })] });
    expectRejected({ ...base, locations: [location(90.0001, 0)] }, 'locations.0.latitude');
    expectRejected({ ...base, locations: [location(-91, 0)] }, 'locations.0.latitude');
    expectRejected({ ...base, locations: [location(0, 180.5)] }, 'locations.0.longitude');
    expectRejected({ ...base, locations: [location(0, -181)] }, 'locations.0.longitude');
    expectRejected({ ...base, locations: [location(0, 0, { altitude: 1e9 })] }, 'locations.0.altitude');
  });

  it('requires numbers and rejects unknown keys', () => {
    expectRejected({ ...base, locations: [{ latitude: '40.7', longitude: 1 }] }, 'locations.0.latitude');
    expectRejected({ ...base, locations: [{ longitude: 1 }] }, 'locations.0.latitude');
    expectRejected({ ...base, locations: [location(1, 1, { radius: 5 })] }, 'locations.0.radius');
  });

  it('bounds relevantText', () => {
    expectAccepted({ ...base, locations: [location(1, 1, { relevantText: repeat('r', LIMITS.relevantText) })] });
    expectRejected(
      { ...base, locations: [location(1, 1, { relevantText: repeat('r', LIMITS.relevantText + 1) })] },
      'locations.0.relevantText',
    );
  });
});

describe('colours', () => {
  it.each(['dark', 'blue', 'green', 'red', 'purple', 'orange'])('accepts the %s preset', (colorPreset) => {
    expectAccepted({ ...base, colorPreset });
  });

  it('rejects an unknown preset', () => {
    expectRejected({ ...base, colorPreset: 'pink' }, 'colorPreset', /dark, blue/);
  });

  it('accepts #RRGGBB in either case and rejects other forms', () => {
    expectAccepted({ ...base, color: '#1a2B3c' });
    for (const color of ['1A2B3C', '#123', '#12345G', 'rgb(1,2,3)', '#1234567']) expectRejected({ ...base, color }, 'color', /hex/);
  });
});

describe('images', () => {
  it.each(['logoURL', 'thumbnailURL', 'stripURL', 'iconURL'])('%s takes an HTTPS URL or a PNG data URI', (name) => {
    expectAccepted({ ...base, [name]: 'https://cdn.example.com/logo.png' });
    expectAccepted({ ...base, [name]: pngDataUri(10, 10) });
    expectRejected({ ...base, [name]: 'http://cdn.example.com/logo.png' }, name, /https/);
    expectRejected({ ...base, [name]: 'not a url' }, name);
    expectRejected({ ...base, [name]: 'https://user:secret@example.com/a.png' }, name, /credentials/);
    expectRejected({ ...base, [name]: 'data:image/jpeg;base64,/9j/4AAQ' }, name, /png/i);
  });

  it('checks what a data URI holds', () => {
    expectRejected({ ...base, logoURL: 'data:image/png;base64,not*base64' }, 'logoURL', /base64/);
    expectRejected(
      { ...base, logoURL: `data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}` },
      'logoURL',
      /not a PNG/,
    );
    expectRejected({ ...base, logoURL: pngDataUri(LIMITS.imageDimension + 1, 1) }, 'logoURL', /4096/);
  });

  it('rejects a data URI over 1 MiB and an over-long URL', () => {
    const huge = `data:image/png;base64,${'A'.repeat(Math.ceil((LIMITS.imageBytes + 3) / 3) * 4)}`;
    expectRejected({ ...base, logoURL: huge }, 'logoURL', /larger than 1 MiB/);
    expectRejected({ ...base, logoURL: `https://example.com/${'a'.repeat(LIMITS.imageUrl)}` }, 'logoURL', /2048/);
  });
});

describe('expiry, dates and flags', () => {
  it('accepts expirationDays 1 and 3650 and rejects 0, 3651 and fractions', () => {
    expectAccepted({ ...base, expirationDays: 1 });
    expectAccepted({ ...base, expirationDays: 3650 });
    for (const expirationDays of [0, 3651, 1.5, -1, '30']) expectRejected({ ...base, expirationDays }, 'expirationDays');
  });

  it('takes relevantDate as an ISO date-time with a zone', () => {
    expectAccepted({ ...base, relevantDate: '2026-12-31T20:00Z' });
    expectAccepted({ ...base, relevantDate: '2026-12-31T20:00:00.123+05:30' });
    for (const relevantDate of ['2026-12-31', '2026-12-31T20:00:00', '2026-02-30T10:00Z', '2026-12-31T24:00Z', 'tomorrow']) {
      expectRejected({ ...base, relevantDate }, 'relevantDate', /ISO-8601/);
    }
  });

  it('takes booleans only for sharingProhibited and voided', () => {
    expectAccepted({ ...base, sharingProhibited: false, voided: true });
    expectRejected({ ...base, sharingProhibited: 'false' }, 'sharingProhibited');
    expectRejected({ ...base, voided: 1 }, 'voided');
  });
});

describe('the body as a whole', () => {
  it('rejects unknown fields by name, so a typo never drops data silently', () => {
    expectRejected({ ...base, logotext: 'x' }, 'logotext', /not a known field/);
  });

  it.each([null, [], 'text', 42, true])('rejects %p as a body', (body) => {
    expect(issuesOf(body)).toEqual([{ path: '', message: 'must be a JSON object' }]);
  });

  it('reports every problem with its path, and a summary sentence', () => {
    const result = parsePassInput({ barcodeFormat: 'EAN', locations: [{ latitude: 100, longitude: 0 }], extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_body');
    expect(result.error.issues.map((issue) => issue.path).sort()).toEqual([
      'barcodeFormat',
      'barcodeValue',
      'extra',
      'locations.0.latitude',
    ]);
    expect(result.error.message).toMatch(/^Invalid pass body: .+ \(and 3 more problems\)\.$/);
  });

  it('accepts the legacy fields', () => {
    expectAccepted({ ...base, title: 'Gold member', cardLabel: 'TIER', label: 'Since', value: '2019' });
  });
});
