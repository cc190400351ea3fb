import { parsePassInput, parsePassUpdate } from '../schema';
import { API_EXAMPLE_BODIES } from '../testing';
import { canonicalHash, normalisePassInput, stableStringify } from './normalise';

function canonical(body: unknown, parse: typeof parsePassUpdate = parsePassInput) {
  const parsed = parse(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

const base = { barcodeValue: 'ABC', barcodeFormat: 'QR' };

describe('normalisePassInput', () => {
  it('applies the defaults', () => {
    expect(canonical(base)).toEqual({
      barcode: { format: 'QR', value: 'ABC', altText: 'ABC' },
      fields: { headerFields: [], primaryFields: [], secondaryFields: [], auxiliaryFields: [], backFields: [] },
      locations: [],
      sharingProhibited: true,
      images: {},
      voided: false,
    });
  });

  it('folds title and cardLabel into the first primary field and the logo text', () => {
    const pass = canonical({ ...base, title: 'Gold member' });
    expect(pass.fields.primaryFields).toEqual([{ key: 'primary0', label: 'CARD', value: 'Gold member' }]);
    expect(pass.logoText).toBe('Gold member');
    expect(canonical({ ...base, title: 'Gold', cardLabel: 'TIER', logoText: 'Shop' })).toMatchObject({
      logoText: 'Shop',
      fields: { primaryFields: [{ label: 'TIER', value: 'Gold' }] },
    });
  });

  it('lets legacy fields override the first field of their row but keep its key', () => {
    const pass = canonical({ ...base, primaryFields: [{ key: 'tier', label: 'OLD', value: 'old' }], title: 'new' });
    expect(pass.fields.primaryFields).toEqual([{ key: 'tier', label: 'OLD', value: 'new' }]);
  });

  it('folds label and value into the first secondary field', () => {
    expect(canonical({ ...base, label: 'Since', value: '2019' }).fields.secondaryFields).toEqual([
      { key: 'secondary0', label: 'Since', value: '2019' },
    ]);
  });

  it('keys every field uniquely without touching the caller’s keys', () => {
    const pass = canonical({
      ...base,
      headerFields: [{ value: 'a' }, { key: 'primary0', value: 'b' }],
      primaryFields: [{ value: 'c' }],
    });
    expect(pass.fields.headerFields.map((field) => field.key)).toEqual(['header0', 'primary0']);
    expect(pass.fields.primaryFields.map((field) => field.key)).toEqual(['primary0_2']);
  });

  it('turns numeric values into strings and resolves colours', () => {
    const pass = canonical({ ...base, headerFields: [{ value: 1250 }], colorPreset: 'blue' });
    expect(pass.fields.headerFields[0]?.value).toBe('1250');
    expect(pass.backgroundColor).toBe('#1d4ed8');
    expect(canonical({ ...base, colorPreset: 'blue', color: '#ABCDEF' }).backgroundColor).toBe('#abcdef');
  });

  it('leaves long barcode values without alt text unless given', () => {
    const long = 'x'.repeat(40);
    expect(canonical({ ...base, barcodeValue: long }).barcode).toEqual({ format: 'QR', value: long });
    expect(canonical({ ...base, barcodeAltText: 'Member 7' }).barcode?.altText).toBe('Member 7');
  });

  it('keeps a PUT without barcode as a pass without barcode', () => {
    expect(canonical({ headerFields: [{ label: 'P', value: '1' }] }, parsePassUpdate).barcode).toBeNull();
  });

  it('normalises relevantDate to UTC', () => {
    expect(canonical({ ...base, relevantDate: '2026-12-31T20:00+02:00' }).relevantDate).toBe('2026-12-31T18:00:00.000Z');
  });
});

describe('canonicalHash', () => {
  it('is equal for bodies that mean the same pass', () => {
    const a = canonical({ ...base, sharingProhibited: true, colorPreset: 'dark', headerFields: [{ label: 'P', value: '1' }] });
    const b = canonical({
      headerFields: [{ value: '1', label: 'P', key: 'header0' }],
      color: '#1C1C1E',
      barcodeFormat: 'QR',
      barcodeValue: 'ABC',
    });
    expect(canonicalHash(a)).toBe(canonicalHash(b));
  });

  it('differs when anything shown on the pass changes', () => {
    const original = canonicalHash(canonical(API_EXAMPLE_BODIES.create));
    expect(canonicalHash(canonical(API_EXAMPLE_BODIES.update))).not.toBe(original);
    expect(canonicalHash(canonical({ ...API_EXAMPLE_BODIES.create, voided: true }))).not.toBe(original);
  });

  it('is a 64-hex-digit SHA-256', () => {
    expect(canonicalHash(canonical(base))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('stableStringify', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":0,"z":1}]},"b":1}',
    );
  });

  it('is JSON.stringify of the same value with its keys sorted, escapes and all', () => {
    const value = {
      é: 'caf\u00e9 "quoted" \\ \n',
      Z: [true, false, 1.5e-7, -0, '', [], {}],
      a: [{ '\u2028': 'line separator', b: [null, { y: 2, x: [1] }] }],
      '10': 'numeric key',
      '': 'empty key',
    };
    const sorted = (item: unknown): unknown =>
      Array.isArray(item)
        ? item.map(sorted)
        : item !== null && typeof item === 'object'
          ? Object.fromEntries(
              Object.keys(item)
                .sort()
                .map((key) => [key, sorted((item as Record<string, unknown>)[key])]),
            )
          : item;
    // Object.fromEntries puts integer-like keys first again; compare the parsed forms and the key order apart.
    const text = stableStringify(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(sorted(value))));
    expect(text.indexOf('"":')).toBeLessThan(text.indexOf('"10":'));
    expect(text.indexOf('"Z":')).toBeLessThan(text.indexOf('"a":'));
    expect(text.indexOf('"a":')).toBeLessThan(text.indexOf('"é":'));
    expect(text).toContain('"\u2028":"line separator"');
    expect(text).toContain('"caf\u00e9 \\"quoted\\" \\\\ \\n"');
  });
});
