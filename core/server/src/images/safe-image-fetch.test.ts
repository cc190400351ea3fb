import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import tls from 'node:tls';
import { encodePng } from '@passmint/engine';
import {
  createImageFetcher,
  ImageFetchError,
  type HostLookup,
  type ImageFetcher,
  type ImageFetcherOptions,
  type ImageFetchErrorCode,
} from './safe-image-fetch';
import { createTestPki, type TestPki } from '../test-support/test-pki';
import { startCanary, startHttpsServer, type Canary, type TestHttpsServer } from '../test-support/test-servers';

const PNG = encodePng(2, 2, new Uint8Array(2 * 2 * 4).fill(120));
const PUBLIC_IPV4 = '93.184.215.14';
/** Far more than any socket buffer holds, so a server that finished sending knows nobody hung up. */
const ENDLESS_BYTES = 64 * 1024 * 1024;

let pki: TestPki;
let untrustedPki: TestPki;
let canary: Canary;
let good: TestHttpsServer;
let untrusted: TestHttpsServer;
const fetchers: ImageFetcher[] = [];
const seenRequests: { url: string; headers: IncomingHttpHeaders }[] = [];
/** How the last endless body ended: did the server get to send all of it? */
let endlessBody: Promise<{ completed: boolean; sent: number }> | undefined;

beforeAll(async () => {
  pki = createTestPki('Passmint Test CA');
  untrustedPki = createTestPki('Someone Else CA');
  canary = await startCanary();
  good = await startHttpsServer(pki, route);
  untrusted = await startHttpsServer(untrustedPki, (_request, response) => sendPng(response, PNG));
});

afterAll(async () => {
  await Promise.all(fetchers.map((fetcher) => fetcher.close()));
  await Promise.all([good?.close(), untrusted?.close(), canary?.close()]);
});

function route(request: IncomingMessage, response: ServerResponse): void {
  seenRequests.push({ url: request.url ?? '', headers: request.headers });
  const path = new URL(request.url ?? '/', 'https://localhost').pathname;
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) {
    const remaining = Number(chain[1]);
    return remaining === 0 ? sendPng(response, PNG) : redirect(response, `/chain/${remaining - 1}`);
  }
  switch (path) {
    case '/logo.png':
      return sendPng(response, PNG);
    case '/redirect-to-canary':
      return redirect(response, `https://127.0.0.1:${canary.port}/logo.png`);
    case '/redirect-to-canary-by-name':
      return redirect(response, `https://localhost:${canary.port}/logo.png`);
    case '/redirect-to-metadata':
      return redirect(response, 'https://169.254.169.254/latest/meta-data/');
    case '/redirect-to-http':
      return redirect(response, `http://localhost:${good.port}/logo.png`);
    case '/redirect-with-userinfo':
      return redirect(response, `https://admin:secret@localhost:${good.port}/logo.png`);
    case '/redirect-without-location':
      response.writeHead(302).end();
      return;
    case '/hang':
      return; // never answers
    case '/stall-after-header':
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(PNG.subarray(0, 40));
      return; // never finishes
    case '/declared-too-large':
      // A valid PNG, then silence: only the declared length can tell the fetcher to stop.
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(2 * 1024 * 1024) });
      response.write(PNG);
      return;
    case '/chunked-too-large':
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.concat([PNG, Buffer.alloc(200 * 1024)]));
      return;
    case '/png-bomb':
      response.writeHead(200, { 'content-type': 'image/png' });
      endlessBody = streamEndlessBody(response, pngHeaderDeclaring(100_000, 100_000));
      return;
    case '/too-wide':
      return sendPng(response, pngHeaderDeclaring(4097, 1));
    case '/zero-height':
      return sendPng(response, pngHeaderDeclaring(1, 0));
    case '/jpeg':
      return sendPng(response, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF'), Buffer.alloc(64)]));
    case '/html':
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Not an image at all</body></html>');
      return;
    case '/short':
      return sendPng(response, PNG.subarray(0, 20));
    default:
      response.writeHead(404).end('not found');
  }
}

function sendPng(response: ServerResponse, bytes: Buffer): void {
  response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) }).end(bytes);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location }).end();
}

/** Sends `head`, then zeros until ENDLESS_BYTES or until the client hangs up. */
function streamEndlessBody(response: ServerResponse, head: Buffer): Promise<{ completed: boolean; sent: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    const filler = Buffer.alloc(64 * 1024);
    response.on('close', () => resolve({ completed: response.writableFinished, sent }));
    const pump = (): void => {
      while (!response.destroyed && sent < ENDLESS_BYTES) {
        sent += filler.length;
        if (!response.write(filler)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end();
    };
    response.write(head);
    pump();
  });
}

function endlessBodyOutcome(): Promise<{ completed: boolean; sent: number }> {
  if (!endlessBody) throw new Error('The server never started an endless body');
  return endlessBody;
}

/** A PNG signature and a well-formed IHDR (valid CRC) declaring any size, followed by an empty IEND. */
function pngHeaderDeclaring(width: number, height: number): Buffer {
  const bytes = Buffer.from(PNG);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

function fetcher(options: ImageFetcherOptions = {}): ImageFetcher {
  const created = createImageFetcher({
    allowHosts: [`localhost:${good.port}`],
    ca: pki.caCert,
    // Generous for a loaded machine; the tests that are about the timeout set their own.
    timeoutMs: 60_000,
    ...options,
  });
  fetchers.push(created);
  return created;
}

function goodUrl(path: string): string {
  return `https://localhost:${good.port}${path}`;
}

async function failureOf(promise: Promise<unknown>): Promise<ImageFetchError> {
  const error = await promise.then(
    () => {
      throw new Error('Expected the fetch to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageFetchError);
  return error as ImageFetchError;
}

async function expectFailure(promise: Promise<unknown>, code: ImageFetchErrorCode): Promise<ImageFetchError> {
  const error = await failureOf(promise);
  expect(error.code).toBe(code);
  expect(error.message).not.toMatch(/\n\s+at /);
  return error;
}

function staticLookup(...addresses: string[]): jest.Mock<ReturnType<HostLookup>, Parameters<HostLookup>> {
  return jest.fn(async (_hostname: string) =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })),
  );
}

describe('createImageFetcher: success', () => {
  it('fetches a PNG from an allow-listed origin', async () => {
    await expect(fetcher().fetchPng(goodUrl('/logo.png'))).resolves.toEqual(PNG);
  });

  it('sends Accept and User-Agent, no credentials, and never the fragment', async () => {
    seenRequests.length = 0;
    await fetcher().fetchPng(goodUrl('/logo.png?size=2#fragment'));
    expect(seenRequests).toHaveLength(1);
    const [{ url, headers }] = seenRequests as [(typeof seenRequests)[number]];
    expect(url).toBe('/logo.png?size=2');
    expect(headers.accept).toBe('image/png');
    expect(headers['user-agent']).toBe('Passmint-ImageFetcher');
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
  });

  it('follows redirects up to the cap', async () => {
    await expect(fetcher({ maxRedirects: 3 }).fetchPng(goodUrl('/chain/3'))).resolves.toEqual(PNG);
  });

  it('verifies the certificate against an allow-listed IP literal', async () => {
    const byAddress = fetcher({ allowHosts: [`127.0.0.1:${good.port}`] });
    await expect(byAddress.fetchPng(`https://127.0.0.1:${good.port}/logo.png`)).resolves.toEqual(PNG);
  });

  it('tries the next checked address when one refuses the connection', async () => {
    const lookup = staticLookup('127.0.0.2', '127.0.0.1');
    await expect(fetcher({ lookup }).fetchPng(goodUrl('/logo.png'))).resolves.toEqual(PNG);
  });

  it('reuses one fetcher for many fetches', async () => {
    const shared = fetcher();
    const results = await Promise.all([1, 2, 3, 4].map(() => shared.fetchPng(goodUrl('/logo.png'))));
    expect(results).toEqual([PNG, PNG, PNG, PNG]);
  });
});

describe('createImageFetcher: forbidden URLs', () => {
  it.each([
    ['loopback IPv4', () => `https://127.0.0.1:${canary.port}/logo.png`],
    ['loopback IPv6', () => `https://[::1]:${canary.port}/logo.png`],
    ['IPv4-mapped loopback', () => `https://[::ffff:127.0.0.1]:${canary.port}/logo.png`],
    ['IPv4-compatible loopback', () => `https://[::127.0.0.1]:${canary.port}/logo.png`],
    ['NAT64 loopback', () => `https://[64:ff9b::7f00:1]:${canary.port}/logo.png`],
    ['decimal loopback', () => `https://2130706433:${canary.port}/logo.png`],
    ['hex shorthand loopback', () => `https://0x7f.1:${canary.port}/logo.png`],
    ['short loopback', () => `https://127.1:${canary.port}/logo.png`],
    ['0.0.0.0', () => `https://0.0.0.0:${canary.port}/logo.png`],
    ['cloud metadata', () => 'https://169.254.169.254/latest/meta-data/'],
    ['AWS IPv6 metadata', () => `https://[fd00:ec2::254]:${canary.port}/`],
    ['localhost on a port that is not allow-listed', () => `https://localhost:${canary.port}/logo.png`],
  ])('refuses %s', async (_name, url) => {
    const error = await expectFailure(fetcher().fetchPng(url()), 'image_url_forbidden');
    expect(error.message).toMatch(/not allowed/);
  });

  it.each([
    ['http to an allowed origin', () => `http://localhost:${good.port}/logo.png`],
    ['http to loopback', () => `http://127.0.0.1:${canary.port}/logo.png`],
    ['file', () => 'file:///etc/passwd'],
    ['a user name and password', () => `https://user:pass@localhost:${good.port}/logo.png`],
    ['a user name alone', () => `https://user@localhost:${good.port}/logo.png`],
    ['not a URL', () => 'logo.png'],
  ])('refuses %s before connecting', async (_name, url) => {
    seenRequests.length = 0;
    await expectFailure(fetcher().fetchPng(url()), 'image_url_forbidden');
    expect(seenRequests).toHaveLength(0);
  });

  it('refuses a host name that resolves to a private address, without naming the address', async () => {
    const lookup = staticLookup('10.0.0.5');
    const error = await expectFailure(fetcher({ lookup }).fetchPng(`https://images.example:${canary.port}/a.png`), 'image_url_forbidden');
    expect(lookup).toHaveBeenCalledWith('images.example');
    expect(error.message).toContain('images.example');
    expect(error.message).not.toContain('10.0.0.5');
  });

  it.each([
    ['a public and a loopback IPv4 address', [PUBLIC_IPV4, '127.0.0.1']],
    ['a public IPv4 and a loopback IPv6 address', [PUBLIC_IPV4, '::1']],
    ['a public and a metadata address', ['2606:4700::1111', '169.254.169.254']],
    ['something that is not an address', [PUBLIC_IPV4, 'localhost']],
  ])('refuses a host name that resolves to %s', async (_name, addresses) => {
    const lookup = staticLookup(...addresses);
    await expectFailure(fetcher({ lookup }).fetchPng(`https://mixed.example:${canary.port}/a.png`), 'image_url_forbidden');
  });

  it('connects to the address it checked, never resolving again (DNS rebinding)', async () => {
    let calls = 0;
    const rebinding: HostLookup = async () => [{ address: calls++ === 0 ? PUBLIC_IPV4 : '127.0.0.1', family: 4 }];
    const dialled: { host?: string; servername?: string }[] = [];
    // Stands in for the network: records where TLS would connect, then fails as an unreachable host would.
    const connect = jest.spyOn(tls, 'connect').mockImplementation(((options: tls.ConnectionOptions) => {
      dialled.push({ host: options.host, servername: options.servername });
      throw Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
    }) as unknown as typeof tls.connect);
    try {
      const url = `https://rebind.example:${canary.port}/a.png`;
      await expectFailure(fetcher({ lookup: rebinding }).fetchPng(url), 'image_fetch_failed');
      expect(calls).toBe(1);
      expect(dialled).toEqual([{ host: PUBLIC_IPV4, servername: 'rebind.example' }]);
      // The next connection resolves again, now to loopback, and is refused before dialling.
      await expectFailure(fetcher({ lookup: rebinding }).fetchPng(url), 'image_url_forbidden');
      expect(dialled).toHaveLength(1);
    } finally {
      connect.mockRestore();
    }
  });

  it('refuses a socket that ended up at another address than the one checked', async () => {
    const realConnect = tls.connect;
    const connect = jest
      .spyOn(tls, 'connect')
      .mockImplementation(((options: tls.ConnectionOptions) =>
        realConnect({ ...options, host: '127.0.0.1' })) as unknown as typeof tls.connect);
    try {
      const lookup = staticLookup('127.0.0.2');
      await expectFailure(fetcher({ lookup }).fetchPng(goodUrl('/logo.png')), 'image_url_forbidden');
      expect(connect).toHaveBeenCalledWith(expect.objectContaining({ host: '127.0.0.2' }));
    } finally {
      connect.mockRestore();
    }
  });

  it.each([
    ['loopback by address', '/redirect-to-canary'],
    ['loopback by name', '/redirect-to-canary-by-name'],
    ['the metadata service', '/redirect-to-metadata'],
    ['http', '/redirect-to-http'],
    ['a URL with credentials', '/redirect-with-userinfo'],
  ])('refuses a redirect to %s', async (_name, path) => {
    await expectFailure(fetcher().fetchPng(goodUrl(path)), 'image_url_forbidden');
  });
});

describe('createImageFetcher: failed fetches', () => {
  it('gives up after maxRedirects', async () => {
    const error = await expectFailure(fetcher({ maxRedirects: 3 }).fetchPng(goodUrl('/chain/4')), 'image_fetch_failed');
    expect(error.message).toMatch(/redirected more than 3 times/);
  });

  it('refuses any redirect when maxRedirects is 0', async () => {
    await expectFailure(fetcher({ maxRedirects: 0 }).fetchPng(goodUrl('/chain/1')), 'image_fetch_failed');
  });

  it('fails on a redirect without a Location', async () => {
    await expectFailure(fetcher().fetchPng(goodUrl('/redirect-without-location')), 'image_fetch_failed');
  });

  it('fails on a 404, naming the host and status', async () => {
    const error = await expectFailure(fetcher().fetchPng(goodUrl('/missing.png')), 'image_fetch_failed');
    expect(error.message).toContain(`localhost:${good.port}`);
    expect(error.message).toContain('404');
  });

  it('times out on a server that never answers', async () => {
    const error = await expectFailure(fetcher({ timeoutMs: 300 }).fetchPng(goodUrl('/hang')), 'image_fetch_failed');
    expect(error.message).toMatch(/timed out/);
  });

  it('times out on a body that stops arriving', async () => {
    const error = await expectFailure(fetcher({ timeoutMs: 300 }).fetchPng(goodUrl('/stall-after-header')), 'image_fetch_failed');
    expect(error.message).toMatch(/timed out/);
  });

  it('times out a lookup that never answers, and still closes', async () => {
    const lookup: HostLookup = () => new Promise(() => {});
    const stuck = createImageFetcher({ lookup, timeoutMs: 200 });
    await expectFailure(stuck.fetchPng('https://slow-dns.example/a.png'), 'image_fetch_failed');
    await expectFailure(stuck.fetchPng('https://slow-dns.example/b.png'), 'image_fetch_failed');
    await stuck.close();
  });

  it('fails when the host name does not resolve', async () => {
    const lookup: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    };
    const error = await expectFailure(fetcher({ lookup }).fetchPng('https://nowhere.example/a.png'), 'image_fetch_failed');
    expect(error.message).toContain('nowhere.example');
    await expectFailure(fetcher({ lookup: staticLookup() }).fetchPng('https://nowhere.example/a.png'), 'image_fetch_failed');
  });

  it('fails on a certificate from an untrusted CA', async () => {
    const allowed = fetcher({ allowHosts: [`localhost:${untrusted.port}`] });
    const error = await expectFailure(allowed.fetchPng(`https://localhost:${untrusted.port}/logo.png`), 'image_fetch_failed');
    expect(error.message).toMatch(/trusted TLS certificate/);
  });

  it('trusts only the default store without the ca option', async () => {
    const withoutCa = fetcher({ ca: undefined });
    await expectFailure(withoutCa.fetchPng(goodUrl('/logo.png')), 'image_fetch_failed');
  });

  it('verifies the certificate against the URL host name, not the address it connected to', async () => {
    // The certificate covers 127.0.0.1 but not other.example.
    const lookup = staticLookup('127.0.0.1');
    const other = fetcher({ lookup, allowHosts: [`other.example:${good.port}`] });
    const error = await expectFailure(other.fetchPng(`https://other.example:${good.port}/logo.png`), 'image_fetch_failed');
    expect(error.message).toMatch(/trusted TLS certificate/);
  });
});

describe('createImageFetcher: size and content', () => {
  it('refuses a Content-Length over the cap without waiting for the body', async () => {
    await expectFailure(fetcher({ timeoutMs: 30_000 }).fetchPng(goodUrl('/declared-too-large')), 'image_too_large');
  });

  it('stops a chunked body once it passes the cap', async () => {
    const error = await expectFailure(fetcher({ maxBytes: 64 * 1024 }).fetchPng(goodUrl('/chunked-too-large')), 'image_too_large');
    expect(error.message).toContain(String(64 * 1024));
  });

  it('accepts a body of exactly maxBytes', async () => {
    await expect(fetcher({ maxBytes: PNG.length }).fetchPng(goodUrl('/logo.png'))).resolves.toEqual(PNG);
    await expectFailure(fetcher({ maxBytes: PNG.length - 1 }).fetchPng(goodUrl('/logo.png')), 'image_too_large');
  });

  it.each(['/jpeg', '/html', '/short', '/zero-height'])('refuses %s as not a PNG', async (path) => {
    await expectFailure(fetcher().fetchPng(goodUrl(path)), 'invalid_image');
  });

  it('refuses a PNG wider than maxDimension', async () => {
    const error = await expectFailure(fetcher().fetchPng(goodUrl('/too-wide')), 'invalid_image');
    expect(error.message).toContain('4097×1');
  });

  it('aborts a PNG bomb as soon as its header arrives', async () => {
    endlessBody = undefined;
    const error = await expectFailure(fetcher().fetchPng(goodUrl('/png-bomb')), 'invalid_image');
    expect(error.message).toContain('100000×100000');
    const outcome = await endlessBodyOutcome();
    expect(outcome.completed).toBe(false);
    expect(outcome.sent).toBeLessThan(ENDLESS_BYTES);
  });
});

describe('createImageFetcher: options', () => {
  it.each([['https://localhost'], ['localhost/path'], ['user@localhost'], ['']])('refuses the allowHosts entry %p', (entry) => {
    expect(() => createImageFetcher({ allowHosts: [entry] })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('accepts IPv6 allowHosts entries with and without brackets', async () => {
    await createImageFetcher({ allowHosts: ['[::1]:8443', '::1', 'LOCALHOST'] }).close();
  });

  it('treats a bare allowHosts entry as port 443 only', async () => {
    const bare = fetcher({ allowHosts: ['localhost'] });
    await expectFailure(bare.fetchPng(goodUrl('/logo.png')), 'image_url_forbidden');
  });

  it.each([[{ timeoutMs: 0 }], [{ maxBytes: -1 }], [{ maxRedirects: 1.5 }], [{ maxDimension: Number.NaN }]])(
    'refuses the limits %p',
    (options) => {
      expect(() => createImageFetcher(options)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    },
  );
});

describe('the canary', () => {
  it('never saw a connection from any forbidden case', () => {
    expect(canary.connections()).toBe(0);
  });
});
