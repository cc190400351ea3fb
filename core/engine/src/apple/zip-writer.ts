// Hand-written on purpose: stored entries and native CRC-32 zip a pass 3–6× faster than fflate's zipSync at level 0 (measured).
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** CRC-32 of `data` when the caller already knows it (cached images). */
  crc?: number;
  /** The same bytes under the same name recur in many archives (an image): their layout is kept. */
  recurs?: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
/** General-purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const STORED = 0;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const END_BYTES = 22;
/** Where the DOS time and date sit in each header, and the local header's offset in the central one. */
const LOCAL_TIME_AT = 10;
const CENTRAL_TIME_AT = 12;
const CENTRAL_OFFSET_AT = 42;

/**
 * Consecutive recurring entries (a pass's images, its strings files) laid out once: their local
 * headers each followed by the data, and their central records, with the times, dates and offsets
 * left zero, since those are all that differ between archives holding the same files. An archive
 * copies each block whole and writes those few fields.
 */
interface RecurringRun {
  entries: { name: string; data: Uint8Array }[];
  local: Buffer;
  central: Buffer;
  /** Where each entry's local header and central record start in the blocks. */
  localAt: number[];
  centralAt: number[];
}

const RUNS_PER_FIRST_FILE_MAX = 8;
const runsByFirstData = new WeakMap<Uint8Array, RecurringRun[]>();

function recurringRun(entries: ZipEntry[]): RecurringRun {
  const candidates = runsByFirstData.get(entries[0]!.data) ?? [];
  const found = candidates.find((run) => sameFiles(run.entries, entries));
  if (found) return found;
  const run = layOutRun(entries);
  if (candidates.length < RUNS_PER_FIRST_FILE_MAX) runsByFirstData.set(entries[0]!.data, [...candidates, run]);
  return run;
}

function sameFiles(kept: { name: string; data: Uint8Array }[], entries: ZipEntry[]): boolean {
  return (
    kept.length === entries.length && kept.every((file, index) => file.data === entries[index]!.data && file.name === entries[index]!.name)
  );
}

function layOutRun(entries: ZipEntry[]): RecurringRun {
  const names = entries.map((entry) => encodedName(entry.name));
  const localAt: number[] = [];
  const centralAt: number[] = [];
  let localSize = 0;
  let centralSize = 0;
  entries.forEach((entry, index) => {
    localAt.push(localSize);
    centralAt.push(centralSize);
    localSize += LOCAL_HEADER_BYTES + names[index]!.length + entry.data.length;
    centralSize += CENTRAL_HEADER_BYTES + names[index]!.length;
  });
  const local = Buffer.alloc(localSize);
  const central = Buffer.alloc(centralSize);
  entries.forEach((entry, index) => {
    const crc = entry.crc ?? crc32(entry.data);
    writeLocalHeader(local, localAt[index]!, names[index]!, crc, entry.data.length);
    local.set(entry.data, localAt[index]! + LOCAL_HEADER_BYTES + names[index]!.length);
    writeCentralHeader(central, centralAt[index]!, names[index]!, crc, entry.data.length);
  });
  return { entries: entries.map(({ name, data }) => ({ name, data })), local, central, localAt, centralAt };
}

/** An archive's entries as it writes them: once-only files one by one, recurring ones in runs. */
type Part = { run: RecurringRun } | { entry: ZipEntry; name: Buffer };

function partsOf(entries: ZipEntry[]): Part[] {
  const parts: Part[] = [];
  for (let index = 0; index < entries.length; ) {
    let end = index;
    while (end < entries.length && entries[end]!.recurs) end++;
    if (end > index) {
      parts.push({ run: recurringRun(entries.slice(index, end)) });
      index = end;
    } else {
      parts.push({ entry: entries[index]!, name: encodedName(entries[index]!.name) });
      index++;
    }
  }
  return parts;
}

/** The few names a pass uses (pass.json, icon@2x.png, de.lproj/pass.strings, …), encoded once each. */
const NAME_CACHE_MAX = 512;
const encodedNames = new Map<string, Buffer>();

function encodedName(name: string): Buffer {
  let encoded = encodedNames.get(name);
  if (!encoded) {
    encoded = Buffer.from(name, 'utf8');
    if (encodedNames.size < NAME_CACHE_MAX) encodedNames.set(name, encoded);
  }
  return encoded;
}

/** Time, date and (central) offset are left for the caller: they are what varies per archive. */
function writeLocalHeader(out: Buffer, at: number, name: Buffer, crc: number, size: number): void {
  out.writeUInt32LE(LOCAL_HEADER, at);
  out.writeUInt16LE(VERSION, at + 4);
  writeSharedFields(out, at + 6, name, crc, size);
  name.copy(out, at + LOCAL_HEADER_BYTES);
}

function writeCentralHeader(out: Buffer, at: number, name: Buffer, crc: number, size: number): void {
  out.writeUInt32LE(CENTRAL_HEADER, at);
  out.writeUInt16LE(VERSION, at + 4);
  out.writeUInt16LE(VERSION, at + 6);
  writeSharedFields(out, at + 8, name, crc, size);
  // Comment length, disk number, internal and external attributes, offset: zero here.
  out.fill(0, at + 32, at + CENTRAL_HEADER_BYTES);
  name.copy(out, at + CENTRAL_HEADER_BYTES);
}

/** The run from "flags" to "extra length" that the local header and the central record share. */
function writeSharedFields(out: Buffer, at: number, name: Buffer, crc: number, size: number): void {
  out.writeUInt16LE(UTF8_NAMES, at);
  out.writeUInt16LE(STORED, at + 2);
  out.writeUInt32LE(0, at + 4); // time and date
  out.writeUInt32LE(crc, at + 8);
  out.writeUInt32LE(size, at + 12);
  out.writeUInt32LE(size, at + 16);
  out.writeUInt16LE(name.length, at + 20);
  out.writeUInt16LE(0, at + 22); // extra field length
}

/**
 * A ZIP archive of stored (uncompressed) entries, every one at the root. A pass is mostly PNG,
 * which does not deflate, so storing keeps pass creation cheap at the cost of a few bytes.
 */
export function writeStoredZip(entries: ZipEntry[], modified: Date): Buffer {
  const timeAndDate = dosTimeAndDate(modified);
  const parts = partsOf(entries);
  let dataSize = 0;
  let centralSize = 0;
  for (const part of parts) {
    if ('run' in part) {
      dataSize += part.run.local.length;
      centralSize += part.run.central.length;
    } else {
      dataSize += LOCAL_HEADER_BYTES + part.name.length + part.entry.data.length;
      centralSize += CENTRAL_HEADER_BYTES + part.name.length;
    }
  }
  // Every byte is written below, so the buffer needn't be zeroed first.
  const out = Buffer.allocUnsafe(dataSize + centralSize + END_BYTES);
  let local = 0;
  let central = dataSize;
  for (const part of parts) {
    if ('run' in part) {
      const { run } = part;
      out.set(run.local, local);
      out.set(run.central, central);
      for (let index = 0; index < run.localAt.length; index++) {
        const localHeader = local + run.localAt[index]!;
        const centralRecord = central + run.centralAt[index]!;
        out.writeUInt32LE(timeAndDate, localHeader + LOCAL_TIME_AT);
        out.writeUInt32LE(timeAndDate, centralRecord + CENTRAL_TIME_AT);
        out.writeUInt32LE(localHeader, centralRecord + CENTRAL_OFFSET_AT);
      }
      local += run.local.length;
      central += run.central.length;
      continue;
    }
    const { entry, name } = part;
    const crc = entry.crc ?? crc32(entry.data);
    writeLocalHeader(out, local, name, crc, entry.data.length);
    writeCentralHeader(out, central, name, crc, entry.data.length);
    out.writeUInt32LE(timeAndDate, local + LOCAL_TIME_AT);
    out.writeUInt32LE(timeAndDate, central + CENTRAL_TIME_AT);
    out.writeUInt32LE(local, central + CENTRAL_OFFSET_AT);
    out.set(entry.data, local + LOCAL_HEADER_BYTES + name.length);
    local += LOCAL_HEADER_BYTES + name.length + entry.data.length;
    central += CENTRAL_HEADER_BYTES + name.length;
  }
  out.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, central);
  out.writeUInt32LE(0, central + 4); // this disk, and the disk the directory starts on
  out.writeUInt16LE(entries.length, central + 8);
  out.writeUInt16LE(entries.length, central + 10);
  out.writeUInt32LE(centralSize, central + 12);
  out.writeUInt32LE(dataSize, central + 16);
  out.writeUInt16LE(0, central + 20); // comment length
  return out;
}

/** The DOS time (low half) and date (high half) as the headers store them, little-endian. */
function dosTimeAndDate(modified: Date): number {
  const { time, date } = dosDateTime(modified);
  return (time | (date << 16)) >>> 0;
}

function dosDateTime(moment: Date): { time: number; date: number } {
  const year = Math.max(1980, moment.getUTCFullYear());
  return {
    time: (moment.getUTCHours() << 11) | (moment.getUTCMinutes() << 5) | (moment.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((moment.getUTCMonth() + 1) << 5) | moment.getUTCDate(),
  };
}
