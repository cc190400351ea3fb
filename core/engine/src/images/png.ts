import { crc32, deflateSync } from 'node:zlib';
import { isPngDimension } from '../schema/png-header';

// The header reader is plain JavaScript so that the schema's image check runs anywhere.
export { readPngInfo, type PngInfo } from '../schema/png-header';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const IHDR_LENGTH = 13;
const COLOR_TYPE_RGBA = 6;

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes a pixel, not premultiplied) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || !isPngDimension(width) || !isPngDimension(height)) {
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
