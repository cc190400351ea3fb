import { crc32, inflateSync } from 'node:zlib';

export interface PngChunk {
  type: string;
  data: Buffer;
}

export interface DecodedPng {
  width: number;
  height: number;
  chunks: PngChunk[];
  rgba: Buffer;
}

/** Splits a PNG into chunks, failing on a bad length or CRC, so tests check the container independently. */
export function readChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 8 + length;
    if (end + 4 > png.length) throw new Error(`chunk at ${offset} runs past the end`);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (crc32(png.subarray(offset + 4, end)) !== png.readUInt32BE(end)) throw new Error(`bad CRC on ${type}`);
    chunks.push({ type, data: png.subarray(offset + 8, end) });
    offset = end + 4;
  }
  return chunks;
}

/** Decodes an 8-bit RGBA, non-interlaced PNG whose scanlines all use filter type 0, as encodePng writes. */
export function decodeRgbaPng(png: Buffer): DecodedPng {
  const chunks = readChunks(png);
  const header = chunks[0]?.data;
  if (!header || chunks[0]?.type !== 'IHDR') throw new Error('IHDR is not first');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  if (header[8] !== 8 || header[9] !== 6 || header[12] !== 0) throw new Error('not 8-bit RGBA, non-interlaced');
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 4 + 1;
  if (raw.length !== stride * height) throw new Error(`IDAT holds ${raw.length} bytes, expected ${stride * height}`);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * stride] ?? -1;
    if (filter !== 0) throw new Error(`row ${y} uses filter ${filter}`);
    raw.copy(rgba, y * width * 4, y * stride + 1, (y + 1) * stride);
  }
  return { width, height, chunks, rgba };
}

/** [r, g, b, a] of one pixel. */
export function pixelAt(png: DecodedPng, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.rgba.subarray(i, i + 4)];
}
