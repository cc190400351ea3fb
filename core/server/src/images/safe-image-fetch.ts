import { Agent, type Dispatcher } from 'undici';
import { MAX_IMAGE_BYTES, MAX_IMAGE_DIMENSION, PassmintError, readPngInfo } from '@passmint/engine';
import {
  ConnectRefusedError,
  createGuardedConnector,
  lookupAll,
  parseHostAllowList,
  secureContextTrusting,
  type GuardedConnectorOptions,
  type HostLookup,
} from '../net/guarded-connector';

export type { HostLookup, ResolvedAddress } from '../net/guarded-connector';

/** Limits and trust settings of an image fetcher; every field is optional. */
export interface ImageFetcherOptions {
  /**
   * Origins exempt from the address check (private deployments, tests): `"host"` (port 443) or
   * `"host:port"`, with IPv6 in brackets (`"[::1]:8443"`). https is still required.
   */
  allowHosts?: string[];
  /** Default: `dns.promises.lookup(hostname, { all: true })`. */
  lookup?: HostLookup;
  /** CAs trusted in addition to Node's default store. */
  ca?: string | string[];
  /** Budget for the whole fetch, redirects and body included. Default 10 000. */
  timeoutMs?: number;
  /** Default MAX_IMAGE_BYTES. */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Largest width or height accepted. Default MAX_IMAGE_DIMENSION. */
  maxDimension?: number;
}

/** Downloads tenant-supplied PNG URLs without letting them reach internal addresses. */
export interface ImageFetcher {
  /** Resolves to the PNG's bytes or rejects with an ImageFetchError. */
  fetchPng(url: string): Promise<Buffer>;
  /** Closes pooled connections; the fetcher is unusable afterwards. */
  close(): Promise<void>;
}

export type ImageFetchErrorCode = 'image_url_forbidden' | 'image_fetch_failed' | 'image_too_large' | 'invalid_image';

/** Why an image URL could not be turned into a PNG; the message names the URL's host and nothing internal. */
export class ImageFetchError extends PassmintError {
  declare readonly code: ImageFetchErrorCode;

  constructor(code: ImageFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

interface FetchSettings extends GuardedConnectorOptions {
  maxBytes: number;
  maxRedirects: number;
  maxDimension: number;
}

/** Signature, IHDR length and type, the 13 IHDR bytes and their CRC: what readPngInfo needs. */
const PNG_HEADER_BYTES = 33;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const REQUEST_HEADERS = { accept: 'image/png', 'user-agent': 'Passmint-ImageFetcher' };

/**
 * Creates a fetcher for pass images given as https URLs. Every connection is checked at connect time
 * against the address it actually opens (net/guarded-connector.ts), so DNS rebinding has no second
 * resolution to exploit. Redirects are followed by hand and re-checked on every hop.
 */
export function createImageFetcher(options: ImageFetcherOptions = {}): ImageFetcher {
  const settings = resolveSettings(options);
  const agent = new Agent({ connect: createGuardedConnector(settings) });
  return {
    fetchPng: (url) => fetchPng(agent, settings, url),
    close: () => agent.close(),
  };
}

function resolveSettings(options: ImageFetcherOptions): FetchSettings {
  return {
    allowHosts: parseHostAllowList(options.allowHosts ?? []),
    lookup: options.lookup ?? lookupAll,
    secureContext: options.ca === undefined ? undefined : secureContextTrusting(options.ca),
    timeoutMs: positiveNumber('timeoutMs', options.timeoutMs ?? 10_000),
    maxBytes: positiveNumber('maxBytes', options.maxBytes ?? MAX_IMAGE_BYTES),
    maxRedirects: nonNegativeInteger('maxRedirects', options.maxRedirects ?? 3),
    maxDimension: positiveNumber('maxDimension', options.maxDimension ?? MAX_IMAGE_DIMENSION),
  };
}

function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new PassmintError('invalid_config', `${name} must be a positive number`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) throw new PassmintError('invalid_config', `${name} must be a whole number ≥ 0`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Fetching

async function fetchPng(agent: Agent, settings: FetchSettings, rawUrl: string): Promise<Buffer> {
  let url = parseImageUrl(rawUrl);
  const signal = AbortSignal.timeout(settings.timeoutMs);
  for (let redirects = 0; ; redirects++) {
    const response = await send(agent, url, signal);
    if (!REDIRECT_STATUSES.has(response.statusCode)) return readPng(response, url, settings, signal);
    discard(response.body);
    if (redirects >= settings.maxRedirects) {
      throw new ImageFetchError('image_fetch_failed', `The image at ${url.host} redirected more than ${settings.maxRedirects} times.`);
    }
    url = redirectTarget(response.headers.location, url);
  }
}

function parseImageUrl(rawUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ImageFetchError('image_url_forbidden', 'The image URL is not a valid URL.');
  }
  const problem = urlProblem(url);
  if (problem) throw new ImageFetchError('image_url_forbidden', `The image URL for ${describeHost(url)} ${problem}.`);
  return url;
}

function redirectTarget(location: string | string[] | undefined, from: URL): URL {
  let next: URL | undefined;
  try {
    if (typeof location === 'string' && location !== '') next = new URL(location, from);
  } catch {
    // Reported below with the other unusable Locations.
  }
  if (!next) throw new ImageFetchError('image_fetch_failed', `The image at ${from.host} redirected without a usable Location.`);
  const problem = urlProblem(next);
  if (problem) {
    throw new ImageFetchError(
      'image_url_forbidden',
      `The image at ${from.host} redirected to ${describeHost(next)}, whose URL ${problem}.`,
    );
  }
  return next;
}

/** Why a URL may not be fetched at all, before any address is looked at. */
function urlProblem(url: URL): string | null {
  if (url.protocol !== 'https:') return 'must use https';
  if (url.username || url.password) return 'must not contain a user name or password';
  return null;
}

function describeHost(url: URL): string {
  return url.host || `a ${url.protocol} URL`;
}

async function send(agent: Agent, url: URL, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  try {
    return await agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: REQUEST_HEADERS,
      signal,
    });
  } catch (error) {
    throw asImageFetchError(error, url, signal);
  }
}

async function readPng(response: Dispatcher.ResponseData, url: URL, settings: FetchSettings, signal: AbortSignal): Promise<Buffer> {
  const { body } = response;
  try {
    assertSuccessStatus(response.statusCode, url);
    assertDeclaredLengthFits(response.headers['content-length'], url, settings.maxBytes);
    return await readBoundedPng(body, url, settings);
  } catch (error) {
    throw asImageFetchError(error, url, signal);
  } finally {
    discard(body);
  }
}

/**
 * Aborts an unread body, which closes its connection; a no-op once the body was read to the end.
 * undici's body emits an 'error' (RequestAbortedError) when destroyed unread, which would crash the
 * process without a listener.
 */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', ignore).destroy();
}

function ignore(): void {}

function assertSuccessStatus(statusCode: number, url: URL): void {
  if (statusCode < 200 || statusCode > 299) {
    throw new ImageFetchError(
      'image_fetch_failed',
      `The image at ${url.host} could not be fetched: the server answered HTTP ${statusCode}.`,
    );
  }
}

function assertDeclaredLengthFits(contentLength: string | string[] | undefined, url: URL, maxBytes: number): void {
  if (typeof contentLength === 'string' && Number(contentLength) > maxBytes) throw tooLarge(url, maxBytes);
}

/** Streams the body, stopping as soon as it exceeds maxBytes or its first 33 bytes are not an acceptable PNG. */
async function readBoundedPng(body: Dispatcher.ResponseData['body'], url: URL, settings: FetchSettings): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  let headerChecked = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > settings.maxBytes) throw tooLarge(url, settings.maxBytes);
    chunks.push(chunk);
    if (!headerChecked && received >= PNG_HEADER_BYTES) {
      assertAcceptablePngHeader(Buffer.concat(chunks, received), url, settings.maxDimension);
      headerChecked = true;
    }
  }
  if (!headerChecked) throw notAPng(url);
  return Buffer.concat(chunks, received);
}

function assertAcceptablePngHeader(bytes: Buffer, url: URL, maxDimension: number): void {
  const info = readPngInfo(bytes.subarray(0, PNG_HEADER_BYTES));
  if (!info) throw notAPng(url);
  if (info.width > maxDimension || info.height > maxDimension) {
    throw new ImageFetchError(
      'invalid_image',
      `The image at ${url.host} is ${info.width}×${info.height} pixels; the limit is ${maxDimension}×${maxDimension}.`,
    );
  }
}

function tooLarge(url: URL, maxBytes: number): ImageFetchError {
  return new ImageFetchError('image_too_large', `The image at ${url.host} is larger than ${maxBytes} bytes.`);
}

function notAPng(url: URL): ImageFetchError {
  return new ImageFetchError('invalid_image', `The image at ${url.host} is not a PNG image.`);
}

/** Keeps our own errors; turns anything undici or the network raised into a sentence about the host. */
function asImageFetchError(error: unknown, url: URL, signal: AbortSignal): ImageFetchError {
  if (error instanceof ImageFetchError) return error;
  if (error instanceof ConnectRefusedError) return connectRefusal(error);
  if (signal.aborted) {
    return new ImageFetchError('image_fetch_failed', `Fetching the image from ${url.host} timed out.`, { cause: error });
  }
  if (isCertificateError(error)) {
    return new ImageFetchError('image_fetch_failed', `The image host ${url.host} did not present a trusted TLS certificate.`, {
      cause: error,
    });
  }
  return new ImageFetchError('image_fetch_failed', `Could not fetch the image from ${url.host}.`, { cause: error });
}

function connectRefusal(error: ConnectRefusedError): ImageFetchError {
  if (error.code === 'connect_host_unresolved') {
    return new ImageFetchError('image_fetch_failed', `Could not resolve the image host ${error.hostname}.`, { cause: error.cause });
  }
  return new ImageFetchError(
    'image_url_forbidden',
    `The image host ${error.hostname} is not allowed: it points to a private, loopback or reserved address.`,
  );
}

function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code);
}
