import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** Non-public IPv4 ranges (RFC 6890 special-purpose registry, multicast and reserved). */
const FORBIDDEN_IPV4 = cidrs([
  '0.0.0.0/8', // "this network"; connecting to 0.0.0.0 reaches the local host on Linux
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, including the 169.254.169.254 metadata service
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4', // reserved, including the 255.255.255.255 broadcast
]);

const FORBIDDEN_IPV6 = cidrs([
  '::/128',
  '::1/128',
  // RFC 8215 local-use NAT64 translates to whatever the operator's network chooses, so no embedded
  // address can vouch for it.
  '64:ff9b:1::/48',
  '100::/64',
  '2001:db8::/32',
  '2001::/23',
  'fc00::/7', // unique local, including the AWS metadata service fd00:ec2::254
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
]);

const IPV4_COMPATIBLE = /^::(\d+\.\d+\.\d+\.\d+)$/;

/** Prefixes that tunnel or translate to an IPv4 address (at byte `offset`): as safe as the address they lead to. */
const IPV4_EMBEDDING_PREFIXES = [
  { range: ipaddr.parseCIDR('::ffff:0:0/96'), offset: 12 }, // IPv4-mapped
  { range: ipaddr.parseCIDR('::ffff:0:0:0/96'), offset: 12 }, // IPv4-translated (SIIT)
  { range: ipaddr.parseCIDR('::/96'), offset: 12 }, // IPv4-compatible (deprecated)
  { range: ipaddr.parseCIDR('64:ff9b::/96'), offset: 12 }, // well-known NAT64
  { range: ipaddr.parseCIDR('2002::/16'), offset: 2 }, // 6to4
];

/**
 * True when a server must not connect to `ip`: loopback, private, link-local, shared, multicast,
 * documentation, reserved or cloud-metadata addresses, IPv6 addresses that embed such an IPv4 address,
 * and anything that is not a plain IPv4 or IPv6 literal (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  const address = parseLiteral(ip);
  if (!address) return true;
  return address instanceof ipaddr.IPv4 ? isForbiddenIpv4(address) : isForbiddenIpv6(address);
}

/**
 * The bytes of an IP literal (4 for IPv4, 16 for IPv6), or null for anything else, including
 * IPv6 addresses with a zone id and the shorthand IPv4 forms (`127.1`, `0x7f.0.0.1`, `2130706433`).
 */
export function parseIpAddress(ip: string): Uint8Array | null {
  const address = parseLiteral(ip);
  return address ? Uint8Array.from(address.toByteArray()) : null;
}

/** True when `a` and `b` are the same IP address, whatever their spelling. */
export function isSameAddress(a: string, b: string): boolean {
  const left = parseIpAddress(a);
  const right = parseIpAddress(b);
  return left !== null && right !== null && Buffer.from(left).equals(right);
}

/**
 * Node's strict checks decide what is a literal (ipaddr.js also reads the shorthand and octal
 * IPv4 forms, which resolvers disagree on); ipaddr.js reads the ones that pass.
 */
function parseLiteral(ip: string): IpAddress | null {
  if (typeof ip !== 'string') return null;
  if (isIPv4(ip)) return ipaddr.IPv4.parse(ip);
  // A zone id scopes an address to one interface of this host, which only non-global addresses
  // need, so a zoned address is never a public one.
  if (ip.includes('%') || !isIPv6(ip)) return null;
  // ipaddr.js reads the deprecated IPv4-compatible `::a.b.c.d` as IPv4-mapped `::ffff:a.b.c.d`;
  // RFC 4291 §2.5.5.1 puts the IPv4 address after 96 zero bits.
  const compatible = IPV4_COMPATIBLE.exec(ip)?.[1];
  if (compatible) return ipaddr.fromByteArray([...new Array<number>(12).fill(0), ...ipaddr.IPv4.parse(compatible).octets]);
  try {
    return ipaddr.IPv6.parse(ip);
  } catch {
    return null;
  }
}

function isForbiddenIpv4(address: ipaddr.IPv4): boolean {
  return FORBIDDEN_IPV4.some((range) => address.match(range));
}

function isForbiddenIpv6(address: ipaddr.IPv6): boolean {
  if (FORBIDDEN_IPV6.some((range) => address.match(range))) return true;
  const embedding = IPV4_EMBEDDING_PREFIXES.find((prefix) => address.match(prefix.range));
  if (!embedding) return false;
  return isForbiddenIpv4(new ipaddr.IPv4(address.toByteArray().slice(embedding.offset, embedding.offset + 4)));
}

function cidrs(ranges: string[]): [IpAddress, number][] {
  return ranges.map((range) => ipaddr.parseCIDR(range));
}
