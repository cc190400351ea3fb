import { checkPngDataUriCached, type PngDataUriCheck } from '../schema/png-data-uri';
import { decodePngDataUri, type PngDataUriResult } from './data-uri';

/**
 * Decoded images by the schema's remembered check of their URI, so they live as long as that
 * entry and a lookup is one search of the schema's cache, which the body's validation has just
 * made with the same string.
 */
const decodedByCheck = new WeakMap<PngDataUriCheck, PngDataUriResult>();

/**
 * `decodePngDataUri` with the default limits, remembered per URI: the same logo arrives with every
 * pass of a tenant, and is checked by the schema and then used by the renderer. Returning the same
 * Buffer each time also lets the renderer's checksum cache hit.
 */
export function decodePngDataUriCached(uri: string): PngDataUriResult {
  const checked = checkPngDataUriCached(uri);
  if (!checked.ok) return checked;
  let decoded = decodedByCheck.get(checked);
  if (decoded === undefined) {
    decoded = decodePngDataUri(uri);
    decodedByCheck.set(checked, decoded);
  }
  return decoded;
}
