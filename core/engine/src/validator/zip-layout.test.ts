import { zipSync } from 'fflate';
import { validatePkpass } from './index';
import { Problems } from './problems';
import { codesOf, errorCodesOf, problemWith } from './test-support/report-helpers';
import { type TestIdentity, buildPassEntries, createTestIdentity, removeTestIdentity } from './test-support/openssl-pass';
import { readZip } from './zip-layout';

const CENTRAL_DIRECTORY_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const MIB = 1024 * 1024;

let identity: TestIdentity;
let entries: Record<string, Uint8Array>;
beforeAll(() => {
  identity = createTestIdentity();
  entries = buildPassEntries(identity);
});
afterAll(() => removeTestIdentity(identity));

function validateZip(zip: Uint8Array) {
  return validatePkpass(zip, { trustedRoots: [identity.caPem] });
}

/** Overwrites the uncompressed size the central directory and the local header declare for the entry called `name`. */
function declareUncompressedSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const patched = Buffer.from(zip);
  for (let offset = 0; offset + 46 <= patched.length; offset += 1) {
    const signature = patched.readUInt32LE(offset);
    if (
      signature === CENTRAL_DIRECTORY_SIGNATURE &&
      patched.toString('latin1', offset + 46, offset + 46 + patched.readUInt16LE(offset + 28)) === name
    ) {
      patched.writeUInt32LE(size, offset + 24);
    }
    if (
      signature === LOCAL_HEADER_SIGNATURE &&
      patched.toString('latin1', offset + 30, offset + 30 + patched.readUInt16LE(offset + 26)) === name
    ) {
      patched.writeUInt32LE(size, offset + 22);
    }
  }
  return new Uint8Array(patched);
}

describe('unreadable input', () => {
  test('an empty buffer', () => {
    const report = validateZip(new Uint8Array());
    expect(report.ok).toBe(false);
    expect(errorCodesOf(report)).toEqual(['zip_empty']);
  });

  test('garbage bytes', () => {
    const report = validateZip(new TextEncoder().encode('this is not a zip file, just some text'));
    expect(errorCodesOf(report)).toEqual(['zip_unreadable']);
    expect(report.passJson).toBeUndefined();
  });

  test('a truncated zip', () => {
    const zip = zipSync(entries);
    expect(errorCodesOf(validateZip(zip.subarray(0, zip.length - 30)))).toEqual(['zip_unreadable']);
  });

  test('something that is not a byte array', () => {
    expect(errorCodesOf(validatePkpass('a string' as unknown as Uint8Array))).toEqual(['input_invalid']);
  });
});

describe('zip bomb limits', () => {
  test('more than 1,000 entries are refused', () => {
    const many: Record<string, Uint8Array> = { ...entries };
    for (let index = 0; index < 1001; index += 1) many[`file-${index}.txt`] = new Uint8Array([index % 256]);
    const report = validateZip(zipSync(many, { level: 0 }));
    expect(errorCodesOf(report)).toEqual(['zip_too_many_entries']);
    expect(report.refused?.code).toBe('zip_too_many_entries');
  });

  test('a declared uncompressed size over 64 MiB is refused before inflating', () => {
    const zip = declareUncompressedSize(zipSync({ 'pass.json': new Uint8Array(1000) }), 'pass.json', 80 * MIB);
    expect(errorCodesOf(validateZip(zip))).toEqual(['zip_too_large']);
  });

  test('entries that together inflate past 64 MiB are refused', () => {
    const zeros = new Uint8Array(33 * MIB);
    const zip = zipSync({ 'a.bin': zeros, 'b.bin': zeros }, { level: 1 });
    expect(zip.length).toBeLessThan(MIB);
    expect(errorCodesOf(validateZip(zip))).toEqual(['zip_too_large']);
  });

  test('an entry that inflates beyond its declared size is refused, not read past that size', () => {
    const zip = declareUncompressedSize(zipSync({ ...entries, 'big.bin': new Uint8Array(8 * MIB) }), 'big.bin', 100);
    const report = validateZip(zip);
    expect(errorCodesOf(report)).toEqual(['zip_entry_size_mismatch']);
    expect(report.refused?.file).toBe('big.bin');
    expect(readZip(zip, new Problems())).toBeUndefined();
  });
});

describe('layout', () => {
  test('a pass zipped inside its folder: every file is nested and the root files are missing', () => {
    const nested = Object.fromEntries(Object.entries(entries).map(([name, content]) => [`mypass/${name}`, content]));
    const report = validateZip(zipSync(nested));
    const nestedProblem = problemWith(report, 'zip_nested_file');
    expect(nestedProblem.message).toMatch(/must be at the zip root/);
    expect(codesOf(report)).toEqual(expect.arrayContaining(['pass_json_missing', 'manifest_missing', 'signature_missing']));
  });

  test('a single file in a folder is an error naming it', () => {
    const report = validateZip(zipSync(buildPassEntries(identity, { files: { 'extras/readme.txt': new TextEncoder().encode('hi') } })));
    expect(errorCodesOf(report)).toEqual(['zip_nested_file']);
    expect(problemWith(report, 'zip_nested_file').file).toBe('extras/readme.txt');
  });

  test('xx.lproj folders and directory entries are allowed', () => {
    const localised = buildPassEntries(identity, {
      files: { 'de.lproj/pass.strings': new TextEncoder().encode('"MEMBER" = "MITGLIED";') },
    });
    const report = validateZip(zipSync({ ...localised, 'de.lproj/': new Uint8Array() }));
    expect(report.problems).toEqual([]);
  });

  test('files nested inside an lproj folder are not allowed', () => {
    const report = validateZip(zipSync(buildPassEntries(identity, { files: { 'de.lproj/x/logo.png': new Uint8Array() } })));
    expect(errorCodesOf(report)).toContain('zip_nested_file');
  });

  test.each([
    ['pass.json', 'pass_json_missing'],
    ['manifest.json', 'manifest_missing'],
    ['signature', 'signature_missing'],
  ])('a zip without %s', (file, code) => {
    const withoutFile = { ...entries };
    delete withoutFile[file];
    const report = validateZip(zipSync(withoutFile));
    expect(errorCodesOf(report)).toContain(code);
    expect(report.ok).toBe(false);
  });

  test('the same name twice in the zip is an error', () => {
    const zip = Buffer.from(zipSync({ ...entries, 'pass.jsoX': entries['pass.json'] ?? new Uint8Array() }));
    const renamed = Buffer.from(zip.toString('latin1').replaceAll('pass.jsoX', 'pass.json'), 'latin1');
    expect(errorCodesOf(validateZip(new Uint8Array(renamed)))).toEqual(['zip_duplicate_entry']);
  });
});
