import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { writeStoredZip } from './zip-writer';

const image = Buffer.alloc(3000, 9);
const entries = [
  { name: 'pass.json', data: Buffer.from('{"formatVersion":1}') },
  { name: 'de.lproj/pass.strings', data: Buffer.from('"a" = "b";', 'utf16le') },
  { name: 'icon.png', data: image, recurs: true },
  { name: 'ü.txt', data: Buffer.alloc(5000, 7) },
];
const modified = new Date(Date.UTC(2026, 11, 7, 10, 30, 44));

/** Leaves garbage in memory Node hands out unzeroed, so a byte the writer forgot would show. */
function dirtyTheHeap(): void {
  for (let round = 0; round < 50; round++) Buffer.allocUnsafe(8192).fill(0xa5);
}

describe('writeStoredZip', () => {
  it('writes every byte itself: the same entries give the same archive whatever memory held before', () => {
    const first = writeStoredZip(entries, modified);
    dirtyTheHeap();
    const second = writeStoredZip(entries, modified);
    expect(second.equals(first)).toBe(true);
    expect(first.includes(Buffer.from([0xa5, 0xa5, 0xa5, 0xa5]))).toBe(false);
  });

  it('makes an archive fflate and Info-ZIP read back entry for entry', () => {
    expectReadable(writeStoredZip(entries, modified), entries);
  });

  it('reuses the headers of a recurring file with the time and offsets of each archive', () => {
    const later = new Date(Date.UTC(2027, 0, 2, 23, 59, 58));
    const shuffled = [{ name: 'manifest.json', data: Buffer.from('{}') }, entries[2]!, { name: 'icon@2x.png', data: image, recurs: true }];
    for (const [archive, at] of [
      [entries, modified],
      [shuffled, later],
      [entries, later],
    ] as const) {
      expectReadable(writeStoredZip(archive, at), archive, at);
    }
  });
});

/** fflate and Info-ZIP both read the archive back, entry for entry, stamped with `modified`. */
function expectReadable(
  zip: Buffer,
  written: readonly { name: string; data: Buffer }[],
  modified = new Date(Date.UTC(2026, 11, 7, 10, 30, 44)),
) {
  const files = unzipSync(zip);
  expect(Object.keys(files)).toEqual(written.map((entry) => entry.name));
  for (const entry of written) expect(Buffer.from(files[entry.name]!).equals(entry.data)).toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
  try {
    writeFileSync(join(dir, 'a.zip'), zip);
    // `unzip -t` checks every CRC and header field against the central directory; `-Z -T` lists
    // each entry's time as yyyymmdd.hhmmss (DOS time keeps even seconds).
    expect(execFileSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const stamp = modified.toISOString().replace(/-|:/g, '').replace('T', '.').slice(0, 15);
    const listed = execFileSync('unzip', ['-Z', '-T', join(dir, 'a.zip')], { encoding: 'utf8' });
    expect(listed.split('\n').filter((line) => line.includes(stamp)).length).toBe(written.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
