import { LIMITS } from '../schema/limits';
import { checkPngDataUri, checkPngDataUriCached } from '../schema/png-data-uri';
import type { PngInfo } from '../schema/png-header';

export { isPngDataUri } from '../schema/png-data-uri';

export const MAX_IMAGE_BYTES = LIMITS.imageBytes;
export const MAX_IMAGE_DIMENSION = LIMITS.imageDimension;

/** `reason` reads after the image's name, e.g. `logo ${reason}` → "logo is not valid base64". */
export type PngDataUriResult = { ok: true; bytes: Buffer; info: PngInfo } | { ok: false; reason: string };

/**
 * Decodes and checks a `data:image/png;base64,…` URI. Never throws. The checks are the schema's,
 * so an image the body was validated with is not scanned again (its check is remembered).
 */
export function decodePngDataUri(uri: string, limits: { maxBytes?: number; maxDimension?: number } = {}): PngDataUriResult {
  const checked =
    limits.maxBytes === undefined && limits.maxDimension === undefined ? checkPngDataUriCached(uri) : checkPngDataUri(uri, limits);
  if (!checked.ok) return checked;
  return { ok: true, bytes: Buffer.from(checked.payload, 'base64'), info: checked.info };
}
