import { spawnSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { encodePng, readPngInfo } from './png';
import { decodePng } from './png-decode';
import { decodeRgbaPng, readChunks } from './test-support/decode-png';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** 3×2: red, green, blue / white, transparent black, half-transparent grey. */
const PIXELS = Uint8Array.of(...[255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], ...[255, 255, 255, 255, 0, 0, 0, 0, 128, 128, 128, 128]);

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A PNG start with a hand-made IHDR (correct CRC) so single fields can be made invalid. */
function pngWithHeader(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(bitDepth, 8);
  ihdr.writeUInt8(colorType, 9);
  ihdr.writeUInt8(interlace, 12);
  return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IEND', new Uint8Array())]);
}

describe('encodePng', () => {
  const png = encodePng(3, 2, PIXELS);

  it('writes the signature, then IHDR, IDAT and IEND with valid CRCs', () => {
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect(readChunks(png).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('round-trips the pixels through its own IDAT, one unfiltered scanline per row', () => {
    const decoded = decodeRgbaPng(png);
    expect([decoded.width, decoded.height]).toEqual([3, 2]);
    expect([...decoded.rgba]).toEqual([...PIXELS]);
  });

  it('round-trips random images', () => {
    const image = fc
      .record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }) })
      .chain(({ width, height }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          rgba: fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 }),
        }),
      );
    fc.assert(
      fc.property(image, ({ width, height, rgba }) => {
        const decoded = decodeRgbaPng(encodePng(width, height, rgba));
        expect([decoded.width, decoded.height]).toEqual([width, height]);
        expect(decoded.rgba.equals(rgba)).toBe(true);
      }),
    );
  });

  it('rejects a pixel buffer of the wrong size or a non-positive dimension', () => {
    expect(() => encodePng(3, 2, new Uint8Array(23))).toThrow(RangeError);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodePng(1.5, 2, new Uint8Array(12))).toThrow(RangeError);
  });

  // file(1) is on Debian images; CI's .ci/run installs it where missing.
  it('is recognised by file(1)', () => {
    const result = spawnSync('file', ['-b', '-'], { input: png, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('PNG image data, 3 x 2, 8-bit/color RGBA, non-interlaced');
  });

  it('decodes with pngjs, an independent decoder, to the same pixels', () => {
    expect(decodePng(png)).toEqual({ width: 3, height: 2, pixels: Uint8Array.from(PIXELS) });
  });
});

describe('readPngInfo', () => {
  const png = encodePng(3, 2, PIXELS);

  it('reads the header of a real PNG', () => {
    expect(readPngInfo(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 6 });
  });

  it('reads a PNG that sits at an offset inside a larger buffer', () => {
    const padded = Buffer.concat([Buffer.alloc(5), png]);
    expect(readPngInfo(padded.subarray(5))).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 6 });
  });

  it('accepts every bit depth the spec allows for each colour type', () => {
    const allowed: Array<[number, number[]]> = [
      [0, [1, 2, 4, 8, 16]],
      [2, [8, 16]],
      [3, [1, 2, 4, 8]],
      [4, [8, 16]],
      [6, [8, 16]],
    ];
    for (const [colorType, depths] of allowed) {
      for (let bitDepth = 0; bitDepth <= 32; bitDepth++) {
        const info = readPngInfo(pngWithHeader(7, 9, bitDepth, colorType));
        expect(info).toEqual(depths.includes(bitDepth) ? { width: 7, height: 9, bitDepth, colorType } : null);
      }
    }
    for (const colorType of [1, 5, 7, 8, 255]) expect(readPngInfo(pngWithHeader(7, 9, 8, colorType))).toBeNull();
  });

  it('accepts Adam7 interlacing but no unknown interlace method', () => {
    expect(readPngInfo(pngWithHeader(7, 9, 8, 6, 1))).not.toBeNull();
    expect(readPngInfo(pngWithHeader(7, 9, 8, 6, 2))).toBeNull();
  });

  it('accepts dimensions up to 2^31 - 1 and nothing else', () => {
    expect(readPngInfo(pngWithHeader(2 ** 31 - 1, 1, 8, 6))?.width).toBe(2 ** 31 - 1);
    expect(readPngInfo(pngWithHeader(0, 1, 8, 6))).toBeNull();
    expect(readPngInfo(pngWithHeader(1, 0, 8, 6))).toBeNull();
    expect(readPngInfo(pngWithHeader(2 ** 31, 1, 8, 6))).toBeNull();
    expect(readPngInfo(pngWithHeader(1, 2 ** 32 - 1, 8, 6))).toBeNull();
  });

  it('rejects a wrong signature', () => {
    for (let i = 0; i < 8; i++) {
      const copy = Buffer.from(png);
      copy[i] = (copy[i] ?? 0) ^ 0x20;
      expect(readPngInfo(copy)).toBeNull();
    }
  });

  it('rejects every truncation that cuts into the IHDR chunk', () => {
    for (let length = 0; length < 33; length++) expect(readPngInfo(png.subarray(0, length))).toBeNull();
    expect(readPngInfo(png.subarray(0, 33))).not.toBeNull();
  });

  it('rejects a PNG whose first chunk is not IHDR', () => {
    const rest = png.subarray(8);
    const text = chunk('tEXt', Buffer.from('Comment\0hello', 'latin1'));
    expect(readPngInfo(Buffer.concat([png.subarray(0, 8), text, rest]))).toBeNull();
  });

  it('rejects an IHDR with the wrong length', () => {
    const ihdr = Buffer.concat([readChunks(png)[0]?.data ?? Buffer.alloc(0), Buffer.alloc(1)]);
    expect(readPngInfo(Buffer.concat([png.subarray(0, 8), chunk('IHDR', ihdr)]))).toBeNull();
  });

  it('rejects an IHDR whose CRC does not match, whether the CRC or the data is damaged', () => {
    const badCrc = Buffer.from(png);
    badCrc[29] = (badCrc[29] ?? 0) ^ 1;
    expect(readPngInfo(badCrc)).toBeNull();
    const badWidth = Buffer.from(png);
    badWidth[19] = 4;
    expect(readPngInfo(badWidth)).toBeNull();
  });

  it('returns null rather than throwing on a value that is not a Uint8Array', () => {
    expect(readPngInfo(null as unknown as Uint8Array)).toBeNull();
    expect(readPngInfo('\x89PNG' as unknown as Uint8Array)).toBeNull();
  });

  it('never throws on random bytes, with or without a PNG signature', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.of(...SIGNATURE, ...tail)),
    );
    fc.assert(fc.property(bytes, (value) => expect(readPngInfo(value)).toBeNull()));
  });

  it('reads back exactly the random headers the spec allows and rejects the rest', () => {
    const spec: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
    const dimension = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    const header = fc.record({
      width: dimension,
      height: dimension,
      bitDepth: fc.constantFrom(0, 1, 2, 3, 4, 8, 16, 32),
      colorType: fc.integer({ min: 0, max: 7 }),
      compression: fc.integer({ min: 0, max: 1 }),
      filter: fc.integer({ min: 0, max: 1 }),
      interlace: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(header, (h) => {
        const ihdr = Buffer.alloc(13);
        ihdr.writeUInt32BE(h.width, 0);
        ihdr.writeUInt32BE(h.height, 4);
        ihdr.set([h.bitDepth, h.colorType, h.compression, h.filter, h.interlace], 8);
        const valid =
          [h.width, h.height].every((d) => d >= 1 && d < 2 ** 31) &&
          (spec[h.colorType] ?? []).includes(h.bitDepth) &&
          h.compression === 0 &&
          h.filter === 0 &&
          h.interlace <= 1;
        const info = readPngInfo(Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', ihdr)]));
        const { width, height, bitDepth, colorType } = h;
        expect(info).toEqual(valid ? { width, height, bitDepth, colorType } : null);
      }),
      { numRuns: 500 },
    );
  });
});
