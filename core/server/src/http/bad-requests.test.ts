import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import { encodePng, readPngInfo } from '@passmint/engine';
import { pngDataUri } from '@passmint/engine/testing';
import { errorResponseSchema } from '@passmint/engine/schema';
import { bombPngHeader, solidPng, startImageServer, type ImageServer } from '../test-support/image-server';
import { createTestPki } from '../test-support/test-pki';
import { startCanary, type Canary } from '../test-support/test-servers';
import { PASSMINT_BIN, request, spawnServer, tempDataDir, type ApiResponse, type SpawnedServer } from '../testing';

const BIN = PASSMINT_BIN;
const VALID = { barcodeValue: 'BARRAGE-1', barcodeFormat: 'QR' };
const MARKER = 'SECRET-BODY-MARKER-7731';

let dataDir: string;
let caFile: string;
let images: ImageServer;
let canary: Canary;
let server: SpawnedServer;
let otherKey: string;
let revokedKey: string;
const passes: { key: () => string; serial: string }[] = [];

function cli(...args: string[]): { stdout: string; stderr: string } {
  const result = execFileSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { stdout: result, stderr: '' };
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const pki = createTestPki('Passmint Image Test CA');
  caFile = join(dataDir, 'image-ca.pem');
  writeFileSync(caFile, pki.caCert);
  canary = await startCanary();
  images = await startImageServer(pki, {
    '/logo.png': () => ({ body: solidPng(320, 100) }),
    '/redirect-to-canary': () => ({ status: 302, headers: { location: `https://127.0.0.1:${canary.port}/x.png` } }),
    '/redirect-to-localhost-canary': () => ({ status: 302, headers: { location: `https://localhost:${canary.port}/x.png` } }),
    '/page.html': () => ({ headers: { 'content-type': 'text/html' }, body: Buffer.from('<html><body>not an image</body></html>') }),
    '/bomb.png': () => ({ body: bombPngHeader(100_000, 100_000, 64 * 1024) }),
    '/huge.png': () => ({ body: Buffer.concat([solidPng(1, 1).subarray(0, 33), Buffer.alloc(3 * 1024 * 1024, 1)]) }),
  });
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_IMAGE_HOSTS_ALLOW: `localhost:${images.port}`,
    NODE_EXTRA_CA_CERTS: caFile,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
  });
  cli('tenants', 'create', 'Other Shop');
  otherKey = cli('keys', 'create', '--tenant', 'Other Shop').stdout.trim();
  revokedKey = cli('keys', 'create', '--tenant', 'Passmint', '--label', 'to revoke').stdout.trim();
  const revokedId =
    cli('keys', 'list', '--tenant', 'Passmint')
      .stdout.split('\n')
      .find((line) => line.includes('to revoke'))
      ?.split('\t')[0] ?? '';
  cli('keys', 'revoke', revokedId);

  for (const [key, body] of [
    [() => server.key, { ...VALID, logoURL: `https://localhost:${images.port}/logo.png` }],
    [() => server.key, { ...VALID, barcodeValue: 'BARRAGE-2', logoText: 'Second' }],
    [() => otherKey, { ...VALID, barcodeValue: 'OTHER-TENANT' }],
  ] as const) {
    const response = await request(`${server.url}/api/passes`, { method: 'POST', key: key(), body });
    expect(response.status).toBe(200);
    passes.push({ key, serial: response.json.serialNumber });
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await images?.close();
  await canary?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Case = {
  name: string;
  status: number;
  code: string;
  method?: string;
  path?: (serials: string[]) => string;
  key?: () => string | undefined;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  issuePath?: string;
};

const long = (n: number, char = 'x') => char.repeat(n);
const field = (value = 'v') => ({ label: 'L', value });
const at = (n: number) => Array.from({ length: n }, () => field());
const location = (latitude = 1, longitude = 1) => ({ latitude, longitude });
const imageAt = (path: string) => ({ ...VALID, logoURL: `https://localhost:${images.port}${path}` });
const toCanary = (host: string) => ({ ...VALID, logoURL: `https://${host}:${canary.port}/logo.png` });
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** A body written by a client that encodes as Latin-1: `é` is the lone byte 0xE9, not UTF-8. */
const latin1Json = Buffer.from('{"barcodeValue":"café","barcodeFormat":"QR"}', 'latin1');

const CASES: Case[] = [
  // Keys
  { name: 'no Authorization header', status: 401, code: 'missing_api_key', key: () => undefined, body: VALID },
  { name: 'malformed key', status: 401, code: 'invalid_api_key', key: () => 'nope', body: VALID },
  { name: 'unknown well-formed key', status: 401, code: 'invalid_api_key', key: () => `pm_live_${long(43, 'A')}`, body: VALID },
  { name: 'revoked key', status: 401, code: 'revoked_api_key', key: () => revokedKey, body: VALID },
  {
    name: 'Basic instead of Bearer',
    status: 401,
    code: 'invalid_api_key',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
    key: () => undefined,
    body: VALID,
  },
  // Bodies
  { name: 'malformed JSON', status: 400, code: 'invalid_json', raw: '{"barcodeValue":', headers: { 'content-type': 'application/json' } },
  {
    name: 'text/plain body',
    status: 400,
    code: 'unsupported_content_type',
    raw: JSON.stringify(VALID),
    headers: { 'content-type': 'text/plain' },
  },
  {
    name: 'form body',
    status: 400,
    code: 'unsupported_content_type',
    raw: 'barcodeValue=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  },
  { name: 'empty JSON body', status: 400, code: 'invalid_json', raw: '', headers: { 'content-type': 'application/json' } },
  {
    name: 'invalid UTF-8 in a JSON string (Latin-1 é)',
    status: 400,
    code: 'invalid_utf8',
    raw: latin1Json,
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'overlong UTF-8 encoding of "/"',
    status: 400,
    code: 'invalid_utf8',
    raw: Buffer.concat([Buffer.from('{"barcodeValue":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('","barcodeFormat":"QR"}')]),
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'UTF-8-encoded surrogate (CESU-8)',
    status: 400,
    code: 'invalid_utf8',
    raw: Buffer.concat([Buffer.from('{"barcodeValue":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","barcodeFormat":"QR"}')]),
    headers: { 'content-type': 'application/json' },
  },
  { name: 'JSON array body', status: 400, code: 'invalid_body', body: [VALID] },
  { name: 'JSON null body', status: 400, code: 'invalid_body', raw: 'null', headers: { 'content-type': 'application/json' } },
  { name: 'missing barcodeValue', status: 400, code: 'invalid_body', body: { barcodeFormat: 'QR' }, issuePath: 'barcodeValue' },
  {
    name: 'unknown barcodeFormat',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, barcodeFormat: 'EAN13' },
    issuePath: 'barcodeFormat',
  },
  {
    name: 'barcodeValue of the wrong type',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, barcodeValue: 12345 },
    issuePath: 'barcodeValue',
  },
  {
    name: 'barcodeValue 2,049 characters',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, barcodeValue: long(2049) },
    issuePath: 'barcodeValue',
  },
  {
    name: 'organizationName 65 characters',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, organizationName: long(65) },
    issuePath: 'organizationName',
  },
  { name: 'logoText 65 characters', status: 400, code: 'invalid_body', body: { ...VALID, logoText: long(65) }, issuePath: 'logoText' },
  { name: '4 header fields', status: 400, code: 'invalid_body', body: { ...VALID, headerFields: at(4) }, issuePath: 'headerFields' },
  { name: '2 primary fields', status: 400, code: 'invalid_body', body: { ...VALID, primaryFields: at(2) }, issuePath: 'primaryFields' },
  { name: '21 back fields', status: 400, code: 'invalid_body', body: { ...VALID, backFields: at(21) }, issuePath: 'backFields' },
  {
    name: 'field value 513 characters',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, secondaryFields: [field(long(513))] },
    issuePath: 'secondaryFields.0.value',
  },
  {
    name: '11 locations',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, locations: Array.from({ length: 11 }, () => location()) },
    issuePath: 'locations',
  },
  {
    name: 'latitude 90.0001',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, locations: [location(90.0001)] },
    issuePath: 'locations.0.latitude',
  },
  {
    name: 'longitude -180.1',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, locations: [location(0, -180.1)] },
    issuePath: 'locations.0.longitude',
  },
  { name: 'expirationDays 0', status: 400, code: 'invalid_body', body: { ...VALID, expirationDays: 0 }, issuePath: 'expirationDays' },
  { name: 'expirationDays 3651', status: 400, code: 'invalid_body', body: { ...VALID, expirationDays: 3651 }, issuePath: 'expirationDays' },
  { name: 'color #12345', status: 400, code: 'invalid_body', body: { ...VALID, color: '#12345' }, issuePath: 'color' },
  { name: 'unknown field (a typo)', status: 400, code: 'invalid_body', body: { ...VALID, barcodevalue: 'x' }, issuePath: 'barcodevalue' },
  {
    name: '__proto__ key',
    status: 400,
    code: 'invalid_body',
    raw: '{"barcodeValue":"x","barcodeFormat":"QR","__proto__":{"admin":true}}',
    headers: { 'content-type': 'application/json' },
    issuePath: '__proto__',
  },
  {
    name: 'lone surrogate',
    status: 400,
    code: 'invalid_body',
    raw: `{"barcodeValue":"\\ud800","barcodeFormat":"QR"}`,
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'control character in a label',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, headerFields: [{ label: 'A\u0007', value: 'v' }] },
  },
  { name: 'Code128 with non-ASCII', status: 400, code: 'invalid_body', body: { barcodeValue: 'café', barcodeFormat: 'Code128' } },
  {
    name: 'nested junk in a field row',
    status: 400,
    code: 'invalid_body',
    raw: `{"barcodeValue":"x","barcodeFormat":"QR","headerFields":${nested(5000)}}`,
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'JSON nested 200,000 deep',
    status: 400,
    code: 'invalid_body',
    raw: nested(200_000),
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'data URI that is not a PNG',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, logoURL: `data:image/png;base64,${Buffer.from('GIF89a-not-a-png').toString('base64')}` },
  },
  {
    name: 'data URI PNG over 4096 pixels',
    status: 400,
    code: 'invalid_body',
    body: { ...VALID, logoURL: `data:image/png;base64,${bombPngHeader(5000, 10, 0).toString('base64')}` },
  },
  {
    name: 'Idempotency-Key over 255 characters',
    status: 400,
    code: 'invalid_idempotency_key',
    body: VALID,
    headers: { 'idempotency-key': long(256) },
  },
  // Other tenants' and unknown serials
  { name: "GET another tenant's serial", status: 404, code: 'pass_not_found', method: 'GET', path: (s) => `/api/passes/${s[2]}` },
  {
    name: "PUT another tenant's serial",
    status: 404,
    code: 'pass_not_found',
    method: 'PUT',
    path: (s) => `/api/passes/${s[2]}`,
    body: VALID,
  },
  { name: "DELETE another tenant's serial", status: 404, code: 'pass_not_found', method: 'DELETE', path: (s) => `/api/passes/${s[2]}` },
  {
    name: "GET another tenant's .pkpass",
    status: 404,
    code: 'pass_not_found',
    method: 'GET',
    path: (s) => `/api/passes/${s[2]}/pass.pkpass`,
  },
  { name: 'GET an unknown serial', status: 404, code: 'pass_not_found', method: 'GET', path: () => '/api/passes/AAAAAAAAAAAAAAAAAAAAAA' },
  {
    name: 'serial with forbidden characters',
    status: 404,
    code: 'pass_not_found',
    method: 'GET',
    path: () => '/api/passes/a%20b%3Cscript%3E',
  },
  {
    name: 'PUT an invalid body onto a real pass',
    status: 400,
    code: 'invalid_body',
    method: 'PUT',
    path: (s) => `/api/passes/${s[0]}`,
    body: { ...VALID, primaryFields: at(2) },
  },
  {
    name: 'PUT junk JSON onto a real pass',
    status: 400,
    code: 'invalid_json',
    method: 'PUT',
    path: (s) => `/api/passes/${s[0]}`,
    raw: '{{{',
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'PUT invalid UTF-8 onto a real pass',
    status: 400,
    code: 'invalid_utf8',
    method: 'PUT',
    path: (s) => `/api/passes/${s[0]}`,
    raw: latin1Json,
    headers: { 'content-type': 'application/json' },
  },
  // Image URLs: SSRF targets and hostile images
  { name: 'http:// image URL', status: 400, code: 'invalid_body', body: { ...VALID, logoURL: 'http://localhost/logo.png' } },
  { name: 'image at https://127.0.0.1', status: 400, code: 'image_url_forbidden', body: () => toCanary('127.0.0.1'), issuePath: 'logoURL' },
  { name: 'image at https://[::1]', status: 400, code: 'image_url_forbidden', body: () => toCanary('[::1]') },
  { name: 'image at https://[::ffff:127.0.0.1]', status: 400, code: 'image_url_forbidden', body: () => toCanary('[::ffff:127.0.0.1]') },
  { name: 'image at https://2130706433 (decimal 127.0.0.1)', status: 400, code: 'image_url_forbidden', body: () => toCanary('2130706433') },
  { name: 'image at https://0.0.0.0', status: 400, code: 'image_url_forbidden', body: () => toCanary('0.0.0.0') },
  {
    name: 'image at https://169.254.169.254 (metadata)',
    status: 400,
    code: 'image_url_forbidden',
    body: { ...VALID, logoURL: 'https://169.254.169.254/latest/meta-data/logo.png' },
  },
  {
    name: 'image at https://10.0.0.1',
    status: 400,
    code: 'image_url_forbidden',
    body: { ...VALID, iconURL: 'https://10.0.0.1/icon.png' },
    issuePath: 'iconURL',
  },
  { name: 'image at a hostname resolving to loopback', status: 400, code: 'image_url_forbidden', body: () => toCanary('localhost') },
  { name: 'image redirecting to 127.0.0.1', status: 400, code: 'image_url_forbidden', body: () => imageAt('/redirect-to-canary') },
  {
    name: 'image redirecting to localhost on another port',
    status: 400,
    code: 'image_url_forbidden',
    body: () => imageAt('/redirect-to-localhost-canary'),
  },
  { name: 'image that is HTML', status: 400, code: 'invalid_image', body: () => imageAt('/page.html') },
  { name: 'PNG bomb (100000×100000 header)', status: 400, code: 'invalid_image', body: () => imageAt('/bomb.png') },
  { name: 'image over 1 MiB', status: 400, code: 'image_too_large', body: () => imageAt('/huge.png') },
  { name: 'image URL answering 404', status: 400, code: 'image_fetch_failed', body: () => imageAt('/missing.png') },
  // Wrong route shapes
  {
    name: 'validate with a JSON body',
    status: 400,
    code: 'unsupported_content_type',
    method: 'POST',
    path: () => '/api/validate',
    body: VALID,
  },
  {
    name: 'validate with an empty file',
    status: 400,
    code: 'empty_body',
    method: 'POST',
    path: () => '/api/validate',
    raw: Buffer.alloc(0),
    headers: { 'content-type': 'application/vnd.apple.pkpass' },
  },
  { name: 'broken percent-encoding in the serial', status: 400, code: 'bad_url', method: 'GET', path: () => '/api/passes/%E0%A4%A' },
  { name: 'unknown API route', status: 404, code: 'not_found', method: 'GET', path: () => '/api/nothing-here' },
  // Names every object has: only real assets are served.
  ...['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'].map((name) => ({
    name: `/assets/${name}`,
    status: 404,
    code: 'not_found',
    method: 'GET',
    path: () => `/assets/${name}`,
  })),
];

const responses: { name: string; response: ApiResponse }[] = [];

describe('a barrage of bad requests', () => {
  let before: { pkpass: Buffer; details: string }[];

  beforeAll(async () => {
    before = await Promise.all(passes.map((pass) => snapshot(pass)));
  });

  test('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s → documented status and code', async (_name, c) => {
    const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
    const key = c.key ? c.key() : server.key;
    const response = await request(`${server.url}${c.path ? c.path(passes.map((p) => p.serial)) : '/api/passes'}`, {
      method: c.method ?? 'POST',
      ...(key ? { key } : {}),
      ...(body === undefined ? {} : { body }),
      ...(c.raw === undefined ? {} : { raw: c.raw }),
      ...(c.headers ? { headers: c.headers } : {}),
    });
    responses.push({ name: c.name, response });
    expect({ status: response.status, code: response.json?.code }).toEqual({ status: c.status, code: c.code });
    const error = errorResponseSchema.parse(response.json);
    expect(error.error.length).toBeGreaterThan(0);
    if (c.status === 400 && error.issues) expect(error.issues.length).toBeGreaterThan(0);
    if (c.issuePath) expect(error.issues?.map((issue) => issue.path)).toContain(c.issuePath);
    if (response.status === 429) expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  // Both send just past the limit and then wait: the server has read all of it by then, so its
  // answer can't be lost to a reset of a connection with unread bytes (which an HTTP client
  // still uploading a huge body may see instead of the 413).
  test('Content-Length over 6 MiB → 413 before the body is read', async () => {
    const answer = await rawExchange(
      `POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nContent-Length: ${7 * 1024 * 1024}\r\n\r\n`,
      [],
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'body_too_large' });
  });

  test('chunked body past 6 MiB without Content-Length → 413 once the limit is crossed', async () => {
    const chunk = Buffer.alloc(512 * 1024, 0x20);
    const chunks = Array.from({ length: 13 }, () =>
      Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    );
    const answer = await rawExchange(
      `POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      chunks,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'body_too_large' });
  });

  test('the canary listener saw zero connections', () => {
    expect(canary.connections()).toBe(0);
  });

  test('stored passes are byte-for-byte unchanged', async () => {
    const after = await Promise.all(passes.map((pass) => snapshot(pass)));
    after.forEach((state, index) => {
      expect(state.pkpass.equals(before[index]?.pkpass ?? Buffer.alloc(0))).toBe(true);
      expect(state.details).toBe(before[index]?.details);
    });
  });

  test('no response carries a stack trace, a file path or a key', () => {
    for (const { response } of responses) {
      const text = response.bytes.toString('utf8');
      expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/tmp\/|\/work\/|pm_live_[A-Za-z0-9_-]{20,}/);
    }
  });

  test('the log has one line per request with a request id, and no key, body or stack', () => {
    const lines = server
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(CASES.length);
    for (const line of requests) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const log = server.stdout();
    for (const key of [server.key, otherKey, revokedKey]) expect(log).not.toContain(key);
    expect(log).not.toContain(MARKER);
    expect(log).not.toMatch(/\bat .+:\d+:\d+|"stack"/);
  });
});

test('a request body never reaches the log', async () => {
  await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: { ...VALID, barcodeValue: MARKER } });
  await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: { ...VALID, barcodeValue: MARKER, nope: 1 } });
  expect(server.stdout()).not.toContain(MARKER);
});

/** Writes a request by hand and reads the answer until the server closes the connection. */
async function rawExchange(head: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString('utf8')));
  socket.on('error', () => undefined);
  await new Promise<void>((ready) => socket.once('connect', () => ready()));
  socket.write(head);
  for (const chunk of chunks) socket.write(chunk);
  await new Promise<void>((done) => socket.once('close', () => done()));
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), body: received.slice(received.indexOf('\r\n\r\n') + 4) };
}

async function snapshot(pass: { key: () => string; serial: string }) {
  const pkpass = await request(`${server.url}/api/passes/${pass.serial}/pass.pkpass`, { key: pass.key() });
  const details = await request(`${server.url}/api/passes/${pass.serial}`, { key: pass.key() });
  expect(pkpass.status).toBe(200);
  return { pkpass: pkpass.bytes, details: details.bytes.toString('utf8') };
}

describe('DELETE without a body', () => {
  test.each([
    ['Content-Type: application/json', { 'content-type': 'application/json' }],
    ['Content-Type: text/plain', { 'content-type': 'text/plain' }],
    ['no Content-Type', {}],
    ['Content-Type: application/json and Content-Length: 0', { 'content-type': 'application/json', 'content-length': '0' }],
  ])('with %s voids the pass', async (_name, headers) => {
    const created = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key: server.key,
      body: { ...VALID, barcodeValue: 'DELETE-EMPTY' },
    });
    const voided = await request(`${server.url}/api/passes/${created.json.serialNumber}`, {
      method: 'DELETE',
      key: server.key,
      raw: '',
      headers,
    });
    expect(voided.status).toBe(200);
    expect(voided.json).toMatchObject({ serialNumber: created.json.serialNumber, voided: true });
  });

  test('a DELETE with a body that is not JSON is still refused', async () => {
    const created = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key: server.key,
      body: { ...VALID, barcodeValue: 'DELETE-JUNK' },
    });
    const answer = await request(`${server.url}/api/passes/${created.json.serialNumber}`, {
      method: 'DELETE',
      key: server.key,
      raw: '{{',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.json).toMatchObject({ code: 'invalid_json' });
    expect((await request(`${server.url}/api/passes/${created.json.serialNumber}`, { key: server.key })).json.voided).toBe(false);
  });
});

test('the designer assets are served', async () => {
  const scripts = ['designer.js', 'designer-body.js', 'designer-apple.js', 'designer-google.js', 'designer-barcode.js', 'designer-i18n.js'];
  for (const asset of [...scripts, 'bwip-js.js', 'designer.css', 'designer-controls.css', 'designer-previews.css']) {
    const answer = await request(`${server.url}/assets/${asset}`);
    expect({ asset, status: answer.status, type: answer.headers.get('content-type') }).toEqual({
      asset,
      status: 200,
      type: asset.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    });
  }
});

describe('image URLs that are allowed', () => {
  test('the fetched logo is in the pass, served back by content hash, and not fetched again', async () => {
    const logoUrl = `https://localhost:${images.port}/logo.png`;
    expect(images.hits.get('/logo.png')).toBe(1);
    const pkpass = await request(`${server.url}/api/passes/${passes[0]?.serial}/pass.pkpass`, { key: server.key });
    const logo = unzipSync(pkpass.bytes)['logo@2x.png'];
    expect(logo && readPngInfo(logo)).toMatchObject({ width: 320, height: 100 });
    const hash = createHash('sha256').update(solidPng(320, 100)).digest('hex');
    const served = await request(`${server.url}/i/${hash}.png`);
    expect(served.bytes.equals(solidPng(320, 100))).toBe(true);

    const again = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key: server.key,
      body: { ...VALID, barcodeValue: 'AGAIN', logoURL: logoUrl },
    });
    expect(again.status).toBe(200);
    const changed = await request(`${server.url}/api/passes/${again.json.serialNumber}`, {
      method: 'PUT',
      key: server.key,
      body: { ...VALID, barcodeValue: 'AGAIN-2', logoURL: logoUrl, iconURL: logoUrl },
    });
    expect(changed.json.unchanged).toBe(false);
    expect(images.hits.get('/logo.png')).toBe(1);
  });
});

describe('limits are inclusive', () => {
  test.each([
    ['barcodeValue of 2,048 characters', { ...VALID, barcodeValue: long(2048) }],
    ['organizationName and logoText of 64 characters', { ...VALID, organizationName: long(64), logoText: long(64) }],
    [
      '3 header, 1 primary, 4 secondary, 4 auxiliary and 20 back fields',
      { ...VALID, headerFields: at(3), primaryFields: at(1), secondaryFields: at(4), auxiliaryFields: at(4), backFields: at(20) },
    ],
    [
      '10 locations at the edges of the globe',
      { ...VALID, locations: [location(90, 180), location(-90, -180), ...Array.from({ length: 8 }, () => location())] },
    ],
    ['expirationDays 1', { ...VALID, expirationDays: 1 }],
    ['expirationDays 3650', { ...VALID, expirationDays: 3650 }],
    ['a data URI logo', { ...VALID, logoURL: pngDataUri(320, 100) }],
  ])('%s → 200', async (_name, body) => {
    const response = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
    expect(response.status).toBe(200);
  });

  test('four images of nearly 1 MiB each as data URIs: a body of about 5.6 MB is accepted', async () => {
    const noisy = noisyPngDataUri(500, 500);
    const body = { ...VALID, logoURL: noisy, iconURL: noisy, stripURL: noisyPngDataUri(500, 499), thumbnailURL: noisyPngDataUri(499, 500) };
    expect(JSON.stringify(body).length).toBeGreaterThan(5_000_000);
    const response = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
    expect(response.status).toBe(200);
  });
});

/** A PNG of random pixels: it does not compress, so its size is about width × height × 4 bytes. */
function noisyPngDataUri(width: number, height: number): string {
  const png = encodePng(width, height, randomBytes(width * height * 4));
  expect(png.length).toBeLessThanOrEqual(1024 * 1024);
  return `data:image/png;base64,${png.toString('base64')}`;
}
