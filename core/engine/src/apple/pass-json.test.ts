import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { API_EXAMPLE_BODIES, pngDataUri } from '../testing';
import { contrastRatio, hexToRgb, passColors, COLOR_PRESET_HEX } from './colors';
import { renderPassJson, type PassRenderContext } from './pass-json';

const context: PassRenderContext = {
  serialNumber: 'S1',
  passTypeIdentifier: 'pass.test.passmint',
  teamIdentifier: 'TEAMTEST01',
  organizationName: 'Tenant Co',
  issuedAt: new Date('2026-11-27T10:00:00Z'),
};

function render(body: unknown, ctx: PassRenderContext = context) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return renderPassJson(normalisePassInput(parsed.value), ctx);
}

const base = { barcodeValue: 'ABC', barcodeFormat: 'QR' };

describe('renderPassJson with the docs/api.md examples', () => {
  it('renders the create example as a generic pass', () => {
    const { passJson, style } = render(API_EXAMPLE_BODIES.create);
    expect(style).toBe('generic');
    expect(passJson).toMatchObject({
      formatVersion: 1,
      passTypeIdentifier: 'pass.test.passmint',
      teamIdentifier: 'TEAMTEST01',
      serialNumber: 'S1',
      organizationName: 'Tenant Co',
      description: 'Bayroast Coffee',
      logoText: 'Bayroast Coffee',
      sharingProhibited: true,
      barcodes: [{ format: 'PKBarcodeFormatQR', message: 'LOYALTY-98765', messageEncoding: 'iso-8859-1', altText: 'LOYALTY-98765' }],
      generic: {
        headerFields: [{ key: 'header0', label: 'POINTS', value: '1,250' }],
        primaryFields: [{ key: 'primary0', label: 'CARD', value: 'Coffee Rewards' }],
      },
    });
    expect(passJson).not.toHaveProperty('webServiceURL');
  });

  it('carries the changeMessage of the update example', () => {
    const { passJson, warnings } = render(API_EXAMPLE_BODIES.update);
    expect(passJson.generic).toMatchObject({
      headerFields: [{ key: 'header0', label: 'POINTS', value: '1,300', changeMessage: 'You hit %@ points. Free coffee unlocked!' }],
    });
    expect(warnings).toEqual([]);
  });

  it('renders the location example', () => {
    expect(render(API_EXAMPLE_BODIES.updateWithLocation).passJson.locations).toEqual([
      { latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' },
    ]);
  });
});

describe('renderPassJson', () => {
  it('switches to a store card when a strip image is given', () => {
    const { passJson, style } = render({ ...base, stripURL: pngDataUri(750, 246), primaryFields: [{ value: 'x' }] });
    expect(style).toBe('storeCard');
    expect(passJson.storeCard).toEqual({ primaryFields: [{ key: 'primary0', value: 'x' }] });
    expect(passJson).not.toHaveProperty('generic');
  });

  it('warns about a changeMessage without %@', () => {
    expect(render({ ...base, headerFields: [{ value: '1', changeMessage: 'Points changed' }] }).warnings).toEqual([
      expect.stringContaining('headerFields.0.changeMessage has no %@'),
    ]);
  });

  describe('secondary and auxiliary fields beyond what Wallet shows', () => {
    const fields = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ label: `${prefix}${i}`, value: 'v' }));

    it('warns on a generic pass with a square barcode, naming the fields beyond the fourth', () => {
      const { warnings } = render({ ...base, secondaryFields: fields('S', 3), auxiliaryFields: fields('A', 3) });
      expect(warnings).toEqual([
        'Wallet shows at most 4 secondary and auxiliary fields together on a generic pass with a square (QR) barcode; this pass has 6, so auxiliaryFields.1, auxiliaryFields.2 may not be shown',
      ]);
    });

    it('warns on a store card whatever its barcode', () => {
      const { warnings, style } = render({
        ...base,
        barcodeFormat: 'PDF417',
        stripURL: pngDataUri(750, 246),
        secondaryFields: fields('S', 4),
        auxiliaryFields: fields('A', 1),
      });
      expect(style).toBe('storeCard');
      expect(warnings).toEqual([expect.stringMatching(/on a store card; this pass has 5, so auxiliaryFields\.0 may not be shown$/)]);
    });

    it('says nothing when the fields fit: four in all, or four of each beside a rectangular barcode', () => {
      expect(
        render({ ...base, barcodeFormat: 'Aztec', secondaryFields: fields('S', 2), auxiliaryFields: fields('A', 2) }).warnings,
      ).toEqual([]);
      expect(
        render({ ...base, barcodeFormat: 'PDF417', secondaryFields: fields('S', 4), auxiliaryFields: fields('A', 4) }).warnings,
      ).toEqual([]);
      expect(
        render({ barcodeValue: 'X', barcodeFormat: 'Code128', secondaryFields: fields('S', 4), auxiliaryFields: fields('A', 4) }).warnings,
      ).toEqual([]);
    });
  });

  it('sets expirationDate that many days after issue, to the second', () => {
    expect(render({ ...base, expirationDays: 30 }).passJson.expirationDate).toBe('2026-12-27T10:00:00Z');
  });

  it('carries voided, relevantDate and sharingProhibited', () => {
    const { passJson } = render({ ...base, voided: true, sharingProhibited: false, relevantDate: '2026-12-31T20:00+01:00' });
    expect(passJson).toMatchObject({ voided: true, sharingProhibited: false, relevantDate: '2026-12-31T19:00:00Z' });
  });

  it('prefers the body’s organizationName and description', () => {
    const { passJson } = render({ ...base, organizationName: 'Bayroast Ltd', description: 'Loyalty card' });
    expect(passJson).toMatchObject({ organizationName: 'Bayroast Ltd', description: 'Loyalty card' });
    expect(render(base).passJson).toMatchObject({ organizationName: 'Tenant Co', description: 'Tenant Co' });
  });

  it('adds the web service when devices can reach one', () => {
    const { passJson } = render(base, {
      ...context,
      webService: { url: 'https://passes.example.com/apple', authenticationToken: 't'.repeat(32) },
    });
    expect(passJson).toMatchObject({ webServiceURL: 'https://passes.example.com/apple', authenticationToken: 't'.repeat(32) });
  });

  it.each([
    ['PDF417', 'PKBarcodeFormatPDF417'],
    ['Aztec', 'PKBarcodeFormatAztec'],
    ['Code128', 'PKBarcodeFormatCode128'],
  ])('maps %s to %s', (barcodeFormat, format) => {
    expect(render({ ...base, barcodeFormat }).passJson.barcodes).toEqual([expect.objectContaining({ format })]);
  });

  it('encodes barcode messages beyond Latin-1 as UTF-8', () => {
    expect(render({ ...base, barcodeValue: 'Zoë' }).passJson.barcodes).toEqual([
      expect.objectContaining({ messageEncoding: 'iso-8859-1' }),
    ]);
    expect(render({ ...base, barcodeValue: '会员 7' }).passJson.barcodes).toEqual([expect.objectContaining({ messageEncoding: 'utf-8' })]);
  });

  it('omits barcodes when the pass has none', () => {
    const { passJson } = renderPassJson(
      {
        barcode: null,
        fields: { headerFields: [], primaryFields: [], secondaryFields: [], auxiliaryFields: [], backFields: [] },
        locations: [],
        sharingProhibited: true,
        images: {},
        voided: false,
      },
      context,
    );
    expect(passJson).not.toHaveProperty('barcodes');
  });
});

describe('passColors', () => {
  it.each(Object.entries(COLOR_PRESET_HEX))('gives the %s preset readable text', (_, hex) => {
    const colors = passColors(hex);
    const rgb = (css: string) => css.match(/\d+/g)!.map(Number) as [number, number, number];
    expect(colors.backgroundColor).toBe(`rgb(${hexToRgb(hex).join(', ')})`);
    expect(contrastRatio(rgb(colors.foregroundColor), hexToRgb(hex))).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(rgb(colors.labelColor), hexToRgb(hex))).toBeGreaterThanOrEqual(4.5);
  });

  it('uses dark text on light custom colours', () => {
    expect(passColors('#fafafa').foregroundColor).toBe('rgb(17, 17, 17)');
    expect(passColors('#101010').foregroundColor).toBe('rgb(255, 255, 255)');
  });

  it('renders custom colours as rgb()', () => {
    expect(render({ ...base, color: '#FF8000' }).passJson.backgroundColor).toBe('rgb(255, 128, 0)');
  });
});
