import { normalisePassInput, parsePassInput } from '@passmint/engine';
import { negotiateLanguage, parseAcceptLanguage } from './negotiate-language';
import { renderNotFoundPage, renderSharePage } from './render-share-page';
import { sharePageLanguage } from './share-page-language';

describe('Accept-Language', () => {
  test('ranges come out by quality, ties in header order, q=0 and junk dropped', () => {
    expect(parseAcceptLanguage('fr;q=0.5, de-CH, en;q=0.9, it;q=0, x_y, *;q=0.1, nl;q=1.0')).toEqual([
      { range: 'de-CH', quality: 1 },
      { range: 'nl', quality: 1 },
      { range: 'en', quality: 0.9 },
      { range: 'fr', quality: 0.5 },
      { range: '*', quality: 0.1 },
    ]);
    expect(parseAcceptLanguage(undefined)).toEqual([]);
    expect(parseAcceptLanguage('de;q=2')).toEqual([]);
    expect(parseAcceptLanguage(`de,${'x'.repeat(1100)}`)).toEqual([]);
  });

  test.each([
    ['de-CH, en;q=0.5', ['en', 'de'], 'de'],
    ['DE-de', ['en', 'de-DE'], 'de-DE'],
    ['de', ['en', 'de-AT'], 'de-AT'],
    ['pt-PT, fr;q=0.8', ['en', 'pt-BR', 'fr'], 'fr'],
    ['zh-Hant-TW', ['en', 'zh-Hant'], 'zh-Hant'],
    ['ja, *;q=0.1', ['de', 'en'], 'de'],
    ['ja', ['en', 'de'], undefined],
    ['de;q=0, en', ['en', 'de'], 'en'],
  ])('%s against %j → %s', (header, available, expected) => {
    expect(negotiateLanguage(header, available)).toBe(expected);
  });
});

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

const PASS = canonical({
  barcodeValue: 'X',
  barcodeFormat: 'QR',
  logoText: 'Corner Café',
  primaryFields: [{ label: 'Points', value: '120' }],
  secondaryFields: [{ label: 'Level', value: 'Gold' }],
  translations: { de: { Points: 'Punkte', Level: 'Stufe', 'Corner Café': 'Eckcafé', Acme: 'Acme GmbH' } },
});

const view = (acceptLanguage: string | undefined) => ({
  ...sharePageLanguage(acceptLanguage, PASS, 'Acme'),
  colors: { backgroundColor: 'rgb(0, 0, 0)', foregroundColor: 'rgb(255, 255, 255)', labelColor: 'rgb(200, 200, 200)' },
  state: 'active' as const,
  device: 'desktop' as const,
  logoUrl: null,
  stripUrl: null,
  pkpassUrl: '/p/X/pass.pkpass',
  googleSaveUrl: null,
  qrSvg: '<svg></svg>',
  styleNonce: 'n',
});

describe('the share page in the visitor language', () => {
  test('a Swiss German visitor reads the pass and the page in German', () => {
    const html = renderSharePage(view('de-CH,de;q=0.9,en;q=0.8'));
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('>Punkte<');
    expect(html).toContain('>Stufe<');
    expect(html).toContain('>Eckcafé<');
    expect(html).toContain('Zu Apple Wallet hinzufügen');
    expect(html).toContain('<footer>Acme GmbH</footer>');
    expect(html).not.toContain(' lang="en"');
  });

  test('without a match: the pass in its default language, the page in the visitor language it knows, marked as such', () => {
    const html = renderSharePage(view('fr-FR, fr;q=0.9'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('>Points<');
    expect(html).toContain(
      '<div class="actions" lang="fr"><a class="button apple" href="/p/X/pass.pkpass" data-action="apple">Ajouter à Apple Wallet</a>',
    );
  });

  test('no header at all is the default language, in English words', () => {
    const html = renderSharePage(view(undefined));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('>Add to Apple Wallet<');
  });

  test('voided and not-found notices are translated too', () => {
    expect(renderSharePage({ ...view('de'), state: 'voided' })).toContain('Dieser Pass ist nicht mehr gültig.');
    expect(renderNotFoundPage('nl')).toContain('<html lang="nl">');
    expect(renderNotFoundPage('nl')).toContain('Deze pas bestaat niet');
  });
});
