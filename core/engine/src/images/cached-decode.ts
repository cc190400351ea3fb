import { DataUriCache } from '../schema/data-uri-cache';
import { decodePngDataUri, type PngDataUriResult } from './data-uri';

/** At most this many images, and this many decoded bytes of them, are remembered. */
const results = new DataUriCache<PngDataUriResult>({ entries: 256, weight: 64 * 1024 * 1024 });

/**
 * `decodePngDataUri` with the default limits, remembered per URI: the same logo arrives with every
 * pass of a tenant, and is checked by the schema and then used by the renderer. Returning the same
 * Buffer each time also lets the renderer's checksum cache hit.
 */
export function decodePngDataUriCached(uri: string): PngDataUriResult {
  const hit = results.get(uri);
  if (hit) return hit;
  const result = decodePngDataUri(uri);
  results.set(uri, result, result.ok ? result.bytes.length : 0);
  return result;
}
