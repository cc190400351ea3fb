import { crc32 } from 'node:zlib';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR_LENGTH = 13;
/** Signature (8) + length (4) + type (4) + IHDR data (13) + CRC (4). */
export const PNG_HEADER_BYTES = 33;

export type PngHeader = { kind: 'png'; width: number; height: number } | { kind: 'not_png' } | { kind: 'bad_ihdr'; reason: string };

function readUint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

/** Reads width and height from the IHDR chunk, which the PNG spec requires to come first. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return { kind: 'not_png' };
  if (bytes.length < PNG_HEADER_BYTES) return { kind: 'bad_ihdr', reason: 'the file ends before the IHDR chunk' };
  const type = Buffer.from(bytes.subarray(12, 16)).toString('latin1');
  if (readUint32(bytes, 8) !== IHDR_LENGTH || type !== 'IHDR') return { kind: 'bad_ihdr', reason: 'the first chunk is not a 13-byte IHDR' };
  if (crc32(bytes.subarray(12, 29)) !== readUint32(bytes, 29)) return { kind: 'bad_ihdr', reason: 'the IHDR checksum is wrong' };
  const width = readUint32(bytes, 16);
  const height = readUint32(bytes, 20);
  if (width === 0 || height === 0) return { kind: 'bad_ihdr', reason: 'the image has zero width or height' };
  return { kind: 'png', width, height };
}
