import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES, pngDataUri, EVERY_STYLE_BODIES, type EveryStyleName } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { createServiceAccountKey, startFakeGoogle, verifyGoogleSaveJwt, type FakeGoogle, googleServerEnv } from './fakes/fake-google';
import { createGoogleCallbackSigner } from './fakes/google-callback-signer';
import { freePort, passmintCli } from './test-support/processes';

const ISSUER = '3388000000012345678';
const TENANT_ISSUER = '3388000000087654321';
let tenantPublicKeyPem: string;
const SAVE_PREFIX = 'https://pay.google.com/gp/v/save/';
const { create: CREATE, update: UPDATE } = API_EXAMPLE_BODIES;

let dataDir: string;
let google: FakeGoogle;
let publicKeyPem: string;
let email: string;
let port: number;
let server: SpawnedServer;
let key: string;
let signer: ReturnType<typeof createGoogleCallbackSigner>;
let keyServer: Server;
let keysUrl: string;

function start(extra: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_PORT: String(port),
    ...googleServerEnv(google, ISSUER, join(dataDir, 'service-account.json')),
    PASSMINT_GOOGLE_CALLBACK_KEYS_URL: keysUrl,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    ...extra,
  });
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const account = createServiceAccountKey({ email: 'passmint@test-project.iam.gserviceaccount.com' });
  publicKeyPem = account.publicKeyPem;
  email = account.key.client_email;
  const tenantAccount = createServiceAccountKey({ email: 'bakery@bakery-project.iam.gserviceaccount.com' });
  tenantPublicKeyPem = tenantAccount.publicKeyPem;
  google = await startFakeGoogle({
    issuerId: ISSUER,
    serviceAccounts: [
      { email, publicKeyPem, issuerIds: [ISSUER] },
      { email: tenantAccount.key.client_email, publicKeyPem: tenantAccount.publicKeyPem, issuerIds: [TENANT_ISSUER] },
    ],
  });
  writeFileSync(join(dataDir, 'bakery-service-account.json'), JSON.stringify(tenantAccount.key));
  writeFileSync(join(dataDir, 'service-account.json'), JSON.stringify({ ...account.key, token_uri: google.tokenUrl }));
  // Serves the signer's root keys the way pay.google.com/gp/m/issuer/keys serves Google's.
  signer = createGoogleCallbackSigner();
  keyServer = createHttpServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signer.keyList)),
  );
  await new Promise<void>((ready) => keyServer.listen(0, '127.0.0.1', ready));
  keysUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/keys`;
  port = await freePort();
  server = await start();
  key = server.key;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await google?.close();
  await new Promise((done) => keyServer?.close(done));
  rmSync(dataDir, { recursive: true, force: true });
});

async function issue(body: unknown = CREATE) {
  const response = await request(`${server.url}/api/passes`, { method: 'POST', key, body });
  expect({ status: response.status, issues: response.json.issues }).toEqual({ status: 200, issues: undefined });
  return response.json as { serialNumber: string; googleSaveUrl: string | null; warnings?: string[] };
}

function claimsOf(saveUrl: string) {
  expect(saveUrl.startsWith(SAVE_PREFIX)).toBe(true);
  return verifyGoogleSaveJwt(saveUrl.slice(SAVE_PREFIX.length), publicKeyPem).claims as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * GET /api/passes/<serial> once its save link carries only ids: the queued insert has landed (the
 * sync marks the pass synced just after Google took the object). Before that the link is null or
 * carries the whole object.
 */
async function detailsOnceOnGoogle(serialNumber: string, requestKey = key) {
  const idsOnly = (saveUrl: unknown) =>
    typeof saveUrl === 'string' && !Object.keys(unverifiedPayload(saveUrl)).some((k) => k.endsWith('Classes'));
  let details = await request(`${server.url}/api/passes/${serialNumber}`, { key: requestKey });
  for (let tries = 0; !idsOnly(details.json.googleSaveUrl) && tries < 1200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    details = await request(`${server.url}/api/passes/${serialNumber}`, { key: requestKey });
  }
  return details;
}

function unverifiedPayload(saveUrl: string): Record<string, unknown> {
  const [, claims = ''] = saveUrl.slice(SAVE_PREFIX.length).split('.');
  return (JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { payload: Record<string, unknown> }).payload;
}

/** POST, then wait until the queued insert has put the pass on Google; the short link GET then gives. */
async function issueOnGoogle(body: unknown = CREATE) {
  const issued = await issue(body);
  const details = await detailsOnceOnGoogle(issued.serialNumber);
  return { ...issued, googleSaveUrl: details.json.googleSaveUrl as string };
}

const objectId = (serial: string) => `${ISSUER}.${serial}`;
const callsTo = (serial: string, method: string, suffix = '') =>
  google.calls.filter(
    (call) =>
      call.method === method && call.path.endsWith(`genericObject/${encodeURIComponent(objectId(serial))}${suffix}`) && call.status < 300,
  );

describe('the save link', () => {
  test('POST answers with a signed link carrying class and object; once its queued insert lands, GET gives a short link of ids', async () => {
    const issued = await issue();
    const id = objectId(issued.serialNumber);
    const carrying = claimsOf(issued.googleSaveUrl ?? '');
    expect(carrying).toMatchObject({ iss: email, aud: 'google', typ: 'savetowallet', origins: [server.url] });
    expect(carrying.payload.genericObjects).toEqual([
      expect.objectContaining({ id, barcode: expect.objectContaining({ type: 'QR_CODE', value: 'LOYALTY-98765' }) }),
    ]);
    expect(carrying.payload.genericClasses).toEqual([expect.objectContaining({ id: carrying.payload.genericObjects[0].classId })]);
    expect(issued.warnings ?? []).toEqual([]);
    const details = await detailsOnceOnGoogle(issued.serialNumber);
    expect(google.objects.get(id)).toMatchObject({
      header: { defaultValue: { value: 'Coffee Rewards' } },
      barcode: { type: 'QR_CODE', value: 'LOYALTY-98765' },
    });
    const saveUrl = details.json.googleSaveUrl as string;
    expect(saveUrl.length).toBeLessThan(1800);
    expect(claimsOf(saveUrl).payload).toEqual({
      genericObjects: [{ id, classId: expect.stringMatching(new RegExp(`^${ISSUER}\\.passmint_`)) }],
    });
    expect((await request(`${server.url}/api/passes/${issued.serialNumber}`, { key })).json.googleSaveUrl).toBe(saveUrl);
  });

  test('stays under 1,800 characters for a body with every field at its maximum', async () => {
    const long = (n: number) => 'W'.repeat(n);
    const fields = (group: string, count: number, valueLength = 512) =>
      Array.from({ length: count }, (_, i) => ({ label: long(128), value: long(valueLength), key: `${group}${i}`.padEnd(64, 'k') }));
    const issued = await issue({
      barcodeValue: long(2048),
      barcodeFormat: 'QR',
      organizationName: long(64),
      logoText: long(64),
      description: long(256),
      headerFields: fields('h', 3),
      primaryFields: fields('p', 1),
      secondaryFields: fields('s', 4),
      auxiliaryFields: fields('a', 4),
      backFields: fields('b', 20, 4096),
      locations: Array.from({ length: 10 }, () => ({ latitude: 1, longitude: 2, relevantText: long(256) })),
    });
    expect(issued.googleSaveUrl?.length).toBeLessThan(1800);
  });
});

describe('updates', () => {
  test('a changed PUT sends one PATCH with the new values and one notifying message; an identical PUT sends nothing', async () => {
    const { serialNumber } = await issueOnGoogle();
    const put = await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE });
    expect(put.json.unchanged).toBe(false);
    await until(() => google.messages.some((message) => message.objectId === objectId(serialNumber)), 60_000);
    expect(callsTo(serialNumber, 'PATCH')).toHaveLength(1);
    expect(google.objects.get(objectId(serialNumber))).toMatchObject({ textModulesData: [{ header: 'POINTS', body: '1,300' }] });
    expect(google.messages.filter((message) => message.objectId === objectId(serialNumber))).toEqual([
      expect.objectContaining({ messageType: 'TEXT_AND_NOTIFY', body: 'You hit 1,300 points. Free coffee unlocked!' }),
    ]);
    const calls = google.calls.length;
    expect((await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE })).json.unchanged).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(google.calls.length).toBe(calls);
  });

  test('the fourth notifying update in a day goes out as a silent TEXT message', async () => {
    const { serialNumber } = await issue();
    for (let points = 1; points <= 4; points++) {
      const body = { ...UPDATE, headerFields: [{ label: 'POINTS', value: String(points), changeMessage: 'Now %@ points' }] };
      await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body });
      await until(() => google.messages.filter((message) => message.objectId === objectId(serialNumber)).length === points, 60_000);
    }
    expect(google.messages.filter((message) => message.objectId === objectId(serialNumber)).map((message) => message.messageType)).toEqual([
      'TEXT_AND_NOTIFY',
      'TEXT_AND_NOTIFY',
      'TEXT_AND_NOTIFY',
      'TEXT',
    ]);
  });

  test("a change made while the pass's Google sync is under way is synced after that one, never alongside it", async () => {
    const { serialNumber } = await issueOnGoogle();
    const put = (points: string) =>
      request(`${server.url}/api/passes/${serialNumber}`, {
        method: 'PUT',
        key,
        body: { ...UPDATE, headerFields: [{ label: 'POINTS', value: points, changeMessage: 'Now %@ points' }] },
      });
    google.hold();
    try {
      expect((await put('100')).status).toBe(200);
      await until(() => google.heldCalls() === 1, 60_000);
      expect((await put('200')).status).toBe(200);
      // Two polls of the push worker: time for a second sync to start, were it allowed to.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(google.heldCalls()).toBe(1);
    } finally {
      google.release();
    }
    const messages = () => google.messages.filter((message) => message.objectId === objectId(serialNumber));
    await until(() => messages().length === 2, 60_000);
    expect(messages().map((message) => message.body)).toEqual(['Now 100 points', 'Now 200 points']);
    expect(google.objects.get(objectId(serialNumber))).toMatchObject({ textModulesData: [{ header: 'POINTS', body: '200' }] });
  });

  test('Google down during the PUT: the update is delivered once it comes back', async () => {
    const { serialNumber } = await issueOnGoogle();
    google.down();
    try {
      expect((await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(callsTo(serialNumber, 'PATCH')).toHaveLength(0);
    } finally {
      google.up();
    }
    await until(() => callsTo(serialNumber, 'PATCH').length === 1, 60_000);
    expect(google.objects.get(objectId(serialNumber))).toMatchObject({ textModulesData: [{ body: '1,300' }] });
  });

  test('Google down at POST: a self-contained link when it fits, and the object is inserted once Google is back', async () => {
    google.down();
    let issued: Awaited<ReturnType<typeof issue>>;
    try {
      issued = await issue();
    } finally {
      google.up();
    }
    const claims = claimsOf(issued.googleSaveUrl ?? '');
    expect(claims.payload.genericObjects[0]).toMatchObject({
      id: objectId(issued.serialNumber),
      header: { defaultValue: { value: 'Coffee Rewards' } },
    });
    expect(issued.warnings ?? []).toEqual([]);
    await until(() => google.objects.has(objectId(issued.serialNumber)), 60_000);
  });

  test('Google down at POST with a pass too large for a self-contained link: no link, a warning that says why, inserted later', async () => {
    const backFields = Array.from({ length: 8 }, (_, i) => ({ label: `Terms ${i}`, value: 'W'.repeat(400) }));
    google.down();
    let issued: Awaited<ReturnType<typeof issue>>;
    try {
      issued = await issue({ ...CREATE, backFields });
    } finally {
      google.up();
    }
    expect(issued.googleSaveUrl).toBeNull();
    expect(issued.warnings?.join(' ')).toMatch(/google_unavailable: .*too large to travel inside a save link/);
    await until(() => google.objects.has(objectId(issued.serialNumber)), 60_000);
    const details = await detailsOnceOnGoogle(issued.serialNumber);
    expect(details.json.googleSaveUrl).toMatch(/^https:\/\/pay\.google\.com\/gp\/v\/save\//);
  });

  test('GET before the object is on Google: the link carrying it (and the Google button on the share page), the short link once the sync succeeds', async () => {
    const android = { 'user-agent': 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36' };
    google.down();
    let serialNumber: string;
    try {
      const issued = await issue();
      serialNumber = issued.serialNumber;
      const details = await request(`${server.url}/api/passes/${serialNumber}`, { key });
      expect(details.json.googleSaveUrl).toBe(issued.googleSaveUrl);
      expect(claimsOf(details.json.googleSaveUrl).payload.genericObjects[0]).toMatchObject({
        id: objectId(serialNumber),
        barcode: expect.any(Object),
      });
      expect((await request(`${server.url}/p/${serialNumber}`, { headers: android })).bytes.toString('utf8')).toContain(
        'data-action="google"',
      );
    } finally {
      google.up();
    }
    const details = await detailsOnceOnGoogle(serialNumber);
    expect(claimsOf(details.json.googleSaveUrl).payload).toEqual({
      genericObjects: [{ id: objectId(serialNumber), classId: expect.any(String) }],
    });
    expect(details.json.warnings).toBeUndefined();
  });

  test('GET gives no save link for a pass too large to carry and not on Google yet: null with a warning, no Google button on the share page', async () => {
    const backFields = Array.from({ length: 8 }, (_, i) => ({ label: `Terms ${i}`, value: 'W'.repeat(400) }));
    google.down();
    try {
      const { serialNumber } = await issue({ ...CREATE, backFields });
      const details = await request(`${server.url}/api/passes/${serialNumber}`, { key });
      expect(details.json.googleSaveUrl).toBeNull();
      expect(details.json.warnings).toEqual([expect.stringMatching(/^googleSaveUrl is null: this pass is not on Google Wallet yet/)]);
      const page = await request(`${server.url}/p/${serialNumber}`, {
        headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36' },
      });
      expect(page.bytes.toString('utf8')).not.toContain('data-action="google"');
    } finally {
      google.up();
    }
  });

  test('kill -9 between the PUT and the sync: delivered once after restart', async () => {
    const { serialNumber } = await issueOnGoogle();
    await server.stop();
    server = await start({ PASSMINT_PUSH_WORKER_DELAY_MS: '60000' });
    expect((await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE })).json.unchanged).toBe(false);
    await server.stop('SIGKILL');
    expect(callsTo(serialNumber, 'PATCH')).toHaveLength(0);
    server = await start();
    await until(() => callsTo(serialNumber, 'PATCH').length === 1, 60_000);
    await until(() => callsTo(serialNumber, 'POST', '/addMessage').length === 1, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(callsTo(serialNumber, 'PATCH')).toHaveLength(1);
    expect(callsTo(serialNumber, 'POST', '/addMessage')).toHaveLength(1);
  });
});

describe('the preview', () => {
  test("POST /api/preview's googleObject carries the same images as the object put on Google", async () => {
    const body = {
      ...CREATE,
      iconURL: pngDataUri(87, 87, [1, 2, 3, 255]),
      logoURL: pngDataUri(160, 50, [4, 5, 6, 255]),
      stripURL: pngDataUri(750, 246, [7, 8, 9, 255]),
    };
    const preview = await request(`${server.url}/api/preview`, { method: 'POST', key, body });
    expect(preview.status).toBe(200);
    const { serialNumber } = await issueOnGoogle(body);
    const real = google.objects.get(objectId(serialNumber)) as Record<string, { sourceUri: { uri: string } }>;
    expect(preview.json.googleObject.logo).toEqual(real.logo);
    expect(preview.json.googleObject.heroImage).toEqual(real.heroImage);
    expect(real.logo?.sourceUri.uri).toMatch(new RegExp(`^${server.url}/i/[0-9a-f]{64}\\.png$`));
    expect(real.heroImage?.sourceUri.uri).toMatch(/\/i\/[0-9a-f]{64}\.png$/);
  });
});

describe('every style on Google', () => {
  /** An example body with its images as data (the examples' CDN is not reachable from here). */
  const styled = (name: EveryStyleName, changes: Record<string, unknown> = {}) => {
    const { logoURL: _logo, iconURL: _icon, stripURL: _strip, ...body } = EVERY_STYLE_BODIES[name] as Record<string, unknown>;
    return { ...body, ...(name === 'train' ? {} : { iconURL: pngDataUri(87, 87, [9, 8, 7, 255]) }), ...changes };
  };
  const styledId = (serial: string, vertical: string) => `${ISSUER}.${serial}.${vertical.toLowerCase()}`;

  test.each([
    ['eventTicket', 'eventTicket'],
    ['flight', 'flight'],
    ['train', 'transit'],
    ['coupon', 'offer'],
    ['loyalty', 'loyalty'],
  ] as const)('%s: class and object in the %s collections, a short link that carries ids only', async (name, vertical) => {
    const issued = await issueOnGoogle(styled(name));
    const id = styledId(issued.serialNumber, vertical);
    expect(google.verticalOf(id)).toBe(vertical);
    const object = google.objects.get(id) as { classId: string; state: string };
    expect(object.state).toBe('ACTIVE');
    expect(google.verticalOf(object.classId)).toBe(vertical);
    expect(google.classes.get(object.classId)).toMatchObject({
      reviewStatus: 'UNDER_REVIEW',
      callbackOptions: { url: `${server.url}/google/callback` },
    });
    expect(issued.googleSaveUrl?.length).toBeLessThan(1800);
    expect(claimsOf(issued.googleSaveUrl ?? '').payload).toEqual({ [`${vertical}Objects`]: [{ id, classId: object.classId }] });
    expect((await request(`${server.url}/api/passes/${issued.serialNumber}`, { key })).json.googleSaveUrl).toBe(issued.googleSaveUrl);
  });

  test('a transit pass without images gets the default logo Google requires, served by the server', async () => {
    const { serialNumber } = await issueOnGoogle(styled('train'));
    const object = google.objects.get(styledId(serialNumber, 'transit')) as { classId: string };
    const logo = (google.classes.get(object.classId) as { logo: { sourceUri: { uri: string } } }).logo.sourceUri.uri;
    expect(logo).toBe(`${server.url}/google/default-logo.png`);
    const response = await fetch(logo);
    expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({ status: 200, type: 'image/png' });
  });

  test('two tickets for one event share its class; a changed event time updates the class, a changed seat the object with a message', async () => {
    const seat = (value: string) => [{ key: 'seat', label: 'SEAT', value, changeMessage: 'Your seat is now %@' }];
    const first = await issue(styled('eventTicket', { secondaryFields: seat('7') }));
    const second = await issue(styled('eventTicket', { barcodeValue: 'TKT-000124' }));
    const classId = (google.objects.get(styledId(first.serialNumber, 'eventTicket')) as { classId: string }).classId;
    expect((google.objects.get(styledId(second.serialNumber, 'eventTicket')) as { classId: string }).classId).toBe(classId);
    const event = { ...EVERY_STYLE_BODIES.eventTicket.event, doorsOpenAt: '2027-03-14T18:30:00+01:00' };
    await request(`${server.url}/api/passes/${first.serialNumber}`, {
      method: 'PUT',
      key,
      body: styled('eventTicket', { event, secondaryFields: seat('8') }),
    });
    const id = styledId(first.serialNumber, 'eventTicket');
    await until(() => google.messages.some((message) => message.objectId === id), 60_000);
    expect(google.messages.filter((message) => message.objectId === id)).toEqual([
      expect.objectContaining({ messageType: 'TEXT_AND_NOTIFY', body: 'Your seat is now 8' }),
    ]);
    expect(google.classes.get(classId)).toMatchObject({ dateTime: { doorsOpen: '2027-03-14T18:30:00+01:00' } });
    expect(
      google.calls.filter((call) => call.method === 'PATCH' && call.path.endsWith(`eventTicketClass/${encodeURIComponent(classId)}`)),
    ).not.toHaveLength(0);
  });

  test('a PUT that changes the style puts the pass in its new vertical and retires the object it leaves', async () => {
    const { serialNumber } = await issueOnGoogle();
    await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: styled('flight') });
    const flightId = styledId(serialNumber, 'flight');
    await until(() => google.objects.get(objectId(serialNumber))?.state === 'INACTIVE', 60_000);
    expect(google.verticalOf(flightId)).toBe('flight');
    expect(google.objects.get(flightId)).toMatchObject({ state: 'ACTIVE', passengerName: 'Ada Lovelace' });
    const details = await detailsOnceOnGoogle(serialNumber);
    expect(Object.keys(claimsOf(details.json.googleSaveUrl).payload)).toEqual(['flightObjects']);
    // And back: the generic object is made active again, the flight one retired.
    await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: CREATE });
    await until(() => google.objects.get(flightId)?.state === 'INACTIVE', 60_000);
    expect(google.objects.get(objectId(serialNumber))?.state).toBe('ACTIVE');
  });

  test("a save callback for a flight object counts the holder of that object's pass", async () => {
    const { serialNumber } = await issueOnGoogle(styled('flight'));
    const id = styledId(serialNumber, 'flight');
    const classId = (google.objects.get(id) as { classId: string }).classId;
    const save = signer.sign({ classId, objectId: id, eventType: 'save', nonce: `flight-${serialNumber}` }, ISSUER);
    const response = await fetch(`${server.url}/google/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(save),
    });
    expect(response.status).toBe(200);
    expect((await request(`${server.url}/api/passes/${serialNumber}`, { key })).json.devices.google).toBe(1);
  });

  test('Google down at POST: an event ticket is too large to travel whole in a link, so no link and a warning; put on Google once it answers', async () => {
    google.down();
    let issued: Awaited<ReturnType<typeof issue>>;
    try {
      issued = await issue(styled('eventTicket'));
    } finally {
      google.up();
    }
    expect(issued.googleSaveUrl).toBeNull();
    expect(issued.warnings?.join(' ')).toMatch(/google_unavailable: .*too large to travel inside a save link/);
    const id = styledId(issued.serialNumber, 'eventTicket');
    await until(() => google.objects.has(id), 60_000);
    expect(google.verticalOf(id)).toBe('eventTicket');
    const details = await detailsOnceOnGoogle(issued.serialNumber);
    expect(claimsOf(details.json.googleSaveUrl).payload).toEqual({ eventTicketObjects: [{ id, classId: expect.any(String) }] });
  });

  test('the preview names the vertical and gives the class', async () => {
    const preview = await request(`${server.url}/api/preview`, { method: 'POST', key, body: styled('coupon') });
    expect(preview.json).toMatchObject({
      googleVertical: 'offer',
      googleClass: { title: '20% off any drink', redemptionChannel: 'INSTORE' },
      googleObject: { barcode: { value: 'SAVE20-8841' } },
    });
  });
});

describe('recovering on Google', () => {
  test('an object Google lost is inserted again on the next change (404 on PATCH → insert)', async () => {
    const { serialNumber } = await issueOnGoogle();
    google.objects.delete(objectId(serialNumber));
    await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE });
    await until(() => google.objects.has(objectId(serialNumber)), 60_000);
    expect(google.objects.get(objectId(serialNumber))).toMatchObject({ textModulesData: [{ body: '1,300' }] });
  });

  test('a retried POST (same Idempotency-Key) answers the same pass with the link a GET gives, and the object is inserted once', async () => {
    const headers = { 'idempotency-key': `google-retry-${Date.now()}` };
    const first = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE, headers });
    const { serialNumber } = first.json;
    const details = await detailsOnceOnGoogle(serialNumber);
    const again = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE, headers });
    expect(again.json.serialNumber).toBe(serialNumber);
    expect(again.json.googleSaveUrl).toBe(details.json.googleSaveUrl);
    const inserts = google.calls.filter(
      (call) =>
        call.method === 'POST' && call.path.endsWith('/genericObject') && (call.body as { id?: string })?.id === objectId(serialNumber),
    );
    expect(inserts.map((call) => call.status)).toEqual([200]);
  });

  test('access tokens are reused, not fetched per call', async () => {
    const tokenCalls = google.calls.filter((call) => call.path === '/token').length;
    const apiCalls = google.calls.filter((call) => call.path !== '/token').length;
    expect(apiCalls).toBeGreaterThan(20);
    // One per server process and service account (the test restarts the server once).
    expect(tokenCalls).toBeLessThanOrEqual(4);
  });
});

describe("Google's save and delete callbacks", () => {
  const callback = (body: unknown) =>
    fetch(`${server.url}/google/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('a verified save counts the holder: device counts and notifiedDevices include it; a delete removes it', async () => {
    const { serialNumber } = await issueOnGoogle();
    const classId = google.objects.get(objectId(serialNumber))?.classId as string;
    expect(google.classes.get(classId)).toMatchObject({ callbackOptions: { url: `${server.url}/google/callback` } });
    const save = signer.sign({ classId, objectId: objectId(serialNumber), eventType: 'save', nonce: `save-${serialNumber}` }, ISSUER);
    expect((await callback(save)).status).toBe(200);
    expect((await callback(save)).status).toBe(200);
    const details = await request(`${server.url}/api/passes/${serialNumber}`, { key });
    expect(details.json).toMatchObject({ registeredDevices: 1, devices: { apple: 0, android: 0, google: 1 } });
    const put = await request(`${server.url}/api/passes/${serialNumber}`, { method: 'PUT', key, body: UPDATE });
    expect(put.json.notifiedDevices).toBe(1);
    await callback(signer.sign({ classId, objectId: objectId(serialNumber), eventType: 'del', nonce: `del-${serialNumber}` }, ISSUER));
    expect((await request(`${server.url}/api/passes/${serialNumber}`, { key })).json.devices.google).toBe(0);
  });

  test('a callback signed for another issuer, or tampered with, is refused and counts nothing', async () => {
    const { serialNumber } = await issue();
    const message = { classId: `${ISSUER}.x`, objectId: objectId(serialNumber), eventType: 'save' as const };
    const other = await callback(signer.sign(message, '3388000000099999999'));
    expect(other.status).toBe(401);
    const tampered = signer.sign(message, ISSUER);
    const forged = await callback({ ...tampered, signedMessage: (tampered.signedMessage as string).replace('save', 'del') });
    expect(forged.status).toBe(401);
    expect((await request(`${server.url}/api/passes/${serialNumber}`, { key })).json.devices.google).toBe(0);
  });
});

describe('a tenant with its own Google issuer', () => {
  test('its passes go to its issuer with its service account; others stay on the instance issuer', async () => {
    const cli = (...args: string[]) => passmintCli(dataDir, ...args);
    cli(
      'tenants',
      'create',
      'Corner Bakery',
      '--google-issuer-id',
      TENANT_ISSUER,
      '--google-service-account',
      join(dataDir, 'bakery-service-account.json'),
    );
    const bakeryKey = cli('keys', 'create', '--tenant', 'Corner Bakery');
    const response = await request(`${server.url}/api/passes`, { method: 'POST', key: bakeryKey, body: CREATE });
    expect(response.status).toBe(200);
    const serial: string = response.json.serialNumber;
    await detailsOnceOnGoogle(serial, bakeryKey);
    expect(google.objects.has(`${TENANT_ISSUER}.${serial}`)).toBe(true);
    const claims = verifyGoogleSaveJwt((response.json.googleSaveUrl as string).slice(SAVE_PREFIX.length), tenantPublicKeyPem).claims as {
      iss: string;
    };
    expect(claims.iss).toBe('bakery@bakery-project.iam.gserviceaccount.com');
    const put = await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key: bakeryKey, body: UPDATE });
    expect(put.json.unchanged).toBe(false);
    await until(() => google.messages.some((message) => message.objectId === `${TENANT_ISSUER}.${serial}`), 60_000);
    const classId = google.objects.get(`${TENANT_ISSUER}.${serial}`)?.classId as string;
    const save = signer.sign({ classId, objectId: `${TENANT_ISSUER}.${serial}`, eventType: 'save' }, TENANT_ISSUER);
    expect(
      (
        await fetch(`${server.url}/google/callback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(save),
        })
      ).status,
    ).toBe(200);
    expect((await request(`${server.url}/api/passes/${serial}`, { key: bakeryKey })).json.devices.google).toBe(1);
  });
});
