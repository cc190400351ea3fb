/**
 * The few DER (X.690) constructions the PKCS#7 signature needs. Written out by hand because the
 * signature is built once per pass on the hot path, around a native RSA signature.
 */

export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const length = contents.reduce((sum, part) => sum + part.length, 0);
  const header = Buffer.concat([Buffer.from([tag]), encodeLength(length)]);
  return Buffer.concat([header, ...contents], header.length + length);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const sequence = (...contents: Uint8Array[]) => tlv(0x30, ...contents);

/** DER sorts the members of a SET OF by their encodings. */
export const setOf = (...members: Buffer[]) => tlv(0x31, ...[...members].sort(Buffer.compare));

export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const nullValue = () => Buffer.from([0x05, 0x00]);
export const smallInteger = (value: number) => tlv(0x02, Buffer.from([value]));
/** `[n]` with explicit tagging (or implicit tagging of a constructed type: the same bytes). */
export const contextConstructed = (n: number, ...contents: Uint8Array[]) => tlv(0xa0 | n, ...contents);

export function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ), which X.509 and CMS use for dates before 2050. */
export function utcTime(date: Date): Buffer {
  return tlv(0x17, Buffer.from(utcTimeText(date), 'ascii'));
}

export function utcTimeText(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

export interface DerElement {
  tag: number;
  /** The whole element, header included. */
  bytes: Buffer;
  /** The contents only. */
  contents: Buffer;
}

/** Reads one element at `offset`; enough to pick fields out of a certificate. */
export function readElement(buffer: Buffer, offset = 0): DerElement {
  const tag = buffer[offset];
  let lengthByte = buffer[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new RangeError('truncated DER element');
  let headerLength = 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = buffer[offset + 2 + i];
      if (lengthByte === undefined) throw new RangeError('truncated DER length');
      length = length * 256 + lengthByte;
    }
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > buffer.length) throw new RangeError('truncated DER element');
  return { tag, bytes: buffer.subarray(offset, end), contents: buffer.subarray(offset + headerLength, end) };
}

/** The direct children of a constructed element. */
export function readChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length; ) {
    const child = readElement(element.contents, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}
