import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { validatePkpass, withFieldKeys } from '@passmint/engine';
import { API_EXAMPLE_BODIES, opensslVerifyPass, pngDataUri, STYLE_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { passCreatedSchema, passDetailsSchema, passUpdatedSchema, usageSchema } from '@passmint/engine/schema';
import { request, startInProcess, type InProcessServer } from '../testing';

// The three WalletWallet example requests of docs/api.md, verbatim.
const { create: EXAMPLE_POST, update: EXAMPLE_PUT, updateWithLocation: EXAMPLE_PUT_LOCATION } = API_EXAMPLE_BODIES;

let server: InProcessServer;
let devCaPem: string;

beforeAll(async () => {
  server = await startInProcess();
  devCaPem = readFileSync(join(server.dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
});
afterAll(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary pass.json shapes
function passJsonOf(pkpass: Buffer): Record<string, any> {
  return JSON.parse(Buffer.from(unzipSync(pkpass)['pass.json'] ?? new Uint8Array()).toString('utf8'));
}

function expectSignedAndValid(pkpass: Buffer): void {
  const report = validatePkpass(pkpass, { trustedRoots: [devCaPem] });
  expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  expect(opensslVerifyPass(pkpass, devCaPem)).toMatchObject({ ok: true });
}

const api = (path: string, options: Parameters<typeof request>[1] = {}) => request(`${server.url}${path}`, { key: server.key, ...options });

describe('the docs/api.md examples, end to end', () => {
  let serial: string;
  let firstPass: Buffer;

  test('POST issues a signed pass that the validator and openssl accept', async () => {
    const response = await api('/api/passes', { method: 'POST', body: EXAMPLE_POST });
    expect(response.status).toBe(200);
    const body = passCreatedSchema.parse(response.json);
    expect(body.serialNumber).toMatch(/^[A-Za-z0-9._-]{16,}$/);
    expect(body.shareUrl).toBe(`${server.url}/p/${body.serialNumber}`);
    expect(body.googleSaveUrl).toBeNull();
    expect(body.warnings?.join(' ')).toMatch(/Google Wallet is not configured/);
    firstPass = Buffer.from(body.applePass, 'base64');
    expectSignedAndValid(firstPass);
    const passJson = passJsonOf(firstPass);
    expect(passJson.serialNumber).toBe(body.serialNumber);
    expect(passJson.logoText).toBe('Bayroast Coffee');
    expect(passJson.organizationName).toBe('Passmint');
    expect(passJson.generic.headerFields[0]).toMatchObject({ label: 'POINTS', value: '1,250' });
    expect(passJson.webServiceURL).toBe(`${server.url}/apple`);
    expect(passJson.authenticationToken.length).toBeGreaterThanOrEqual(16);
    serial = body.serialNumber;
  });

  test('GET .pkpass returns the stored pass byte for byte', async () => {
    const response = await api(`/api/passes/${serial}/pass.pkpass`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
    expect(response.bytes.equals(firstPass)).toBe(true);
  });

  test('PUT with a changed value re-signs the pass with the new value', async () => {
    const response = await api(`/api/passes/${serial}`, { method: 'PUT', body: EXAMPLE_PUT });
    expect(response.status).toBe(200);
    const body = passUpdatedSchema.parse(response.json);
    expect(body).toMatchObject({ serialNumber: serial, unchanged: false, notifiedDevices: 0 });
    const pkpass = (await api(`/api/passes/${serial}/pass.pkpass`)).bytes;
    expectSignedAndValid(pkpass);
    const passJson = passJsonOf(pkpass);
    expect(passJson.generic.headerFields[0]).toMatchObject({ value: '1,300', changeMessage: 'You hit %@ points. Free coffee unlocked!' });
    expect(passJson.authenticationToken).toBe(passJsonOf(firstPass).authenticationToken);
  });

  test('PUT with the identical body is a no-op: unchanged, not re-signed, no quota cost', async () => {
    const before = (await api(`/api/passes/${serial}/pass.pkpass`)).bytes;
    const usageBefore = usageSchema.parse((await api('/api/auth/usage')).json);
    const details = passDetailsSchema.parse((await api(`/api/passes/${serial}`)).json);
    const response = await api(`/api/passes/${serial}`, {
      method: 'PUT',
      body: { ...EXAMPLE_PUT, headerFields: [...EXAMPLE_PUT.headerFields] },
    });
    expect(passUpdatedSchema.parse(response.json)).toEqual({
      serialNumber: serial,
      lastUpdated: details.lastUpdated,
      notifiedDevices: 0,
      unchanged: true,
    });
    expect((await api(`/api/passes/${serial}/pass.pkpass`)).bytes.equals(before)).toBe(true);
    expect(usageSchema.parse((await api('/api/auth/usage')).json).used).toBe(usageBefore.used);
  });

  test('PUT with locations adds them to the pass', async () => {
    const response = await api(`/api/passes/${serial}`, { method: 'PUT', body: EXAMPLE_PUT_LOCATION });
    expect(response.json.unchanged).toBe(false);
    const passJson = passJsonOf((await api(`/api/passes/${serial}/pass.pkpass`)).bytes);
    expect(passJson.locations).toEqual([{ latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' }]);
  });

  test('GET returns the stored body and metadata', async () => {
    const details = passDetailsSchema.parse((await api(`/api/passes/${serial}`)).json);
    expect(details.body).toEqual(withFieldKeys(EXAMPLE_PUT_LOCATION));
    expect(details).toMatchObject({ serialNumber: serial, voided: false, registeredDevices: 0 });
    expect(Date.parse(details.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(details.createdAt));
  });

  test('PUT without a barcode drops it and says so', async () => {
    const response = await api(`/api/passes/${serial}`, { method: 'PUT', body: { headerFields: [{ label: 'POINTS', value: '1,400' }] } });
    expect(response.status).toBe(200);
    expect(response.json.warnings.join(' ')).toMatch(/barcode was removed/);
    expect(passJsonOf((await api(`/api/passes/${serial}/pass.pkpass`)).bytes).barcodes).toBeUndefined();
  });

  test('DELETE voids the pass and keeps the record; a later PUT is refused', async () => {
    const response = await api(`/api/passes/${serial}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ serialNumber: serial, voided: true });
    const pkpass = (await api(`/api/passes/${serial}/pass.pkpass`)).bytes;
    expect(passJsonOf(pkpass).voided).toBe(true);
    expectSignedAndValid(pkpass);
    expect((await api(`/api/passes/${serial}`, { method: 'DELETE' })).json.lastUpdated).toBe(response.json.lastUpdated);
    const put = await api(`/api/passes/${serial}`, { method: 'PUT', body: EXAMPLE_PUT });
    expect(put.status).toBe(409);
    expect(put.json.code).toBe('pass_voided');
  });
});

describe('compatibility endpoints', () => {
  test('POST /api/passes?format=pkpass answers with the binary pass', async () => {
    const response = await api('/api/passes?format=pkpass', { method: 'POST', body: EXAMPLE_POST });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
    const serial = response.headers.get('x-serial-number') ?? '';
    expect(passJsonOf(response.bytes).serialNumber).toBe(serial);
    expectSignedAndValid(response.bytes);
  });

  test('legacy POST /api/pkpass and PUT /api/pkpass/<serial>', async () => {
    const created = await api('/api/pkpass', { method: 'POST', body: EXAMPLE_POST });
    expect(created.status).toBe(200);
    const serial = created.headers.get('x-serial-number') ?? '';
    expect(created.headers.get('x-pass-url')).toBe(`${server.url}/p/${serial}`);
    expectSignedAndValid(created.bytes);
    const updated = await api(`/api/pkpass/${serial}`, { method: 'PUT', body: EXAMPLE_PUT });
    expect(passUpdatedSchema.parse(updated.json)).toMatchObject({ serialNumber: serial, unchanged: false });
  });

  test("GET /api/auth/usage counts this month's passes", async () => {
    const before = usageSchema.parse((await api('/api/auth/usage')).json);
    await api('/api/passes', { method: 'POST', body: EXAMPLE_POST });
    const after = usageSchema.parse((await api('/api/auth/usage')).json);
    expect(after.used).toBe(before.used + 1);
    expect(after).toMatchObject({ month: new Date().toISOString().slice(0, 7), limit: null, remaining: null });
    expect(after.resetsAt).toMatch(/-01T00:00:00\.000Z$/);
  });
});

describe('POST /api/preview', () => {
  test('renders a body without storing it or costing quota', async () => {
    const before = usageSchema.parse((await api('/api/auth/usage')).json).used;
    const response = await api('/api/preview', { method: 'POST', body: EXAMPLE_POST });
    expect(response.status).toBe(200);
    expect(response.json.passJson).toMatchObject({ serialNumber: 'preview', logoText: 'Bayroast Coffee' });
    expect(response.json.passJson.webServiceURL).toBeUndefined();
    expect(response.json.googleObject).toMatchObject({ header: { defaultValue: { value: 'Coffee Rewards' } } });
    const pkpass = await api('/api/preview?format=pkpass', { method: 'POST', body: EXAMPLE_POST });
    expectSignedAndValid(pkpass.bytes);
    expect(usageSchema.parse((await api('/api/auth/usage')).json).used).toBe(before);
  });

  test('answers the images by role as paths on this server, for pages under img-src self', async () => {
    const body = { ...EXAMPLE_POST, logoURL: pngDataUri(160, 50, [4, 5, 6, 255]), stripURL: pngDataUri(375, 144) };
    const response = await api('/api/preview', { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(response.json.images).toEqual({
      logo: expect.stringMatching(/^\/i\/[0-9a-f]{64}\.png$/),
      strip: expect.stringMatching(/^\/i\/[0-9a-f]{64}\.png$/),
    });
    const logo = await request(`${server.url}${response.json.images.logo}`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect((await api('/api/preview', { method: 'POST', body: EXAMPLE_POST })).json.images).toEqual({});
  });

  test('answers errors by path, like POST /api/passes', async () => {
    const response = await api('/api/preview', { method: 'POST', body: { ...EXAMPLE_POST, color: 'green' } });
    expect(response.status).toBe(400);
    expect(response.json.issues.map((issue: { path: string }) => issue.path)).toEqual(['color']);
  });
});

describe('the request examples of /openapi.json and /llms.txt', () => {
  type Examples = Record<string, { summary: string; value: Record<string, unknown> }>;
  let examples: Examples;

  beforeAll(async () => {
    const doc = (await api('/openapi.json')).json;
    examples = doc.paths['/api/passes'].post.requestBody.content['application/json'].examples as Examples;
  });

  test("are the WalletWallet loyalty card (also in German), and docs/pass-styles.md's event ticket and boarding pass", () => {
    expect(Object.keys(examples)).toEqual(['loyaltyCard', 'loyaltyCardInGerman', 'eventTicket', 'boardingPass']);
    expect(examples.loyaltyCard?.value).toEqual(EXAMPLE_POST);
    const { defaultLanguage, translations, ...inGerman } = examples.loyaltyCardInGerman!.value;
    expect([inGerman, defaultLanguage, Object.keys(translations as object)]).toEqual([EXAMPLE_POST, 'en', ['de']]);
    expect(examples.eventTicket?.value).toEqual(STYLE_EXAMPLE_BODIES.eventTicket);
    expect(examples.boardingPass?.value).toEqual(STYLE_EXAMPLE_BODIES.boardingPass);
  });

  test.each(['loyaltyCard', 'loyaltyCardInGerman', 'eventTicket', 'boardingPass'])('%s issues a signed pass of its style', async (name) => {
    const example = examples[name]!.value;
    const response = await api('/api/passes', { method: 'POST', body: example });
    expect(response.status).toBe(200);
    const created = passCreatedSchema.parse(response.json);
    // Nothing to warn about but the missing Google configuration: every text shows, every translation is used.
    expect(created.warnings?.filter((warning) => !/Google Wallet is not configured/.test(warning))).toEqual([]);
    const pkpass = Buffer.from(created.applePass, 'base64');
    expectSignedAndValid(pkpass);
    const passJson = passJsonOf(pkpass);
    const style = (example.style as string | undefined) ?? 'generic';
    expect(passJson[style].primaryFields.length).toBeGreaterThan(0);
    if (style === 'boardingPass') expect(passJson.boardingPass.transitType).toBe('PKTransitTypeAir');
  });

  test('/llms.txt shows the same bodies as curl commands a shell runs as written', async () => {
    const text = (await api('/llms.txt')).bytes.toString('utf8');
    const bodies = [...text.matchAll(/^ {2}-d '([^']*)'$/gm)].map((match) => JSON.parse(match[1]!) as unknown);
    expect(bodies).toEqual(Object.values(examples).map((example) => example.value));
  });
});
