import { readPngInfo, type PngInfo } from './png';

export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_IMAGE_DIMENSION = 4096;

/** `reason` reads after the image's name, e.g. `logo ${reason}` → "logo is not valid base64". */
export type PngDataUriResult = { ok: true; bytes: Buffer; info: PngInfo } | { ok: false; reason: string };

const SCHEME = 'data:';
const MEDIA_TYPE = 'image/png';
const ENCODING = ';base64,';
const PREFIX_LENGTH = SCHEME.length + MEDIA_TYPE.length + ENCODING.length;

/** True when the value is a base64 PNG data URI; the media type is case-insensitive (RFC 2397). */
export function isPngDataUri(value: string): boolean {
  return (
    typeof value === 'string' &&
    value.startsWith(SCHEME) &&
    value.slice(SCHEME.length, SCHEME.length + MEDIA_TYPE.length).toLowerCase() === MEDIA_TYPE &&
    value.startsWith(ENCODING, SCHEME.length + MEDIA_TYPE.length)
  );
}

/** Decodes and checks a `data:image/png;base64,…` URI. Never throws. */
export function decodePngDataUri(uri: string, limits: { maxBytes?: number; maxDimension?: number } = {}): PngDataUriResult {
  const maxBytes = limits.maxBytes ?? MAX_IMAGE_BYTES;
  const maxDimension = limits.maxDimension ?? MAX_IMAGE_DIMENSION;
  if (!isPngDataUri(uri)) return fail('is not a data:image/png;base64 URI');
  const payload = uri.slice(PREFIX_LENGTH);
  if (payload.length % 4 !== 0) return fail('is not valid base64');
  // Sized from the encoded length alone so an oversized upload is refused before any scanning or decoding.
  if (decodedLength(payload) > maxBytes) return fail(`is larger than ${formatBytes(maxBytes)}`);
  const bytes = decodeStrictBase64(payload);
  if (!bytes) return fail('is not valid base64');
  const info = readPngInfo(bytes);
  if (!info) return fail('is not a PNG image');
  if (info.width > maxDimension || info.height > maxDimension) {
    return fail(`is ${info.width}×${info.height} pixels; the limit is ${maxDimension}×${maxDimension}`);
  }
  return { ok: true, bytes, info };
}

function fail(reason: string): PngDataUriResult {
  return { ok: false, reason };
}

function decodedLength(payload: string): number {
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return (payload.length / 4) * 3 - padding;
}

/**
 * Buffer.from(…, 'base64') silently skips whitespace and stray characters and accepts the URL-safe
 * alphabet, so the bytes are re-encoded: only a payload that is exactly their canonical base64 (standard
 * alphabet, correct padding, zero trailing bits) is accepted.
 */
function decodeStrictBase64(payload: string): Buffer | null {
  const bytes = Buffer.from(payload, 'base64');
  return bytes.toString('base64') === payload ? bytes : null;
}

function formatBytes(bytes: number): string {
  const mib = 1024 * 1024;
  if (bytes >= mib && bytes % mib === 0) return `${bytes / mib} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
}
