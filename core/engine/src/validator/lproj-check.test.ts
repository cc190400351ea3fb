import fc from 'fast-check';
import { codesOf, errorCodesOf, problemWith } from './test-support/report-helpers';
import { useTestIdentity } from './test-support/openssl-pass';
import { decodeStringsFile, parseStringsFile } from './strings-file-parse';

const { validate } = useTestIdentity();

// Crafted by hand here, not with the generator's encoder: the validator is checked on its own.
const utf16le = (text: string) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
const utf16be = (text: string) => new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
const utf8 = (text: string) => new TextEncoder().encode(text);

const GERMAN = '"MEMBER" = "MITGLIED";\n"No cash value." = "Keine Barauszahlung.";\n"Points: %@" = "Punkte: %@";\n';

describe('.lproj bundles', () => {
  test('UTF-16 (either byte order, with a BOM) and UTF-8 strings files that translate texts of the pass are clean', () => {
    const report = validate({
      files: {
        'de.lproj/pass.strings': utf16le(GERMAN),
        'fr.lproj/pass.strings': utf16be('"MEMBER" = "MEMBRE";'),
        'pt-BR.lproj/pass.strings': utf8('/* comment */ "MEMBER" = "MEMBRO";'),
        'en.lproj/pass.strings': utf8('\ufeff"MEMBER" = "MEMBER";'),
      },
    });
    expect(report.problems).toEqual([]);
  });

  test('a strings file added after signing is not in the manifest', () => {
    const report = validate({ editZip: (entries) => (entries['de.lproj/pass.strings'] = utf16le(GERMAN)) });
    expect(errorCodesOf(report)).toEqual(['file_not_in_manifest']);
    expect(problemWith(report, 'file_not_in_manifest').file).toBe('de.lproj/pass.strings');
  });

  test('a strings file changed after signing has the wrong hash', () => {
    const report = validate({
      files: { 'de.lproj/pass.strings': utf16le(GERMAN) },
      editZip: (entries) => (entries['de.lproj/pass.strings'] = utf16le('"MEMBER" = "Mitglied";')),
    });
    expect(errorCodesOf(report)).toEqual(['manifest_hash_mismatch']);
  });

  test('a file in neither UTF-8 nor BOM-marked UTF-16 is unreadable', () => {
    const report = validate({ files: { 'de.lproj/pass.strings': new Uint8Array([0x22, 0xc3, 0x28, 0x22, 0x3b]) } });
    expect(errorCodesOf(report)).toEqual(['strings_encoding_invalid']);
    expect(problemWith(report, 'strings_encoding_invalid').file).toBe('de.lproj/pass.strings');
  });

  test('a syntax error names its line', () => {
    const report = validate({ files: { 'de.lproj/pass.strings': utf16le('"MEMBER" = "MITGLIED";\n"POINTS" = "PUNKTE" "X";\n') } });
    expect(errorCodesOf(report)).toEqual(['strings_syntax_invalid']);
    expect(problemWith(report, 'strings_syntax_invalid').message).toContain('expected ";" but found "\\"" (line 2)');
  });

  test('keys that are no text of pass.json are a warning naming them', () => {
    const report = validate({ files: { 'de.lproj/pass.strings': utf16le('"Kafee" = "Kaffee";\n"MEMBER" = "MITGLIED";') } });
    expect(codesOf(report)).toEqual(['strings_key_unused']);
    expect(problemWith(report, 'strings_key_unused').message).toContain('"Kafee"');
  });

  test('a key defined twice is a warning', () => {
    const report = validate({ files: { 'de.lproj/pass.strings': utf8('"MEMBER" = "A";\n"MEMBER" = "B";') } });
    expect(codesOf(report)).toEqual(['strings_key_duplicate']);
  });

  test('a folder not named for a language is a warning, whatever it holds', () => {
    const report = validate({
      files: { 'german.lproj/pass.strings': utf8('"MEMBER" = "MITGLIED";'), 'pt_BR.lproj/pass.strings': utf8('"MEMBER" = "MEMBRO";') },
    });
    expect(codesOf(report)).toEqual(['lproj_name_invalid']);
    expect(problemWith(report, 'lproj_name_invalid').file).toBe('german.lproj/');
  });
});

describe('the strings-file grammar', () => {
  test('escapes, bare words, key-only entries and both comment styles', () => {
    const parsed = parseStringsFile(
      '// line comment\n"a\\"b" = "c\\\\d\\ne\\tf";\nbare = word_1;\n"only";\n"\\U00e9\\101" = /* x */ "\\u2603";',
    );
    expect(parsed).toEqual({
      ok: true,
      entries: [
        ['a"b', 'c\\d\ne\tf'],
        ['bare', 'word_1'],
        ['only', 'only'],
        ['éA', '☃'],
      ],
    });
  });

  test.each([
    ['"a" = "b"', 'expected ";" but found the end'],
    ['"a" = "b', 'a quoted string is never closed'],
    ['/* open', 'a /* comment is never closed'],
    ['= "b";', 'expected a key but found "="'],
  ])('%j is refused: %s', (text, reason) => {
    expect(parseStringsFile(text)).toMatchObject({ ok: false, reason });
  });

  test('a malformed UTF-16 file is reported as such', () => {
    expect(decodeStringsFile(new Uint8Array([0xff, 0xfe, 0x00, 0xd8]))).toEqual({ ok: false, reason: 'its UTF-16 text is malformed' });
  });
});

describe('hostile strings files', () => {
  test('any bytes decode or are refused, and any text parses or is refused, without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const decoded = decodeStringsFile(bytes);
        if (decoded.ok) expect(typeof parseStringsFile(decoded.text).ok).toBe('boolean');
      }),
    );
    const tokens = fc.constantFrom('"', '\\', '=', ';', '/*', '*/', '//', '\n', ' ', 'a', '\\U', '\\0', 'é');
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 64 }), (parts) => {
        expect(typeof parseStringsFile(parts.join('')).ok).toBe('boolean');
      }),
    );
  });

  test('what the parser reads back is what a generator of the grammar wrote', () => {
    const escape = (text: string) =>
      text
        .replace(/[\\"]/g, (c) => `\\${c}`)
        .replace(/\n/g, '\\n')
        .replace(/\t/g, '\\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 8 }), (entries) => {
        const text = entries.map(([key, value]) => `"${escape(key)}" = "${escape(value)}";`).join('\n');
        expect(parseStringsFile(text)).toEqual({ ok: true, entries });
      }),
    );
  });
});
