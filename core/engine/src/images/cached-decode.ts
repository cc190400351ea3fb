import { decodePngDataUri, type PngDataUriResult } from './data-uri';

const MAX_ENTRIES = 256;
const MAX_CACHED_BYTES = 64 * 1024 * 1024;
const results = new Map<string, PngDataUriResult>();
let cachedBytes = 0;

/**
 * `decodePngDataUri` with the default limits, remembered per URI: the same logo arrives with every
 * pass of a tenant, and is checked by the schema and then used by the renderer. Returning the same
 * Buffer each time also lets the renderer's checksum cache hit.
 */
export function decodePngDataUriCached(uri: string): PngDataUriResult {
  const hit = results.get(uri);
  if (hit) return hit;
  const result = decodePngDataUri(uri);
  const size = result.ok ? result.bytes.length : 0;
  while (results.size >= MAX_ENTRIES || (results.size > 0 && cachedBytes + size > MAX_CACHED_BYTES)) evictOldest();
  results.set(uri, result);
  cachedBytes += size;
  return result;
}

function evictOldest(): void {
  const [uri, result] = results.entries().next().value!;
  results.delete(uri);
  if (result.ok) cachedBytes -= result.bytes.length;
}
