// Hand-written on purpose: shares no code with the generator (docs/validator.md); limits are checked before anything inflates.
import type { DirectoryEntry } from './zip-directory';
import { ZipDamage, ZipRefusal } from './zip-errors';

/**
 * Finds each entry's data through its local header (APPNOTE.TXT 4.3.7) and checks the local
 * header tells the same story as the central directory: a zip that shows one file to readers
 * of the directory and another to readers of the local headers is how checks get smuggled past.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

export interface EntrySpan {
  entry: DirectoryEntry;
  /** The entry's stored (possibly compressed) bytes. */
  data: Uint8Array;
  headerOffset: number;
  dataEnd: number;
}

const LOCAL_HEADER = 0x04034b50;
const LOCAL_HEADER_LENGTH = 30;
/** Bit 3: CRC and sizes follow the data in a data descriptor; the local header holds zeros. */
const FLAG_DATA_DESCRIPTOR = 0x0008;
const MAX32 = 0xffffffff;

export function locateEntryData(bytes: Uint8Array, entry: DirectoryEntry): EntrySpan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.headerOffset;
  if (at + LOCAL_HEADER_LENGTH > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) {
    throw new ZipDamage('zip_unreadable', `The local header of "${entry.name}" is missing.`, entry.name);
  }
  const nameLength = view.getUint16(at + 26, true);
  const dataStart = at + LOCAL_HEADER_LENGTH + nameLength + view.getUint16(at + 28, true);
  const localName = bytes.subarray(at + LOCAL_HEADER_LENGTH, at + LOCAL_HEADER_LENGTH + nameLength);
  if (!Buffer.from(localName).equals(entry.rawName)) {
    throw mismatch(entry, `its local header names "${Buffer.from(localName).toString('latin1')}"`);
  }
  if (view.getUint16(at + 8, true) !== entry.method) throw mismatch(entry, 'its local header gives another compression method');
  if (!(view.getUint16(at + 6, true) & FLAG_DATA_DESCRIPTOR) && !localSizesAgree(view, at, entry)) {
    throw mismatch(entry, 'its local header declares other sizes');
  }
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length)
    throw new ZipDamage('zip_unreadable', `The data of "${entry.name}" runs past the end of the file.`, entry.name);
  return { entry, data: bytes.subarray(dataStart, dataEnd), headerOffset: at, dataEnd };
}

/** 0xFFFFFFFF defers to the zip64 extra field, which the central directory has already resolved. */
function localSizesAgree(view: DataView, at: number, entry: DirectoryEntry): boolean {
  const compressed = view.getUint32(at + 18, true);
  const uncompressed = view.getUint32(at + 22, true);
  return (
    (compressed === MAX32 || compressed === entry.compressedSize) && (uncompressed === MAX32 || uncompressed === entry.uncompressedSize)
  );
}

function mismatch(entry: DirectoryEntry, how: string): ZipDamage {
  return new ZipDamage(
    'zip_header_mismatch',
    `The central directory's entry "${entry.name}" disagrees with the file it points to: ${how}. Zip tools would read different contents.`,
    entry.name,
  );
}

/**
 * No two entries may share bytes, and none may run into the central directory: non-recursive zip
 * bombs point many entries at one highly compressed kernel (Fifield, "A better zip bomb", 2019).
 * @see https://www.bamsoftware.com/hacks/zipbomb/
 */
export function checkNoOverlap(spans: EntrySpan[], directoryOffset: number): void {
  const ordered = [...spans].sort((a, b) => a.headerOffset - b.headerOffset);
  let previous: EntrySpan | undefined;
  for (const span of ordered) {
    if (previous !== undefined && span.headerOffset < previous.dataEnd) {
      throw new ZipRefusal(
        'zip_entries_overlap',
        `"${span.entry.name}" overlaps "${previous.entry.name}" inside the zip; no zip tool writes that, zip bombs do.`,
        span.entry.name,
      );
    }
    previous = span;
  }
  if (previous !== undefined && previous.dataEnd > directoryOffset) {
    throw new ZipRefusal(
      'zip_entries_overlap',
      `"${previous.entry.name}" runs into the central directory; no zip tool writes that, zip bombs do.`,
      previous.entry.name,
    );
  }
}
