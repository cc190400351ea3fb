import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import {
  deepJsonZip,
  emptyObjectsBomb,
  overlappingEntriesZip,
  pngHeaderOnly,
  sizeLiarBomb,
  writeZip,
  zerosDeflateStream,
  type ZipEntrySpec,
} from '../testing/hostile-zips';
import { type ValidationReport, validatePkpass } from './index';
import { errorCodesOf, problemWith } from './test-support/report-helpers';
import { type TestIdentity, buildPassEntries, createTestIdentity, removeTestIdentity } from './test-support/openssl-pass';

const MIB = 1024 * 1024;
/** Bytes no DEFLATE decoder accepts (block type 3 is reserved): reaching them means the reader kept going. */
const INVALID_DEFLATE = new Uint8Array(4096).fill(0xff);

let identity: TestIdentity;
let entries: Record<string, Uint8Array>;
beforeAll(() => {
  identity = createTestIdentity();
  entries = buildPassEntries(identity);
});
afterAll(() => removeTestIdentity(identity));

function validate(zip: Uint8Array): ValidationReport {
  return validatePkpass(zip, { trustedRoots: [identity.caPem] });
}

function passSpecs(overrides: Partial<ZipEntrySpec> = {}): ZipEntrySpec[] {
  return Object.entries(entries).map(([name, content]) => ({ name, content, ...overrides }));
}

function expectRefused(report: ValidationReport, code: string, file?: string): void {
  expect(errorCodesOf(report)).toEqual([code]);
  expect(report.ok).toBe(false);
  expect(report.refused).toEqual(problemWith(report, code));
  if (file !== undefined) expect(report.refused?.file).toBe(file);
  expect(report.passJson).toBeUndefined();
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe('the two bombs of issue 15', () => {
  test('a 1 MB zip whose pass.json declares 100 bytes but inflates to 1 GiB is refused as a size mismatch', () => {
    const bomb = sizeLiarBomb();
    expect(bomb.length).toBeLessThan(1.2 * MIB);
    expectRefused(validate(bomb), 'zip_entry_size_mismatch', 'pass.json');
  });

  test('inflation stops as soon as the output passes the declared size (the stream is never read to its end)', () => {
    const bomb = writeZip([{ name: 'pass.json', raw: concat(zerosDeflateStream(8), INVALID_DEFLATE), declaredSize: 100 }]);
    expectRefused(validate(bomb), 'zip_entry_size_mismatch', 'pass.json');
  });

  test('a 16 KB zip holding a 16 MB pass.json of five million {} is refused as too large, before inflating', () => {
    const bomb = emptyObjectsBomb();
    expect(bomb.length).toBeLessThan(32 * 1024);
    expectRefused(validate(bomb), 'zip_entry_too_large', 'pass.json');
    const garbageInside = writeZip([{ name: 'pass.json', raw: INVALID_DEFLATE, declaredSize: 16 * MIB }]);
    expectRefused(validate(garbageInside), 'zip_entry_too_large', 'pass.json');
  });
});

describe('per-entry caps', () => {
  test.each([
    ['pass.json', MIB + 1],
    ['manifest.json', MIB + 1],
    ['signature', MIB + 1],
    ['icon.png', MIB + 1],
    ['de.lproj/pass.strings', MIB + 1],
  ])('%s declaring %i bytes is refused', (name, size) => {
    expectRefused(validate(writeZip([{ name, raw: INVALID_DEFLATE, declaredSize: size }])), 'zip_entry_too_large', name);
  });

  test('an entry of exactly 1 MiB is read', () => {
    const report = validate(writeZip([...passSpecs(), { name: 'extra.bin', content: new Uint8Array(MIB) }]));
    expect(report.refused).toBeUndefined();
    expect(errorCodesOf(report)).toEqual(['file_not_in_manifest']);
  });

  test('an entry that inflates to fewer bytes than it declares is refused as a size mismatch', () => {
    const zip = writeZip([{ name: 'pass.json', content: new TextEncoder().encode('{}'), declaredSize: 500 }]);
    expectRefused(validate(zip), 'zip_entry_size_mismatch', 'pass.json');
  });

  test('a stored entry whose uncompressed size differs from its stored size is refused as a size mismatch', () => {
    const zip = writeZip([{ name: 'pass.json', content: new TextEncoder().encode('{"a":1}'), method: 0, declaredSize: 100 }]);
    expectRefused(validate(zip), 'zip_entry_size_mismatch', 'pass.json');
  });
});

describe('images', () => {
  test('a PNG declaring 100000×100000 pixels is refused from its IHDR', () => {
    const zip = writeZip([...passSpecs(), { name: 'strip.png', content: pngHeaderOnly(100_000, 100_000) }]);
    expectRefused(validate(zip), 'image_dimensions_too_large', 'strip.png');
  });

  test('the IHDR is checked before the rest of the image is inflated', () => {
    const header = deflateRawSync(pngHeaderOnly(5000, 10), { finishFlush: constants.Z_SYNC_FLUSH });
    const zip = writeZip([{ name: 'icon.png', raw: concat(header, zerosDeflateStream(4)), declaredSize: MIB }]);
    expectRefused(validate(zip), 'image_dimensions_too_large', 'icon.png');
  });

  test('a stored PNG over the pixel limit is refused too, and 4096×4096 is allowed', () => {
    expectRefused(
      validate(writeZip([{ name: 'icon.png', content: pngHeaderOnly(10, 4097), method: 0 }])),
      'image_dimensions_too_large',
      'icon.png',
    );
    const allowed = validate(writeZip([...passSpecs(), { name: 'strip.png', content: pngHeaderOnly(4096, 4096) }]));
    expect(allowed.refused).toBeUndefined();
  });
});

describe('JSON nesting', () => {
  test('pass.json nested 100,000 deep is refused without being parsed', () => {
    expectRefused(validate(deepJsonZip(100_000)), 'json_too_deep', 'pass.json');
  });

  test('64 levels are read, 65 are refused; brackets inside strings do not count', () => {
    expect(validate(deepJsonZip(64)).refused).toBeUndefined();
    expectRefused(validate(deepJsonZip(65)), 'json_too_deep', 'pass.json');
    const text = new TextEncoder().encode(JSON.stringify({ description: `${'['.repeat(500)}\\"{{{` }));
    expect(validate(writeZip([{ name: 'pass.json', content: text }])).refused).toBeUndefined();
  });

  test('manifest.json is held to the same depth', () => {
    const manifest = new TextEncoder().encode(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`);
    expectRefused(validate(writeZip([{ name: 'manifest.json', content: manifest }])), 'json_too_deep', 'manifest.json');
  });
});

describe('the archive structure', () => {
  test('an end record declaring 70,000 entries is refused before the directory is read', () => {
    const zip = writeZip(passSpecs(), { declaredEntryCount: 70_000, zip64Directory: true });
    expectRefused(validate(zip), 'zip_too_many_entries');
  });

  test('entries whose data overlap (a shared compressed kernel) are refused', () => {
    expectRefused(validate(overlappingEntriesZip()), 'zip_entries_overlap');
  });

  test('a local header naming another file than the central directory is a header mismatch', () => {
    const specs = passSpecs().map((spec) => (spec.name === 'logo.png' ? { ...spec, localName: 'other.png' } : spec));
    const report = validate(writeZip(specs));
    expect(errorCodesOf(report)).toEqual(['zip_header_mismatch']);
    expect(problemWith(report, 'zip_header_mismatch').file).toBe('logo.png');
    expect(report.refused).toBeUndefined();
  });

  test('a central directory declaring other sizes than the local header is a header mismatch', () => {
    const zip = Buffer.from(writeZip(passSpecs()));
    // The first local header is pass.json's; its uncompressed size sits at offset 22.
    zip.writeUInt32LE(zip.readUInt32LE(22) + 1, 22);
    expect(errorCodesOf(validate(new Uint8Array(zip)))).toEqual(['zip_header_mismatch']);
  });

  test.each([
    ['an encrypted entry', { flags: 1 }],
    ['an unsupported compression method (bzip2)', { method: 12, raw: new Uint8Array(10) }],
    ['data running past the end of the file', { declaredCompressedSize: 1_000_000 }],
  ])('%s is unreadable', (_name, change) => {
    const specs = passSpecs().map((spec) => (spec.name === 'pass.json' ? { ...spec, ...change } : spec));
    expect(errorCodesOf(validate(writeZip(specs)))).toEqual(['zip_unreadable']);
  });
});

describe('archives other tools write are read', () => {
  test.each([
    ['stored entries', { method: 0 }],
    ['data descriptors', { dataDescriptor: true }],
    ['zip64 extra fields', { zip64: true }],
    ['zip64 extra fields and data descriptors', { zip64: true, dataDescriptor: true }],
  ])('a valid pass with %s validates clean', (_name, overrides) => {
    const report = validate(writeZip(passSpecs(overrides)));
    expect(report.problems).toEqual([]);
  });

  test('a valid pass with a zip64 end record validates clean', () => {
    expect(validate(writeZip(passSpecs(), { zip64Directory: true })).problems).toEqual([]);
  });

  const infoZip = spawnSync('zip', ['-v']).status === 0;
  (infoZip ? test : test.skip)('a valid pass zipped by Info-ZIP with data descriptors validates clean (needs the zip command)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passmint-infozip-'));
    try {
      const names = Object.keys(entries).concat('de.lproj/pass.strings');
      const withStrings = buildPassEntries(identity, {
        files: { 'de.lproj/pass.strings': new TextEncoder().encode('"MEMBER" = "MITGLIED";') },
      });
      for (const name of names) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), withStrings[name] ?? new Uint8Array());
      }
      execFileSync('zip', ['-q', '-X', '-fd', 'pass.pkpass', ...names], { cwd: dir });
      expect(validate(new Uint8Array(readFileSync(join(dir, 'pass.pkpass')))).problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
