import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { testIdentity } from '../testing';
import { opensslVerifyPass } from '../testing/openssl-verify';
import { validatePkpass } from '../validator';
import { decodeStringsFile, parseStringsFile } from '../validator/strings-file-parse';
import { localizableTexts, lprojFolderOf, passLocalization } from './pass-localization';
import { createPassBuilder } from './pkpass';
import { encodeStringsFile } from './strings-file';

const { identity, pems } = testIdentity();
const { build } = createPassBuilder(identity);
const context = { serialNumber: 'L10N-1', organizationName: 'Tenant Co', issuedAt: new Date('2026-11-27T10:00:00Z') };

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

const BODY = {
  organizationName: 'Café Mint',
  description: 'Loyalty card',
  logoText: 'Café Mint',
  barcodeValue: 'MEMBER-1',
  barcodeFormat: 'QR',
  primaryFields: [{ label: 'Points', value: '120', changeMessage: 'You now have %@ points' }],
  secondaryFields: [{ label: 'Level', value: 'Gold' }],
  backFields: [{ label: 'Terms', value: 'Say "hi"\nto the \\ barista' }],
  locations: [{ latitude: 52.52, longitude: 13.4, relevantText: 'Coffee nearby' }],
  translations: {
    de: {
      Points: 'Punkte',
      'You now have %@ points': 'Du hast jetzt %@ Punkte',
      Level: 'Stufe',
      'Say "hi"\nto the \\ barista': 'Sag „hallo“\nzum \\ Barista',
      'Coffee nearby': 'Kaffee in der Nähe',
    },
    'PT-br': { 'Loyalty card': 'Cartão fidelidade' },
  },
};

/** An independent reading of what encodeStringsFile writes: BOM, UTF-16LE, one `"k" = "v";` per line. */
function readStrings(bytes: Uint8Array): Record<string, string> {
  expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
  const text = Buffer.from(bytes.subarray(2)).toString('utf16le');
  const unescape = (quoted: string) =>
    quoted.replace(/\\(.)/g, (_, character: string) => ({ n: '\n', r: '\r', t: '\t' })[character] ?? character);
  const entries: Record<string, string> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const match = /^"((?:[^"\\]|\\.)*)" = "((?:[^"\\]|\\.)*)";$/.exec(line);
    if (!match) throw new Error(`not a strings line: ${line}`);
    entries[unescape(match[1]!)] = unescape(match[2]!);
  }
  return entries;
}

describe('a localized pass', () => {
  const built = build(canonical(BODY), context);
  const files = unzipSync(built.pkpass);

  it('ships a pass.strings per translated language and one for the default language', () => {
    expect(
      Object.keys(files)
        .filter((name) => name.includes('.lproj/'))
        .sort(),
    ).toEqual(['de.lproj/pass.strings', 'en.lproj/pass.strings', 'pt-BR.lproj/pass.strings']);
    expect(readStrings(files['de.lproj/pass.strings']!)).toEqual(BODY.translations.de);
    expect(readStrings(files['pt-BR.lproj/pass.strings']!)).toEqual({ 'Loyalty card': 'Cartão fidelidade' });
    const identityTable = readStrings(files['en.lproj/pass.strings']!);
    expect(Object.entries(identityTable).every(([key, value]) => key === value)).toBe(true);
    expect(Object.keys(identityTable).sort()).toEqual([...Object.keys(BODY.translations.de), 'Loyalty card'].sort());
  });

  it('lists every strings file in the manifest with its SHA-1, and the signature verifies with openssl', () => {
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString()) as Record<string, string>;
    for (const name of ['de.lproj/pass.strings', 'en.lproj/pass.strings', 'pt-BR.lproj/pass.strings']) {
      expect(manifest[name]).toBe(createHash('sha1').update(files[name]!).digest('hex'));
    }
    expect(opensslVerifyPass(built.pkpass, pems.caCertificatePem)).toEqual({ ok: true, output: expect.any(String) });
  });

  it('passes the validator, which parses the strings files on its own', () => {
    const report = validatePkpass(built.pkpass, { trustedRoots: [pems.caCertificatePem] });
    expect(report.problems.filter((problem) => problem.code.startsWith('strings_') || problem.code.startsWith('lproj_'))).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('has no warnings when every translation is used', () => {
    expect(built.warnings).toEqual([]);
  });
});

describe('passLocalization', () => {
  const passJson = build(canonical({ ...BODY, translations: undefined }), context).passJson;

  it('warns about a translation whose source text the pass does not contain, and leaves it out', () => {
    const result = passLocalization(passJson, { translations: { de: { Kafee: 'Kaffee', Level: 'Stufe' } } });
    expect(result.warnings).toEqual(['translations.de: "Kafee" is not a text of this pass']);
    const de = result.assets.find((asset) => asset.name === 'de.lproj/pass.strings')!;
    expect(readStrings(de.bytes)).toEqual({ Level: 'Stufe' });
  });

  it('gives the same outcome for the same tables every time, and follows what each pass contains', () => {
    const translations = { de: { Kafee: 'Kaffee', Level: 'Stufe' } };
    const first = passLocalization(passJson, { translations });
    first.warnings.push('changed by a caller');
    const again = passLocalization(passJson, { translations: structuredClone(translations) });
    expect(again.warnings).toEqual(['translations.de: "Kafee" is not a text of this pass']);
    expect(again.assets.map((asset) => [asset.name, asset.sha1])).toEqual(first.assets.map((asset) => [asset.name, asset.sha1]));
    const withKafee = build(canonical({ ...BODY, logoText: 'Kafee', translations: undefined }), context).passJson;
    const other = passLocalization(withKafee, { translations });
    expect(other.warnings).toEqual([]);
    expect(readStrings(other.assets.find((asset) => asset.name === 'de.lproj/pass.strings')!.bytes)).toEqual({
      Kafee: 'Kaffee',
      Level: 'Stufe',
    });
  });

  it('warns when a change message loses its %@', () => {
    const result = passLocalization(passJson, { translations: { de: { 'You now have %@ points': 'Neue Punkte' } } });
    expect(result.warnings).toEqual([
      'translations.de: the translation of "You now have %@ points" has no %@, so Wallet will not show the new value in it',
    ]);
  });

  it('ships nothing when no translation applies, and nothing without translations', () => {
    expect(passLocalization(passJson, { translations: { de: { Kafee: 'Kaffee' } } }).assets).toEqual([]);
    expect(passLocalization(passJson, {})).toEqual({ assets: [], warnings: [] });
  });

  it('names the default folder after defaultLanguage, and a table for it overrides the identity entries', () => {
    const result = passLocalization(passJson, {
      defaultLanguage: 'de',
      translations: { en: { Level: 'Tier' }, de: { Gold: 'Gold (DE)' } },
    });
    expect(result.assets.map((asset) => asset.name).sort()).toEqual(['de.lproj/pass.strings', 'en.lproj/pass.strings']);
    expect(readStrings(result.assets.find((asset) => asset.name === 'de.lproj/pass.strings')!.bytes)).toEqual({
      Level: 'Level',
      Gold: 'Gold (DE)',
    });
  });

  it('refuses (400) translations whose strings file would pass the 1 MiB a file of a pass may have', () => {
    const huge = '😀'.repeat(4096); // 16 KiB in UTF-16
    const labels = (count: number) => ({
      generic: { backFields: Array.from({ length: count }, (_, i) => ({ key: `b${i}`, label: `L${i}`, value: 'v' })) },
    });
    const tableFor = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`L${i}`, huge]));
    expect(() => passLocalization(labels(60), { translations: { de: tableFor(60) } })).not.toThrow();
    let error: unknown;
    try {
      passLocalization(labels(70), { translations: { de: tableFor(70) } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_body',
      issues: [
        {
          path: 'translations.de',
          message: expect.stringMatching(/^would make de\.lproj\/pass\.strings \d+ bytes; a file of a pass may have at most 1048576$/),
        },
      ],
    });
  });

  it('collects labels, values, change messages, texts of the header and alt text, not identifiers', () => {
    const texts = localizableTexts(passJson);
    for (const text of ['Café Mint', 'Loyalty card', 'Points', '120', 'You now have %@ points', 'Coffee nearby', 'Gold']) {
      expect(texts).toContain(text);
    }
    expect(texts).not.toContain('L10N-1');
    expect(texts).not.toContain('pass.test.passmint');
  });
});

describe('strings files', () => {
  it('escapes quotes, backslashes, line breaks and tabs, in UTF-16LE with a BOM', () => {
    const bytes = encodeStringsFile([['a"b\\c', 'line\nbreak\r\ttab ✓']]);
    expect(Buffer.from(bytes.subarray(2)).toString('utf16le')).toBe('"a\\"b\\\\c" = "line\\nbreak\\r\\ttab ✓";\n');
  });

  it("reads back exactly, through the validator's own decoder and parser, for any text", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { maxLength: 8 }), (entries) => {
        const decoded = decodeStringsFile(encodeStringsFile(entries));
        expect(decoded).toMatchObject({ ok: true, encoding: 'UTF-16LE' });
        expect(parseStringsFile(decoded.ok ? decoded.text : '')).toEqual({ ok: true, entries });
      }),
    );
  });

  it('names folders by Apple language ID (hyphenated)', () => {
    expect(lprojFolderOf('pt-BR')).toBe('pt-BR.lproj');
    expect(lprojFolderOf('zh-Hant-TW')).toBe('zh-Hant-TW.lproj');
  });
});
