import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip writer for tests that can lie: every header field a hostile archive bends is a knob here.
 * Written from PKWARE's APPNOTE.TXT (sections 4.3.7 local header, 4.3.9 data descriptor, 4.3.12
 * central directory, 4.3.14–4.3.16 end records, 4.5.3 zip64 extra field).
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
export interface ZipEntrySpec {
  name: string;
  /** What the entry inflates to; may be left out when `raw` is given. */
  content?: Uint8Array;
  /** The bytes stored in the archive; default: `content` itself (stored) or its DEFLATE stream. */
  raw?: Uint8Array;
  /** 0 stored, 8 deflated (default), anything else to test unsupported methods. */
  method?: number;
  /** The uncompressed size both headers declare; default: the content's length. */
  declaredSize?: number;
  /** The compressed size both headers declare; default: the raw data's length. */
  declaredCompressedSize?: number;
  /** Sizes and CRC in a data descriptor after the data, zeros in the local header (flag bit 3). */
  dataDescriptor?: boolean;
  /** Sizes and offset in zip64 extra fields, 0xFFFFFFFF in the headers. */
  zip64?: boolean;
  /** The name in the local header when it should differ from the central directory's. */
  localName?: string;
  /** Extra general-purpose flag bits, e.g. 1 (encrypted). */
  flags?: number;
}

export interface ZipOptions {
  /** The entry count the end record declares; default: the real count. */
  declaredEntryCount?: number;
  /** Write a zip64 end record and locator, with 0xFFFF/0xFFFFFFFF in the classic end record. */
  zip64Directory?: boolean;
  /** Where each entry's central record says its local header is, by index; default: where it is. */
  localOffsetOverrides?: Record<number, number>;
}

const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;

interface Written {
  spec: ZipEntrySpec;
  offset: number;
  raw: Uint8Array;
  crc: number;
  size: number;
  compressedSize: number;
}

export function writeZip(entries: ZipEntrySpec[], options: ZipOptions = {}): Uint8Array {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (part: Buffer) => {
    parts.push(part);
    offset += part.length;
  };
  const written: Written[] = entries.map((spec) => {
    const content = spec.content ?? new Uint8Array();
    const method = spec.method ?? 8;
    const raw = spec.raw ?? (method === 8 ? deflateRawSync(content) : content);
    const entry = {
      spec,
      offset,
      raw,
      crc: crc32(content),
      size: spec.declaredSize ?? content.length,
      compressedSize: spec.declaredCompressedSize ?? raw.length,
    };
    push(localHeader(entry));
    push(Buffer.from(raw));
    if (spec.dataDescriptor) push(dataDescriptor(entry));
    return entry;
  });
  const directoryOffset = offset;
  written.forEach((entry, index) => push(centralHeader(entry, options.localOffsetOverrides?.[index] ?? entry.offset)));
  const directorySize = offset - directoryOffset;
  const count = options.declaredEntryCount ?? entries.length;
  if (options.zip64Directory) {
    const zip64End = offset;
    push(zip64EndRecord(count, directorySize, directoryOffset));
    push(zip64Locator(zip64End));
    push(endRecord(MAX16, MAX32, MAX32));
  } else {
    push(endRecord(count, directorySize, directoryOffset));
  }
  return new Uint8Array(Buffer.concat(parts));
}

function flagsOf(spec: ZipEntrySpec): number {
  return UTF8_NAMES | (spec.dataDescriptor ? DATA_DESCRIPTOR : 0) | (spec.flags ?? 0);
}

function localHeader(entry: Written): Buffer {
  const { spec } = entry;
  const name = Buffer.from(spec.localName ?? spec.name, 'utf8');
  const extra = spec.zip64 ? zip64Extra([entry.size, entry.compressedSize]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(spec.zip64 ? 45 : 20, 4);
  header.writeUInt16LE(flagsOf(spec), 6);
  header.writeUInt16LE(spec.method ?? 8, 8);
  header.writeUInt32LE(spec.dataDescriptor ? 0 : entry.crc, 14);
  header.writeUInt32LE(sizeField(entry.compressedSize, spec), 18);
  header.writeUInt32LE(sizeField(entry.size, spec), 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

function sizeField(size: number, spec: ZipEntrySpec): number {
  if (spec.zip64) return MAX32;
  return spec.dataDescriptor ? 0 : size;
}

function dataDescriptor(entry: Written): Buffer {
  const wide = entry.spec.zip64 === true;
  const descriptor = Buffer.alloc(wide ? 24 : 16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(entry.crc, 4);
  if (wide) {
    descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
  }
  return descriptor;
}

function centralHeader(entry: Written, localOffset: number): Buffer {
  const { spec } = entry;
  const name = Buffer.from(spec.name, 'utf8');
  const extra = spec.zip64 ? zip64Extra([entry.size, entry.compressedSize, localOffset]) : Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(spec.zip64 ? 45 : 20, 4);
  header.writeUInt16LE(spec.zip64 ? 45 : 20, 6);
  header.writeUInt16LE(flagsOf(spec), 8);
  header.writeUInt16LE(spec.method ?? 8, 10);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(spec.zip64 ? MAX32 : entry.compressedSize, 20);
  header.writeUInt32LE(spec.zip64 ? MAX32 : entry.size, 24);
  header.writeUInt16LE(name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(spec.zip64 ? MAX32 : localOffset, 42);
  return Buffer.concat([header, name, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index));
  return extra;
}

function endRecord(count: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(Math.min(count, MAX16), 8);
  record.writeUInt16LE(Math.min(count, MAX16), 10);
  record.writeUInt32LE(directorySize, 12);
  record.writeUInt32LE(directoryOffset, 16);
  return record;
}

function zip64EndRecord(count: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  return record;
}

function zip64Locator(zip64EndOffset: number): Buffer {
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
  locator.writeUInt32LE(1, 16);
  return locator;
}
