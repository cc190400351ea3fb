/**
 * The PNG header reader, in plain JavaScript (no Buffer, no node:zlib) so that the schema entry
 * point can check data URIs wherever it runs.
 * @see https://www.w3.org/TR/png-3/#5PNG-file-signature
 */
export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const IHDR_LENGTH = 13;
/** Signature, IHDR length and type, the 13 IHDR bytes and their CRC. */
export const PNG_HEADER_BYTES = SIGNATURE.length + 8 + IHDR_LENGTH + 4;
const MAX_DIMENSION = 0x7fffffff;

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
  if (!(bytes instanceof Uint8Array) || bytes.length < PNG_HEADER_BYTES) return null;
  if (!SIGNATURE.every((byte, index) => bytes[index] === byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== IHDR_LENGTH || chunkType(bytes, 12) !== 'IHDR') return null;
  // The CRC is what tells a real PNG apart from bytes that merely start the same way (a truncated
  // upload, a corrupted copy): without it a garbled header would pass for valid dimensions.
  if (crc32(bytes.subarray(12, 16 + IHDR_LENGTH)) !== view.getUint32(16 + IHDR_LENGTH)) return null;
  return parseIhdr(view, 16);
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
  if (!isPngDimension(width) || !isPngDimension(height)) return null;
  if (!ALLOWED_BIT_DEPTHS[colorType]?.includes(bitDepth)) return null;
  if (compression !== 0 || filter !== 0 || interlace > 1) return null;
  return { width, height, bitDepth, colorType };
}

/** PNG dimensions are 1 to 2^31 − 1. */
export function isPngDimension(value: number): boolean {
  return value >= 1 && value <= MAX_DIMENSION;
}

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 as PNG chunks use it (ISO 3309, polynomial 0xEDB88320). Only the 17 bytes of the IHDR
 * chunk go through it here, so a table is all the speed it needs.
 * @see https://www.w3.org/TR/png-3/#5CRC-algorithm
 */
function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable());
  let crc = 0xffffffff;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
