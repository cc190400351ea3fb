import { isIPv4, isIPv6 } from 'node:net';

/** A network prefix: the first `prefixLength` bits of `bytes`. */
interface Cidr {
  bytes: Uint8Array;
  prefixLength: number;
}

/** An IPv6 prefix whose addresses carry an IPv4 address at `offset`, judged by that IPv4 address. */
interface EmbeddingPrefix extends Cidr {
  offset: number;
}

/** Non-public IPv4 ranges (RFC 6890 special-purpose registry, multicast and reserved). */
const FORBIDDEN_IPV4: readonly Cidr[] = [
  cidr('0.0.0.0', 8), // "this network"; connecting to 0.0.0.0 reaches the local host on Linux
  cidr('10.0.0.0', 8),
  cidr('100.64.0.0', 10),
  cidr('127.0.0.0', 8),
  cidr('169.254.0.0', 16), // link-local, including the 169.254.169.254 metadata service
  cidr('172.16.0.0', 12),
  cidr('192.0.0.0', 24),
  cidr('192.0.2.0', 24),
  cidr('192.88.99.0', 24),
  cidr('192.168.0.0', 16),
  cidr('198.18.0.0', 15),
  cidr('198.51.100.0', 24),
  cidr('203.0.113.0', 24),
  cidr('224.0.0.0', 4),
  cidr('240.0.0.0', 4), // reserved, including the 255.255.255.255 broadcast
];

const FORBIDDEN_IPV6: readonly Cidr[] = [
  cidr('::', 128),
  cidr('::1', 128),
  // RFC 8215 local-use NAT64 translates to whatever the operator's network chooses, so no embedded
  // address can vouch for it.
  cidr('64:ff9b:1::', 48),
  cidr('100::', 64),
  cidr('2001:db8::', 32),
  cidr('2001::', 23),
  cidr('fc00::', 7), // unique local, including the AWS metadata service fd00:ec2::254
  cidr('fe80::', 10),
  cidr('fec0::', 10),
  cidr('ff00::', 8),
];

/** Prefixes that tunnel or translate to an IPv4 address: as safe as the address they lead to. */
const IPV4_EMBEDDING_PREFIXES: readonly EmbeddingPrefix[] = [
  { ...cidr('::ffff:0:0', 96), offset: 12 }, // IPv4-mapped
  { ...cidr('::ffff:0:0:0', 96), offset: 12 }, // IPv4-translated (SIIT)
  { ...cidr('::', 96), offset: 12 }, // IPv4-compatible (deprecated)
  { ...cidr('64:ff9b::', 96), offset: 12 }, // well-known NAT64
  { ...cidr('2002::', 16), offset: 2 }, // 6to4
];

/**
 * True when a server must not connect to `ip`: loopback, private, link-local, shared, multicast,
 * documentation, reserved or cloud-metadata addresses, IPv6 addresses that embed such an IPv4 address,
 * and anything that is not a plain IPv4 or IPv6 literal (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  const bytes = parseIpAddress(ip);
  if (!bytes) return true;
  return bytes.length === 4 ? isForbiddenIpv4(bytes) : isForbiddenIpv6(bytes);
}

/**
 * The bytes of an IP literal (4 for IPv4, 16 for IPv6), or null for anything else, including
 * IPv6 addresses with a zone id and the shorthand IPv4 forms (`127.1`, `0x7f.0.0.1`, `2130706433`).
 */
export function parseIpAddress(ip: string): Uint8Array | null {
  if (typeof ip !== 'string') return null;
  if (isIPv4(ip)) return parseIpv4(ip);
  // A zone id scopes an address to one interface of this host, which only non-global addresses
  // need, so a zoned address is never a public one.
  if (ip.includes('%')) return null;
  if (isIPv6(ip)) return parseIpv6(ip);
  return null;
}

/** True when `a` and `b` are the same IP address, whatever their spelling. */
export function isSameAddress(a: string, b: string): boolean {
  const left = parseIpAddress(a);
  const right = parseIpAddress(b);
  return left !== null && right !== null && Buffer.from(left).equals(right);
}

function isForbiddenIpv4(bytes: Uint8Array): boolean {
  return FORBIDDEN_IPV4.some((range) => inCidr(bytes, range));
}

function isForbiddenIpv6(bytes: Uint8Array): boolean {
  if (FORBIDDEN_IPV6.some((range) => inCidr(bytes, range))) return true;
  const embedding = IPV4_EMBEDDING_PREFIXES.find((prefix) => inCidr(bytes, prefix));
  return embedding ? isForbiddenIpv4(bytes.subarray(embedding.offset, embedding.offset + 4)) : false;
}

function inCidr(bytes: Uint8Array, range: Cidr): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefixLength; bit++) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

function cidr(address: string, prefixLength: number): Cidr {
  const bytes = parseIpAddress(address);
  if (!bytes) throw new Error(`Bad CIDR literal ${address}`);
  return { bytes, prefixLength };
}

/** Expects a string `net.isIPv4` accepted: four decimal octets without leading zeros. */
function parseIpv4(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

/** Expects a string `net.isIPv6` accepted and without a zone id. */
function parseIpv6(ip: string): Uint8Array | null {
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = hextets(halves[0] ?? '');
  const tail = halves.length === 2 ? hextets(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The 16-bit groups of one side of `::`; a trailing dotted IPv4 address counts as two groups. */
function hextets(part: string): number[] | null {
  if (part === '') return [];
  const groups: number[] = [];
  const pieces = part.split(':');
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && piece.includes('.')) {
      if (!isIPv4(piece)) return null;
      const [a = 0, b = 0, c = 0, d = 0] = parseIpv4(piece);
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return groups;
}
