import { crc32, deflateSync } from 'node:zlib';

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const IHDR_LENGTH = 13;
const MAX_DIMENSION = 0x7fffffff;
const COLOR_TYPE_RGBA = 6;

/** Bit depths the PNG spec allows for each colour type (greyscale, RGB, palette, grey+alpha, RGBA). */
const ALLOWED_BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * Reads the header of a PNG without decoding any pixels. Returns null for anything that is not a
 * well-formed PNG start. Never throws.
 */
export function readPngInfo(bytes: Uint8Array): PngInfo | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < SIGNATURE.length + 8 + IHDR_LENGTH + 4) return null;
  if (!hasSignature(bytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== IHDR_LENGTH || chunkType(bytes, 12) !== 'IHDR') return null;
  // The CRC is what tells a real PNG apart from bytes that merely start the same way (a truncated
  // upload, a corrupted copy): without it a garbled header would pass for valid dimensions.
  const typeAndData = bytes.subarray(12, 16 + IHDR_LENGTH);
  if (crc32(typeAndData) !== view.getUint32(16 + IHDR_LENGTH)) return null;
  return parseIhdr(view, 16);
}

function hasSignature(bytes: Uint8Array): boolean {
  return SIGNATURE.every((byte, index) => bytes[index] === byte);
}

function chunkType(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

function parseIhdr(view: DataView, offset: number): PngInfo | null {
  const width = view.getUint32(offset);
  const height = view.getUint32(offset + 4);
  const bitDepth = view.getUint8(offset + 8);
  const colorType = view.getUint8(offset + 9);
  const compression = view.getUint8(offset + 10);
  const filter = view.getUint8(offset + 11);
  const interlace = view.getUint8(offset + 12);
  if (!isDimension(width) || !isDimension(height)) return null;
  if (!ALLOWED_BIT_DEPTHS[colorType]?.includes(bitDepth)) return null;
  if (compression !== 0 || filter !== 0 || interlace > 1) return null;
  return { width, height, bitDepth, colorType };
}

function isDimension(value: number): boolean {
  return value >= 1 && value <= MAX_DIMENSION;
}

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes a pixel, not premultiplied) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || !isDimension(width) || !isDimension(height)) {
    throw new RangeError(`PNG dimensions must be positive integers, got ${width}×${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`Expected ${width * height * 4} bytes of RGBA pixels, got ${rgba.length}`);
  }
  return Buffer.concat([
    Buffer.from(SIGNATURE),
    chunk('IHDR', ihdr(width, height)),
    chunk('IDAT', deflateSync(unfilteredScanlines(width, height, rgba))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(IHDR_LENGTH);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.writeUInt8(8, 8);
  data.writeUInt8(COLOR_TYPE_RGBA, 9);
  return data;
}

/** Each scanline is prefixed with filter type 0 (None). */
function unfilteredScanlines(width: number, height: number, rgba: Uint8Array): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return raw;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  out.set(typeAndData, 4);
  out.writeUInt32BE(crc32(typeAndData), 4 + typeAndData.length);
  return out;
}
