import { lookup as dnsLookup } from 'node:dns/promises';
import { isIPv6, type Socket } from 'node:net';
import tls, { type SecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { PassmintBaseError, PassmintError } from '@passmint/engine';
import { isForbiddenAddress, isSameAddress, parseIpAddress } from '../images/address-policy';

/** One answer of a name lookup. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has; a guarded connection goes only to one of these. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Origins exempt from the address check (private deployments, tests), read from entries like
 * `"host"` (the scheme's default port: 443 for https, 80 for http) or `"host:port"` (that port),
 * with IPv6 in brackets (`"[::1]:8443"`; a bare `"::1"` is read as `"[::1]"`).
 */
export interface HostAllowList {
  /** `protocol` as WHATWG URL spells it (`"https:"`); `port` empty or absent for the default. */
  allows(protocol: string, hostname: string, port: string | number | undefined): boolean;
}

/** Why a guarded connection was not opened; the message names the host and never an address. */
export type ConnectRefusalCode = 'connect_address_forbidden' | 'connect_host_unresolved';

/**
 * Raised by the guarded connector and seen by its caller as the request's failure. Each caller
 * turns it into its own error (an image URL, a webhook attempt), so it never reaches a client.
 */
export class ConnectRefusedError extends PassmintBaseError {
  declare readonly code: ConnectRefusalCode;

  constructor(
    code: ConnectRefusalCode,
    readonly hostname: string,
    options?: ErrorOptions,
  ) {
    super(
      code,
      code === 'connect_host_unresolved'
        ? `Could not resolve the host ${hostname}.`
        : `The host ${hostname} is not allowed: it points to a private, loopback or reserved address.`,
      options,
    );
  }
}

export interface GuardedConnectorOptions {
  allowHosts: HostAllowList;
  lookup: HostLookup;
  /** TLS trust; Node's default store when absent. */
  secureContext?: SecureContext | undefined;
  /** Budget for the lookup, and for each connection attempt. */
  timeoutMs: number;
  /** Plain-text connections are refused, unless this is set and the origin is allow-listed. */
  plainHttpToAllowListed?: boolean;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };
// A host can list many addresses; each failed attempt may take a full connect timeout.
const MAX_CONNECT_ATTEMPTS = 3;

/** `dns.promises.lookup(hostname, { all: true })`, every address of the name. */
export async function lookupAll(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dnsLookup(hostname, { all: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

/**
 * Passing `ca` to TLS replaces the default store, so the defaults are passed along. Node 20 has no
 * way to read NODE_EXTRA_CA_CERTS back; from Node 22.15 `getCACertificates('default')` includes them.
 */
export function secureContextTrusting(extraCas: string | string[]): SecureContext {
  const readDefaults = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  const defaults = readDefaults ? readDefaults('default') : tls.rootCertificates;
  return tls.createSecureContext({ ca: [...defaults, ...[extraCas].flat()] });
}

/** Reads allow-list entries; a malformed one is an `invalid_config` error naming it. */
export function parseHostAllowList(entries: readonly string[]): HostAllowList {
  const origins = new Set(entries.flatMap(originKeysOf));
  return {
    allows: (protocol, hostname, port) => origins.has(originKey(protocol, hostname, port)),
  };
}

/** The origins an entry allows: its host with its port, or each scheme's default port when it has none. */
function originKeysOf(entry: string): string[] {
  const authority = isIPv6(entry) ? `[${entry}]` : entry;
  return Object.keys(DEFAULT_PORTS).map((protocol) => {
    // WHATWG URL drops a port equal to the scheme's default, which is what `host` means anyway.
    const url = parseAuthority(protocol, authority);
    if (!url) throw new PassmintError('invalid_config', `allowHosts entry "${entry}" is not "host" or "host:port"`);
    return originKey(protocol, url.hostname, url.port);
  });
}

function parseAuthority(protocol: string, authority: string): URL | null {
  try {
    const url = new URL(`${protocol}//${authority}/`);
    const isBareAuthority = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return isBareAuthority && url.hostname ? url : null;
  } catch {
    return null;
  }
}

/** `hostname` as WHATWG URL spells it, except that undici hands IPv6 over without brackets. */
function originKey(protocol: string, hostname: string, port: string | number | undefined): string {
  const host = isIPv6(hostname) ? `[${hostname}]` : hostname;
  return `${protocol}//${host.toLowerCase()}:${Number(port) || DEFAULT_PORTS[protocol]}`;
}

/**
 * An undici connector that checks every connection against the address it actually opens: the
 * host name is resolved once, all its addresses must be public (or the origin allow-listed), and
 * the socket goes to that checked address, so DNS rebinding has no second resolution to exploit.
 * Refusals fail the request with a ConnectRefusedError.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ secureContext: options.secureContext, timeout: options.timeoutMs });
  return (target, callback) => {
    openCheckedSocket(connect, options, target).then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, null),
    );
  };
}

async function openCheckedSocket(
  connect: buildConnector.connector,
  options: GuardedConnectorOptions,
  target: buildConnector.Options,
): Promise<Socket> {
  const { hostname, protocol } = target;
  const allowListed = options.allowHosts.allows(protocol, hostname, target.port);
  if (protocol !== 'https:' && !(protocol === 'http:' && allowListed && options.plainHttpToAllowListed)) {
    throw new ConnectRefusedError('connect_address_forbidden', hostname);
  }
  const addresses = await resolveHost(options.lookup, hostname, options.timeoutMs);
  if (addresses.some((address) => parseIpAddress(address) === null)) throw new ConnectRefusedError('connect_address_forbidden', hostname);
  if (!allowListed && addresses.some(isForbiddenAddress)) throw new ConnectRefusedError('connect_address_forbidden', hostname);
  let lastError: unknown;
  for (const address of addresses.slice(0, MAX_CONNECT_ATTEMPTS)) {
    try {
      return await connectToCheckedAddress(connect, target, address, allowListed);
    } catch (error) {
      if (error instanceof ConnectRefusedError) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function resolveHost(lookup: HostLookup, hostname: string, timeoutMs: number): Promise<string[]> {
  if (parseIpAddress(hostname)) return [hostname];
  let answers: ResolvedAddress[];
  try {
    answers = await withTimeout(lookup(hostname), timeoutMs);
  } catch (error) {
    throw new ConnectRefusedError('connect_host_unresolved', hostname, { cause: error });
  }
  if (!Array.isArray(answers) || answers.length === 0) throw new ConnectRefusedError('connect_host_unresolved', hostname);
  return answers.map((answer) => answer?.address);
}

/**
 * Rejects when `promise` takes longer than `timeoutMs`. The connector needs it for lookups: the
 * request's own timeout cannot reach into the connector, and undici keeps a connection attempt
 * (and every request queued behind it) waiting for as long as the lookup takes.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('Lookup timed out')), timeoutMs);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

function connectToCheckedAddress(
  connect: buildConnector.connector,
  target: buildConnector.Options,
  address: string,
  allowListed: boolean,
): Promise<Socket> {
  const hostIsAddress = parseIpAddress(target.hostname) !== null;
  const options: buildConnector.Options = {
    ...target,
    hostname: address,
    // SNI and certificate verification use the name; an IP-literal URL is verified against its IP SAN.
    servername: hostIsAddress ? undefined : target.hostname,
    // buildConnector derives a server name from `host` when `servername` is empty.
    host: undefined,
  };
  return new Promise((resolve, reject) => {
    connect(options, (error, socket) => {
      if (error || !socket) return reject(error);
      const remote = socket.remoteAddress ?? '';
      if (!isSameAddress(remote, address) || (!allowListed && isForbiddenAddress(remote))) {
        socket.destroy();
        return reject(new ConnectRefusedError('connect_address_forbidden', target.hostname));
      }
      resolve(socket);
    });
  });
}
