// Hand-written on purpose: shares no code with the generator (docs/validator.md); limits are checked before anything inflates.
import { ZipDamage, ZipRefusal } from './zip-errors';

/**
 * Reads a zip's central directory without inflating anything. Field offsets follow PKWARE's
 * APPNOTE.TXT: 4.3.12 (central directory header), 4.3.14–4.3.16 (zip64 and classic end records),
 * 4.5.3 (zip64 extended information extra field).
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

/** A pass needs a few dozen files; more than this is refused before the directory is walked. */
export const MAX_ENTRIES = 1000;

/** One file as the central directory describes it. */
export interface DirectoryEntry {
  name: string;
  /** The name's bytes, to compare with the local header's. */
  rawName: Uint8Array;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  headerOffset: number;
}

export interface Directory {
  entries: DirectoryEntry[];
  /** Where the central directory starts: every entry's data must end before it. */
  offset: number;
}

const END_RECORD = 0x06054b50;
const ZIP64_END_RECORD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_HEADER = 0x02014b50;
const END_RECORD_LENGTH = 22;
const CENTRAL_HEADER_LENGTH = 46;
const MAX_COMMENT_LENGTH = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8_NAME = 0x0800;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** Wallet reads stored (0) and deflated (8) entries, like every common zip tool. */
const SUPPORTED_METHODS = new Set([0, 8]);

export function readDirectory(bytes: Uint8Array): Directory {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndRecord(view);
  const { count, size, offset } = directoryBounds(view, end);
  if (count > MAX_ENTRIES) {
    throw new ZipRefusal(
      'zip_too_many_entries',
      `The zip declares ${count} entries; a pass has a few dozen, and more than ${MAX_ENTRIES} are refused unread.`,
    );
  }
  if (offset + size > bytes.length) throw new ZipDamage('zip_unreadable', 'The central directory runs past the end of the file.');
  const entries: DirectoryEntry[] = [];
  let cursor = offset;
  for (let index = 0; index < count; index += 1) {
    const { entry, next } = readCentralHeader(bytes, view, cursor);
    entries.push(entry);
    cursor = next;
  }
  return { entries, offset };
}

/** The end record sits in the last 22 bytes plus at most a 65,535-byte comment. */
function findEndRecord(view: DataView): number {
  const last = view.byteLength - END_RECORD_LENGTH;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT_LENGTH; at -= 1) {
    if (view.getUint32(at, true) === END_RECORD) return at;
  }
  throw new ZipDamage('zip_unreadable', 'The file is not a zip archive (no end of central directory record).');
}

function directoryBounds(view: DataView, end: number): { count: number; size: number; offset: number } {
  if (view.getUint16(end + 4, true) !== 0 || view.getUint16(end + 6, true) !== 0) {
    throw new ZipDamage('zip_unreadable', 'The zip is split across several files; a pass must be one archive.');
  }
  const classic = { count: view.getUint16(end + 10, true), size: view.getUint32(end + 12, true), offset: view.getUint32(end + 16, true) };
  if (classic.count !== MAX16 && classic.size !== MAX32 && classic.offset !== MAX32) return classic;
  return zip64Bounds(view, end);
}

function zip64Bounds(view: DataView, end: number): { count: number; size: number; offset: number } {
  const locator = end - 20;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
    const count = view.getUint16(end + 10, true);
    // Exactly 65,535 entries without zip64: refused for their number, not as damage.
    if (count === MAX16) return { count, size: 0, offset: 0 };
    throw new ZipDamage('zip_unreadable', 'The end record points to a zip64 record that is not there.');
  }
  const record = readUint64(view, locator + 8);
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_END_RECORD) {
    throw new ZipDamage('zip_unreadable', 'The zip64 end of central directory record is missing or damaged.');
  }
  return { count: readUint64(view, record + 32), size: readUint64(view, record + 40), offset: readUint64(view, record + 48) };
}

function readCentralHeader(bytes: Uint8Array, view: DataView, at: number): { entry: DirectoryEntry; next: number } {
  if (at + CENTRAL_HEADER_LENGTH > bytes.length || view.getUint32(at, true) !== CENTRAL_HEADER) {
    throw new ZipDamage('zip_unreadable', 'The central directory is damaged (an entry header is missing).');
  }
  const flags = view.getUint16(at + 8, true);
  const method = view.getUint16(at + 10, true);
  const nameLength = view.getUint16(at + 28, true);
  const extraLength = view.getUint16(at + 30, true);
  const commentLength = view.getUint16(at + 32, true);
  const nameStart = at + CENTRAL_HEADER_LENGTH;
  const next = nameStart + nameLength + extraLength + commentLength;
  if (next > bytes.length)
    throw new ZipDamage('zip_unreadable', 'The central directory is damaged (an entry runs past the end of the file).');
  const rawName = bytes.subarray(nameStart, nameStart + nameLength);
  // Without the UTF-8 flag (bit 11) names are code page 437; their ASCII part, all a pass uses, reads the same as Latin-1.
  const name = Buffer.from(rawName).toString(flags & FLAG_UTF8_NAME ? 'utf8' : 'latin1');
  if (flags & FLAG_ENCRYPTED) throw new ZipDamage('zip_unreadable', `"${name}" is encrypted; Wallet cannot read encrypted entries.`, name);
  if (!SUPPORTED_METHODS.has(method)) {
    throw new ZipDamage(
      'zip_unreadable',
      `"${name}" uses compression method ${method}; Wallet reads only stored and deflated entries.`,
      name,
    );
  }
  const sizes = {
    uncompressedSize: view.getUint32(at + 24, true),
    compressedSize: view.getUint32(at + 20, true),
    headerOffset: view.getUint32(at + 42, true),
  };
  const extra = new DataView(bytes.buffer, bytes.byteOffset + nameStart + nameLength, extraLength);
  return { entry: { name, rawName, method, ...withZip64Sizes(sizes, extra, name) }, next };
}

type Sizes = Pick<DirectoryEntry, 'uncompressedSize' | 'compressedSize' | 'headerOffset'>;

/** A field holding 0xFFFFFFFF is in the zip64 extra field instead, in this order (APPNOTE 4.5.3). */
function withZip64Sizes(sizes: Sizes, extra: DataView, name: string): Sizes {
  const wide = (['uncompressedSize', 'compressedSize', 'headerOffset'] as const).filter((field) => sizes[field] === MAX32);
  if (wide.length === 0) return sizes;
  const field = findExtraField(extra, ZIP64_EXTRA_ID);
  if (field === undefined || field.length < 8 * wide.length) {
    throw new ZipDamage('zip_unreadable', `"${name}" declares zip64 sizes but has no zip64 extra field holding them.`, name);
  }
  const result = { ...sizes };
  wide.forEach((key, index) => (result[key] = readUint64(extra, field.start + 8 * index)));
  return result;
}

function findExtraField(extra: DataView, id: number): { start: number; length: number } | undefined {
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const length = extra.getUint16(at + 2, true);
    if (at + 4 + length > extra.byteLength) return undefined;
    if (extra.getUint16(at, true) === id) return { start: at + 4, length };
    at += 4 + length;
  }
  return undefined;
}

/** Above 2^53 precision is lost, but every such value is far past every limit anyway. */
function readUint64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}
