import { crc32, constants, deflateRawSync } from 'node:zlib';
import { type ZipEntrySpec, writeZip } from './zip-writer';

export { writeZip, type ZipEntrySpec, type ZipOptions } from './zip-writer';

const MIB = 1024 * 1024;

/**
 * A DEFLATE stream of `mebibytes` MiB of zeros, about 1 KiB of stream per MiB. Each MiB is
 * compressed on its own and sync-flushed, so the pieces join into one valid stream (RFC 1951
 * blocks need not end on a stream boundary) without ever holding the inflated bytes.
 */
export function zerosDeflateStream(mebibytes: number): Uint8Array {
  const piece = deflateRawSync(Buffer.alloc(MIB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  return new Uint8Array(Buffer.concat([...Array.from({ length: mebibytes }, () => piece), deflateRawSync(Buffer.alloc(0))]));
}

/** The first bomb of issue 15: a 1 MB zip whose pass.json declares 100 bytes and inflates to 1 GiB. */
export function sizeLiarBomb(options: { inflatedMebibytes?: number; declaredSize?: number } = {}): Uint8Array {
  return writeZip([
    { name: 'pass.json', raw: zerosDeflateStream(options.inflatedMebibytes ?? 1024), declaredSize: options.declaredSize ?? 100 },
    { name: 'manifest.json', content: new TextEncoder().encode('{}') },
  ]);
}

/** The second bomb: a ~16 KB zip holding a ~16 MB pass.json of five million `{}`, sizes declared honestly. */
export function emptyObjectsBomb(count = 5_000_000): Uint8Array {
  const passJson = Buffer.from(`[${'{},'.repeat(count - 1)}{}]`, 'latin1');
  return writeZip([{ name: 'pass.json', raw: deflateRawSync(passJson, { level: 9 }), declaredSize: passJson.length, content: passJson }]);
}

/** pass.json nested `depth` arrays deep: `[[[…]]]`. */
export function deepJsonZip(depth: number): Uint8Array {
  return writeZip([{ name: 'pass.json', content: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'latin1') }]);
}

/**
 * A PNG that is only a signature and an IHDR chunk declaring `width`×`height`: the header a
 * decompression bomb image starts with (the pixels never need to exist to be refused).
 */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(17);
  ihdr.write('IHDR', 0, 'latin1');
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  ihdr.writeUInt8(8, 12);
  ihdr.writeUInt8(6, 13);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(13);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(ihdr));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, ihdr, checksum]));
}

/**
 * Overlapping entries, the way non-recursive zip bombs reuse one compressed kernel: the first,
 * stored entry's data runs on over the second entry's local header and data.
 */
export function overlappingEntriesZip(): Uint8Array {
  const inner: ZipEntrySpec = { name: 'b.txt', content: new TextEncoder().encode('kernel'), method: 0 };
  const innerRecord = writeZip([inner]);
  // The inner archive's local record (header, name, data) is everything before its central directory.
  const innerLocal = innerRecord.subarray(0, 30 + 'b.txt'.length + 'kernel'.length);
  const outer = writeZip([{ name: 'a.txt', content: innerLocal, method: 0 }, inner], {
    // Central record 1 points into entry 0's data, where a copy of b.txt's local record sits.
    localOffsetOverrides: { 1: 30 + 'a.txt'.length },
  });
  return outer;
}

/**
 * Within every limit, yet real work: `files` entries of nearly 1 MiB of zeros (about 1 KiB each
 * compressed) listed in manifest.json, so each is inflated and hashed. 60 files take any machine
 * well over 25 ms; tests use it to keep a worker busy and to run past a time limit.
 */
export function busyWorkZip(files = 60): Uint8Array {
  const content = new Uint8Array(MIB - 1024);
  const raw = deflateRawSync(content);
  const names = Array.from({ length: files }, (_, index) => `f${index}.bin`);
  const manifest = JSON.stringify(Object.fromEntries(names.map((name) => [name, '0'.repeat(40)])));
  return writeZip([{ name: 'manifest.json', content: Buffer.from(manifest) }, ...names.map((name) => ({ name, content, raw }))]);
}
