import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { googleClassId, renderGoogleClass, renderGoogleObject } from './google-object';
import { googleLanguageOf, localizeGoogleResource } from './translations';

const ISSUER = '3388000000012345678';

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

const context = {
  issuerId: ISSUER,
  serialNumber: 'L10N-1',
  classId: googleClassId(ISSUER, 'ten_abc'),
  organizationName: 'Bayroast',
  imageUrls: { logo: 'https://passes.example/i/logo.png' },
  issuedAt: new Date('2026-01-01T00:00:00Z'),
};

const BODY = {
  organizationName: 'Bayroast',
  logoText: 'Bayroast Coffee',
  barcodeValue: 'M-1',
  barcodeFormat: 'QR',
  primaryFields: [{ label: 'Points', value: '120' }],
  secondaryFields: [{ label: 'Level', value: 'Gold' }],
  backFields: [{ label: 'Terms', value: 'No cash value.' }],
  translations: {
    de: { Points: 'Punkte', Level: 'Stufe', 'No cash value.': 'Keine Barauszahlung.', 'Bayroast Coffee': 'Bayroast Kaffee' },
    'fr-CA': { Points: 'Points boni' },
  },
};

test('an object carries translatedValues on its LocalizedStrings and localized twins on its text modules', () => {
  const { object } = renderGoogleObject(canonical(BODY), context);
  expect(object.header).toEqual({ defaultValue: { language: 'en-US', value: '120' } });
  expect(object.subheader).toEqual({
    defaultValue: { language: 'en-US', value: 'Points' },
    translatedValues: [
      { language: 'de', value: 'Punkte' },
      { language: 'fr-CA', value: 'Points boni' },
    ],
  });
  expect(object.logo).toMatchObject({
    contentDescription: {
      defaultValue: { language: 'en-US', value: 'Bayroast Coffee' },
      translatedValues: [{ language: 'de', value: 'Bayroast Kaffee' }],
    },
  });
  expect(object.textModulesData).toEqual([
    {
      id: 'secondary0',
      header: 'Level',
      body: 'Gold',
      localizedHeader: { defaultValue: { language: 'en-US', value: 'Level' }, translatedValues: [{ language: 'de', value: 'Stufe' }] },
    },
    {
      id: 'back0',
      header: 'Terms',
      body: 'No cash value.',
      localizedBody: {
        defaultValue: { language: 'en-US', value: 'No cash value.' },
        translatedValues: [{ language: 'de', value: 'Keine Barauszahlung.' }],
      },
    },
  ]);
});

test('a pass written in German says so in every defaultValue, and its German table is not a translation', () => {
  const { object } = renderGoogleObject(
    canonical({ ...BODY, defaultLanguage: 'de', translations: { de: { Points: 'Punkte' }, en: { Points: 'Points!' } } }),
    context,
  );
  expect(object.cardTitle).toEqual({ defaultValue: { language: 'de', value: 'Bayroast' } });
  expect(object.subheader).toEqual({
    defaultValue: { language: 'de', value: 'Points' },
    translatedValues: [{ language: 'en', value: 'Points!' }],
  });
});

test('a pass without languages renders exactly as before', () => {
  const plain = canonical({ ...BODY, translations: undefined });
  const { object } = renderGoogleObject(plain, context);
  expect(localizeGoogleResource(object, plain)).toBe(object);
  expect(object.subheader).toEqual({ defaultValue: { language: 'en-US', value: 'Points' } });
});

test('a class gets the same treatment, nested LocalizedStrings and messages included', () => {
  const klass = {
    ...renderGoogleClass('3388.class'),
    eventName: { defaultValue: { language: 'en-US', value: 'Points' } },
    venue: { name: { defaultValue: { language: 'en-US', value: 'Level' } } },
    messages: [{ id: 'm1', header: 'Points', body: 'untranslated' }],
  };
  const localized = localizeGoogleResource(klass, canonical(BODY));
  expect(localized).toEqual({
    id: '3388.class',
    eventName: {
      defaultValue: { language: 'en-US', value: 'Points' },
      translatedValues: [
        { language: 'de', value: 'Punkte' },
        { language: 'fr-CA', value: 'Points boni' },
      ],
    },
    venue: { name: { defaultValue: { language: 'en-US', value: 'Level' }, translatedValues: [{ language: 'de', value: 'Stufe' }] } },
    messages: [
      {
        id: 'm1',
        header: 'Points',
        body: 'untranslated',
        localizedHeader: {
          defaultValue: { language: 'en-US', value: 'Points' },
          translatedValues: [
            { language: 'de', value: 'Punkte' },
            { language: 'fr-CA', value: 'Points boni' },
          ],
        },
      },
    ],
  });
  expect(klass.eventName).toEqual({ defaultValue: { language: 'en-US', value: 'Points' } });
});

test('English stays en-US for Google; other tags go through', () => {
  expect(googleLanguageOf(undefined)).toBe('en-US');
  expect(googleLanguageOf('en')).toBe('en-US');
  expect(googleLanguageOf('en-GB')).toBe('en-GB');
  expect(googleLanguageOf('pt-BR')).toBe('pt-BR');
});
