// Hand-written on purpose: shares no code with the generator's signing (docs/validator.md), so one bug can't mask its twin.
import forge from 'node-forge';
import { PassmintError } from '../errors';

export type Asn1 = forge.asn1.Asn1;

/** The input does not have the ASN.1 shape the caller expected. */
export class DerShapeError extends PassmintError {
  constructor(message: string) {
    super('asn1_unexpected_shape', message);
  }
}

interface FromDerOptions {
  strict: boolean;
  parseAllBytes: boolean;
  decodeBitStrings: boolean;
}

// The bundled typings only know the legacy boolean argument; node-forge 1.x takes an options object.
const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: FromDerOptions) => Asn1;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  commonName: '2.5.4.3',
  organizationalUnit: '2.5.4.11',
  userId: '0.9.2342.19200300.100.1.1',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

/** Parses DER, leaving BIT STRING contents opaque so re-encoding reproduces the input bytes. */
export function parseDer(bytes: Uint8Array): Asn1 {
  const buffer = forge.util.createBuffer(Buffer.from(bytes).toString('binary'));
  return fromDer(buffer, { strict: true, parseAllBytes: true, decodeBitStrings: false });
}

export function encodeDer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

export function childrenOf(node: Asn1 | undefined, what: string): Asn1[] {
  if (node === undefined || !Array.isArray(node.value)) throw new DerShapeError(`${what} is missing or not a constructed value`);
  return node.value;
}

export function isUniversal(node: Asn1 | undefined, type: forge.asn1.Type): node is Asn1 {
  return node !== undefined && node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === type;
}

export function isContextTag(node: Asn1 | undefined, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === tag;
}

export function expectUniversal(node: Asn1 | undefined, type: forge.asn1.Type, what: string): Asn1 {
  if (!isUniversal(node, type)) throw new DerShapeError(`${what} has the wrong ASN.1 type`);
  return node;
}

export function primitiveBytes(node: Asn1 | undefined, what: string): Buffer {
  if (node === undefined || typeof node.value !== 'string') throw new DerShapeError(`${what} is missing or not a primitive value`);
  return Buffer.from(node.value, 'binary');
}

export function readOid(node: Asn1 | undefined, what: string): string {
  const oid = expectUniversal(node, forge.asn1.Type.OID, what);
  return forge.asn1.derToOid(primitiveBytes(oid, what).toString('binary'));
}

/** The algorithm OID of an AlgorithmIdentifier SEQUENCE. */
export function readAlgorithm(node: Asn1 | undefined, what: string): string {
  return readOid(childrenOf(expectUniversal(node, forge.asn1.Type.SEQUENCE, what), what)[0], what);
}

/** An INTEGER as uppercase hex without leading zero bytes (the form X.509 serials are quoted in). */
export function readIntegerHex(node: Asn1 | undefined, what: string): string {
  const bytes = primitiveBytes(expectUniversal(node, forge.asn1.Type.INTEGER, what), what);
  const hex = bytes
    .toString('hex')
    .toUpperCase()
    .replace(/^(00)+(?=.)/, '');
  return hex === '' ? '00' : hex;
}

export function readTime(node: Asn1 | undefined, what: string): Date {
  let date: Date;
  if (isUniversal(node, forge.asn1.Type.UTCTIME)) {
    date = forge.asn1.utcTimeToDate(primitiveBytes(node, what).toString('binary'));
  } else if (isUniversal(node, forge.asn1.Type.GENERALIZEDTIME)) {
    date = forge.asn1.generalizedTimeToDate(primitiveBytes(node, what).toString('binary'));
  } else {
    throw new DerShapeError(`${what} is not a UTCTime or GeneralizedTime`);
  }
  if (Number.isNaN(date.getTime())) throw new DerShapeError(`${what} is not a valid time`);
  return date;
}

const UTF8_STRING = 12;
const BMP_STRING = 30;

/** The text of a DirectoryString-like value (UTF8String, PrintableString, IA5String, BMPString...). */
export function readText(node: Asn1 | undefined): string | undefined {
  if (node === undefined || typeof node.value !== 'string') return undefined;
  if (node.type === BMP_STRING) return node.value; // forge already decodes BMPString to text
  const encoding = node.type === UTF8_STRING ? 'utf8' : 'latin1';
  return Buffer.from(node.value, 'binary').toString(encoding);
}
