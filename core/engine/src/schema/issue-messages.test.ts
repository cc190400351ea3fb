import fc from 'fast-check';
import { parsePassInput, parsePassUpdate, type ParseResult } from './parse';

const base = { barcodeValue: 'ABC-123', barcodeFormat: 'QR' };
const field = (extra: object) => ({ label: 'L', value: 'V', ...extra });

function messagesOf(body: unknown, parse: (body: unknown) => ParseResult<unknown> = parsePassInput): Record<string, string> {
  const result = parse(body);
  if (result.ok) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [issue.path, issue.message]));
}

describe('every problem reads as a plain sentence after its path', () => {
  it('a missing required field is "is required", in the issue and in the error sentence', () => {
    const result = parsePassInput({ barcodeFormat: 'QR' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([{ path: 'barcodeValue', message: 'is required' }]);
    expect(result.error.message).toBe('Invalid pass body: barcodeValue is required.');
    expect(messagesOf({})).toEqual({ barcodeValue: 'is required', barcodeFormat: 'is required' });
    expect(messagesOf({ ...base, headerFields: [{ label: 'POINTS' }] })).toEqual({ 'headerFields.0.value': 'is required' });
    expect(messagesOf({ ...base, locations: [{ longitude: 1 }] })).toEqual({ 'locations.0.latitude': 'is required' });
  });

  it.each([
    [{ ...base, logoText: 42 }, 'logoText', 'must be a string, not a number'],
    [{ ...base, organizationName: null }, 'organizationName', 'must be a string, not null'],
    [{ ...base, title: [] }, 'title', 'must be a string, not an array'],
    [{ ...base, barcodeValue: { value: 'x' } }, 'barcodeValue', 'must be a string, not an object'],
    [{ ...base, sharingProhibited: 'no' }, 'sharingProhibited', 'must be true or false, not a string'],
    [{ ...base, voided: 1 }, 'voided', 'must be true or false, not a number'],
    [{ ...base, locations: 'here' }, 'locations', 'must be an array, not a string'],
    [{ ...base, locations: [null] }, 'locations.0', 'must be an object, not null'],
    [{ ...base, headerFields: [7] }, 'headerFields.0', 'must be an object, not a number'],
    [{ ...base, headerFields: [field({ key: 5 })] }, 'headerFields.0.key', 'must be a string, not a number'],
    [{ ...base, locations: [{ latitude: '40.7', longitude: 1 }] }, 'locations.0.latitude', 'must be a number, not a string'],
    [{ ...base, expirationDays: true }, 'expirationDays', 'must be a number, not true or false'],
  ])('wrong type: %j', (body, path, message) => {
    expect(messagesOf(body)[path]).toBe(message);
  });

  it.each([
    [{ ...base, expirationDays: 1.5 }, 'expirationDays', 'must be a whole number'],
    [{ ...base, expirationDays: 0 }, 'expirationDays', 'must be at least 1'],
    [{ ...base, expirationDays: 3651 }, 'expirationDays', 'must be at most 3650'],
    [{ ...base, locations: [{ latitude: 90.5, longitude: 0 }] }, 'locations.0.latitude', 'must be at most 90'],
    [{ ...base, locations: [{ latitude: 0, longitude: -181 }] }, 'locations.0.longitude', 'must be at least -180'],
    [{ ...base, locations: [{ latitude: 0, longitude: 0, altitude: 1e9 }] }, 'locations.0.altitude', 'must be at most 10000'],
    [{ ...base, headerFields: [field({ key: '' })] }, 'headerFields.0.key', 'must not be empty'],
    [{ ...base, headerFields: [field({ key: 'k'.repeat(65) })] }, 'headerFields.0.key', 'must be at most 64 characters'],
    [{ ...base, locations: Array.from({ length: 11 }, () => ({ latitude: 0, longitude: 0 })) }, 'locations', 'must have at most 10 items'],
    [{ ...base, colorPreset: 3 }, 'colorPreset', 'must be one of dark, blue, green, red, purple, orange'],
    [{ ...base, barcodeFormat: null }, 'barcodeFormat', 'must be one of QR, PDF417, Aztec, Code128'],
    [{ ...base, headerFields: [field({ value: true })] }, 'headerFields.0.value', 'must be a string or a number'],
    [{ ...base, logotext: 'x' }, 'logotext', 'is not a known field'],
  ])('out of range or not allowed: %j', (body, path, message) => {
    expect(messagesOf(body)[path]).toBe(message);
  });

  it('PUT words its problems the same way', () => {
    expect(messagesOf({ barcodeValue: 5, barcodeFormat: 'QR' }, parsePassUpdate)).toEqual({
      barcodeValue: 'must be a string, not a number',
    });
  });

  it("never passes zod's own wording through, whatever the body holds", () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.object({ maxDepth: 1 }),
    );
    const names = fc.constantFrom(
      'barcodeValue',
      'barcodeFormat',
      'logoText',
      'organizationName',
      'headerFields',
      'backFields',
      'locations',
      'sharingProhibited',
      'colorPreset',
      'color',
      'logoURL',
      'expirationDays',
      'voided',
      'relevantDate',
      'title',
    );
    const nested = fc.record(
      { key: anyValue, label: anyValue, value: anyValue, latitude: anyValue, longitude: anyValue, altitude: anyValue },
      { requiredKeys: [] },
    );
    const body = fc.dictionary(names, fc.oneof(anyValue, fc.array(nested, { maxLength: 2 })), { maxKeys: 6 });
    fc.assert(
      fc.property(body, (candidate) => {
        for (const message of Object.values(messagesOf(candidate))) {
          expect(message).toMatch(/^[a-z]/);
          expect(message).not.toMatch(/invalid input|expected|received|too (small|big)|>=|<=/i);
        }
      }),
    );
  });
});
