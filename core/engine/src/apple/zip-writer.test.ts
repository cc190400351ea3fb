import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { writeStoredZip } from './zip-writer';

const entries = [
  { name: 'pass.json', data: Buffer.from('{"formatVersion":1}') },
  { name: 'de.lproj/pass.strings', data: Buffer.from('"a" = "b";', 'utf16le') },
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
    const zip = writeStoredZip(entries, modified);
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(entries.map((entry) => entry.name));
    for (const entry of entries) expect(Buffer.from(files[entry.name]!).equals(entry.data)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
    try {
      writeFileSync(join(dir, 'a.zip'), zip);
      // `unzip -t` checks every CRC and header field against the central directory.
      expect(execFileSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' })).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
