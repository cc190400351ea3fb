import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { passBodyJsonSchemas } from '@passmint/engine';
import { pngDataUri } from '@passmint/engine/testing';
import { healthSchema } from '@passmint/engine/schema';
import { request, startInProcess, type InProcessServer } from '../../testing';

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(() => server.close());

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectRefs(item, refs));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') refs.push(item);
      else collectRefs(item, refs);
    }
  }
  return refs;
}

describe('/openapi.json', () => {
  test('is OpenAPI 3.1 with the pass bodies taken from the zod schema and every $ref resolvable', async () => {
    const response = await request(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = response.json;
    expect(doc.openapi).toBe('3.1.0');
    const generated = passBodyJsonSchemas();
    const passInput = JSON.stringify((generated.create.$defs as Record<string, unknown>).PassInput).replaceAll(
      '#/$defs/',
      '#/components/schemas/',
    );
    expect(JSON.stringify(doc.components.schemas.PassInput)).toBe(passInput);
    // The PATCH bodies too: the same zod schemas the routes parse with.
    for (const [id, schema] of [
      ['PassMergePatch', generated.mergePatch],
      ['FieldUpdate', generated.fieldUpdate],
    ] as const) {
      const definition = JSON.stringify((schema.$defs as Record<string, unknown>)[id]).replaceAll('#/$defs/', '#/components/schemas/');
      expect(JSON.stringify(doc.components.schemas[id])).toBe(definition);
    }
    expect(Object.keys(doc.paths['/api/passes/{serial}'].patch.requestBody.content)).toEqual(['application/merge-patch+json']);
    // Issue 18's parts of the body are named components, as the client and the faces see them.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'PassStyle',
        'TransitType',
        'TicketEvent',
        'EventVenue',
        'EventSeat',
        'Trip',
        'TripOrigin',
        'TripDestination',
        'PointsBalance',
        'Translations',
        'LanguageTag',
      ]),
    );
    expect(doc.components.schemas.PassInput.properties).toMatchObject({
      style: { $ref: '#/components/schemas/PassStyle' },
      event: { $ref: '#/components/schemas/TicketEvent' },
      trip: { $ref: '#/components/schemas/Trip' },
      translations: { $ref: '#/components/schemas/Translations' },
    });
    for (const ref of collectRefs(doc)) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  test('documents every route the server registers, and no route it does not', async () => {
    const doc = (await request(`${server.url}/openapi.json`)).json as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.has(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const registered = registeredRoutes(server.server.app).filter((route) => !UNDOCUMENTED.some((pattern) => pattern.test(route)));
    expect(documented.sort()).toEqual(registered.sort());
    // The list of exceptions names only routes that exist, so it can't outlive them.
    const all = registeredRoutes(server.server.app);
    expect(UNDOCUMENTED.filter((pattern) => !all.some((route) => pattern.test(route)))).toEqual([]);
  });
});

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Routes the server answers that the OpenAPI document deliberately leaves out: they are not the
 * API an integrator calls, and docs/api.md describes them.
 */
const UNDOCUMENTED = [
  /^(GET|POST|DELETE) \/apple\/v1\//, // Apple's PassKit web service: Apple's protocol, called by Wallet on devices
  /^POST \/google\/callback$/, // Google Wallet's save and delete callbacks, called by Google
  /^GET \/p\/\{serial\}(\/pass\.pkpass)?$/, // the share page and its pass: HTML for people, not the API
  /^GET \/designer$/, // the pass designer page
  /^GET \/assets\//, // the share page's and the designer's stylesheet and scripts
  /^GET \/(openapi\.json|llms\.txt)$/, // the descriptions of the API themselves
];

/**
 * Every `METHOD /path` the running app has registered, read from fastify's own route table
 * (`printRoutes`), parameters written the OpenAPI way (`{serial}`). HEAD is left out: fastify
 * adds it to every GET by itself, and OpenAPI documents the GET.
 */
function registeredRoutes(app: FastifyInstance): string[] {
  const prefixes: string[] = [];
  return app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+) \(([A-Z, ]+)\)$/.exec(line);
      if (!match) throw new Error(`unexpected line in fastify's route table: ${line}`);
      const depth = match[1]!.length / 4;
      const path = (prefixes[depth - 1] ?? '') + match[2]!;
      prefixes[depth] = path;
      prefixes.length = depth + 1;
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      return match[3]!
        .split(', ')
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method} ${openApiPath}`);
    });
}

test('/llms.txt names every body field and the endpoints', async () => {
  const response = await request(`${server.url}/llms.txt`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = response.bytes.toString('utf8');
  const fields = Object.keys((passBodyJsonSchemas().create.$defs as Record<string, { properties: object }>).PassInput!.properties);
  for (const field of fields) expect(text).toContain(`- ${field}:`);
  expect(text).toContain('PUT /api/passes/{serial}');
  expect(text).toContain('PATCH /api/passes/{serial} ');
  expect(text).toContain('PATCH /api/passes/{serial}/fields/{key}');
  expect(text).toContain(`${server.url}/openapi.json`);
  expect(text).toContain('## Styles and languages');
  // Nested objects list their own properties, indented under the body key.
  expect(text).toContain('\n  - venue: object (EventVenue); required\n    - name: string; required;');
  expect(text).toMatch(/\n {4}- departsAt: string[^\n]*; required\n/);
  for (const style of ['eventTicket', 'boardingPass', 'storeCard', 'coupon']) expect(text).toContain(style);
});

test('/healthz reports the store and the development identity', async () => {
  const response = await request(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(healthSchema.parse(response.json)).toMatchObject({
    status: 'ok',
    store: 'ok',
    appleSigning: { development: true },
    googleWallet: 'not_configured',
  });
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('images of issued passes are served at /i/<sha256>.png', async () => {
  const logo = pngDataUri(320, 100, [10, 20, 30, 255]);
  const issued = await request(`${server.url}/api/passes`, {
    method: 'POST',
    key: server.key,
    body: { barcodeValue: 'IMG', barcodeFormat: 'QR', logoURL: logo },
  });
  expect(issued.status).toBe(200);
  const bytes = Buffer.from(logo.split(',')[1]!, 'base64');
  const hash = createHash('sha256').update(bytes).digest('hex');
  const image = await request(`${server.url}/i/${hash}.png`);
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/png');
  expect(image.bytes.equals(bytes)).toBe(true);
  expect((await request(`${server.url}/i/${'0'.repeat(64)}.png`)).status).toBe(404);
  expect((await request(`${server.url}/i/..%2Fpassmint.db`)).status).toBe(404);
});

test('POST /api/validate reports on an uploaded pass', async () => {
  const pkpass = await request(`${server.url}/api/passes?format=pkpass`, {
    method: 'POST',
    key: server.key,
    body: { barcodeValue: 'V', barcodeFormat: 'QR' },
  });
  const report = await request(`${server.url}/api/validate`, {
    method: 'POST',
    key: server.key,
    raw: pkpass.bytes,
    headers: { 'content-type': 'application/vnd.apple.pkpass' },
  });
  expect(report.status).toBe(200);
  expect(report.json).toMatchObject({ valid: true, errors: 0 });
  const tampered = Buffer.from(pkpass.bytes);
  tampered.writeUInt8(tampered.readUInt8(tampered.length - 200) ^ 0xff, tampered.length - 200);
  const broken = await request(`${server.url}/api/validate`, {
    method: 'POST',
    key: server.key,
    raw: tampered,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(broken.json.valid).toBe(false);
  expect(broken.json.errors).toBeGreaterThan(0);
  const junk = await request(`${server.url}/api/validate`, {
    method: 'POST',
    key: server.key,
    raw: Buffer.from('not a zip'),
    headers: { 'content-type': 'application/zip' },
  });
  expect(junk.status).toBe(200);
  expect(junk.json.valid).toBe(false);
});
