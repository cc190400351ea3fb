import { MAX_IMAGE_BYTES, MAX_IMAGE_DIMENSION } from '../images/data-uri';
import { jsonNestsDeeperThan } from './json-depth';
import { readPngHeader } from './png-header';
import { type DirectoryEntry, MAX_ENTRIES } from './zip-directory';
import { ZipRefusal } from './zip-errors';

const MIB = 1024 * 1024;

/** What an archive may cost to read; past any of these it is refused unread (docs/validator.md). */
export const ZIP_LIMITS = {
  maxEntries: MAX_ENTRIES,
  /** All entries' declared sizes together. */
  maxTotalBytes: 64 * MIB,
  /** pass.json and manifest.json (issue 15 sets 1 MiB), the signature, .strings and any other file. */
  maxEntryBytes: MIB,
  /** Images are held to the generator's own limits, so every pass Passmint makes is read. */
  maxImageBytes: MAX_IMAGE_BYTES,
  maxImageDimension: MAX_IMAGE_DIMENSION,
  /** pass.json nests about six levels deep at most (semantic tags); 64 leaves room for anything real. */
  maxJsonDepth: 64,
} as const;

function isImage(name: string): boolean {
  return name.toLowerCase().endsWith('.png');
}

function byteLimitOf(name: string): number {
  return isImage(name) ? ZIP_LIMITS.maxImageBytes : ZIP_LIMITS.maxEntryBytes;
}

/** Refuses on the central directory's word alone, before anything is inflated. */
export function checkDeclaredSizes(entries: DirectoryEntry[]): void {
  const total = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (total > ZIP_LIMITS.maxTotalBytes) {
    throw new ZipRefusal('zip_too_large', 'The zip would inflate to more than 64 MiB; it was not unpacked.');
  }
  for (const entry of entries) {
    const limit = byteLimitOf(entry.name);
    if (entry.uncompressedSize > limit) {
      const kind = isImage(entry.name) ? 'an image' : 'a file in a pass';
      throw new ZipRefusal(
        'zip_entry_too_large',
        `"${entry.name}" declares ${entry.uncompressedSize} bytes; ${kind} may have at most ${limit}. It was not inflated.`,
        entry.name,
      );
    }
  }
}

/** What is checked on an entry's first bytes, before the rest is inflated. */
export function headCheckOf(name: string): ((head: Uint8Array) => void) | undefined {
  return isImage(name) ? (head) => checkImageHeader(name, head) : undefined;
}

/** A PNG's IHDR gives its pixel size; a decompression bomb image declares a huge one. Other damage is reported later. */
function checkImageHeader(name: string, head: Uint8Array): void {
  const header = readPngHeader(head);
  const max = ZIP_LIMITS.maxImageDimension;
  if (header.kind === 'png' && (header.width > max || header.height > max)) {
    throw new ZipRefusal(
      'image_dimensions_too_large',
      `"${name}" declares ${header.width}×${header.height} pixels; an image may have at most ${max}×${max}.`,
      name,
    );
  }
}

/** Checks on an entry kept whole for parsing (pass.json, manifest.json), before it is parsed. */
export function checkEntryContent(name: string, bytes: Uint8Array): void {
  if (name.toLowerCase().endsWith('.json') && jsonNestsDeeperThan(bytes, ZIP_LIMITS.maxJsonDepth)) {
    throw new ZipRefusal(
      'json_too_deep',
      `"${name}" nests arrays and objects more than ${ZIP_LIMITS.maxJsonDepth} levels deep; a pass needs a handful. It was not parsed.`,
      name,
    );
  }
}
