import fc from 'fast-check';
import { passBodyJsonSchemas } from './json-schema';
import { LIMITS } from './limits';
import { parsePassInput } from './parse';
import { characterCount } from './text';

const base = { barcodeValue: 'ABC-123', barcodeFormat: 'QR' };

/** Every text field of the pass body, as a body holding `value` there and the path an issue names. */
const TEXT_FIELDS: { path: string; body: (value: string) => object }[] = [
  ...['barcodeValue', 'barcodeAltText', 'logoText', 'description', 'organizationName', 'title', 'cardLabel', 'label', 'value'].map(
    (name) => ({
      path: name,
      body: (value: string) => ({ ...base, [name]: value }),
    }),
  ),
  ...['label', 'value', 'changeMessage'].map((name) => ({
    path: `backFields.0.${name}`,
    body: (value: string) => ({ ...base, backFields: [{ label: 'L', value: 'V', [name]: value }] }),
  })),
  {
    path: 'locations.0.relevantText',
    body: (value: string) => ({ ...base, locations: [{ latitude: 1, longitude: 2, relevantText: value }] }),
  },
];

const BIDI_CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

function issuesAt(body: object, path: string): string[] {
  const result = parsePassInput(body);
  return result.ok ? [] : result.error.issues.filter((issue) => issue.path === path).map((issue) => issue.message);
}

describe('bidirectional controls', () => {
  it('refuses every embedding, override and isolate character in every text field, wherever it sits', () => {
    const field = fc.constantFrom(...TEXT_FIELDS);
    const control = fc.constantFrom(...BIDI_CONTROLS);
    const around = fc.string({ unit: 'grapheme', maxLength: 8 });
    fc.assert(
      fc.property(field, control, around, around, (target, char, before, after) => {
        const messages = issuesAt(target.body(`x${before}${char}${after}`), target.path);
        expect(messages).toContain('contains a bidirectional override or isolate character (U+202A–U+202E, U+2066–U+2069)');
      }),
    );
  });

  it.each([
    ['the zero-width joiner of a family emoji', '👨\u200D👩\u200D👧'],
    ['a variation selector', '\u2764\uFE0F'],
    ['a skin tone', '👍🏽'],
    ['the left-to-right mark', 'Order \u200E#1001'],
    ['the right-to-left mark', 'קפה\u200F 42'],
    ['the Arabic letter mark', 'مقهى\u061C 7'],
  ])('keeps %s', (_name, value) => {
    for (const target of TEXT_FIELDS) expect(issuesAt(target.body(value), target.path)).toEqual([]);
  });
});

// docs/api.md, "Limits of the pass body": lengths count Unicode code points; most emoji are one, a flag
// is two, and a joined emoji counts each part and joiner (👨‍👩‍👧 is five, 👍🏽 two).
describe('lengths count Unicode code points, as documented', () => {
  it.each([
    ['Café', 4],
    ['e\u0301', 2],
    ['🎉', 1],
    ['🇫🇷', 2],
    ['👍🏽', 2],
    ['👨\u200D👩\u200D👧', 5],
  ])('%s counts %i', (value, count) => {
    expect(characterCount(value)).toBe(count);
  });

  it('takes 64 party emoji as an organizationName, 32 flags but not 33, and 12 families but not 13', () => {
    expect(issuesAt({ ...base, organizationName: '🎉'.repeat(64) }, 'organizationName')).toEqual([]);
    expect(issuesAt({ ...base, organizationName: '🇫🇷'.repeat(32) }, 'organizationName')).toEqual([]);
    expect(issuesAt({ ...base, organizationName: '🇫🇷'.repeat(33) }, 'organizationName')).toEqual(['must be at most 64 characters']);
    const family = '👨\u200D👩\u200D👧';
    expect(issuesAt({ ...base, organizationName: family.repeat(12) }, 'organizationName')).toEqual([]);
    expect(issuesAt({ ...base, organizationName: family.repeat(13) }, 'organizationName')).toEqual(['must be at most 64 characters']);
  });

  it('accepts a string exactly when its code points fit the limit, for any text', () => {
    const printable = fc
      .string({ unit: 'grapheme', maxLength: LIMITS.organizationName + 8 })
      .filter((value) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(value));
    fc.assert(
      fc.property(printable, (organizationName) => {
        const fits = [...organizationName].length <= LIMITS.organizationName;
        expect(issuesAt({ ...base, organizationName }, 'organizationName').length === 0).toBe(fits);
      }),
    );
  });

  it('publishes the same limits as JSON Schema maxLength, which counts code points too', () => {
    const schema = passBodyJsonSchemas().create as { $defs: Record<string, { properties: Record<string, { maxLength?: number }> }> };
    const body = schema.$defs.PassInput!.properties;
    expect(body.organizationName!.maxLength).toBe(LIMITS.organizationName);
    expect(body.logoText!.maxLength).toBe(LIMITS.logoText);
    expect(schema.$defs.PassLocation!.properties.relevantText!.maxLength).toBe(LIMITS.relevantText);
  });
});
