import { randomBytes } from 'node:crypto';
import { timelineSchema } from '@passmint/engine/schema';
import { deviceIdOf } from '../../events/device-id';
import { createApiKeyFor, createTenant } from '../../tenants/tenant-admin';
import { request, startInProcess, type InProcessServer } from '../../testing';

const BODY = { barcodeValue: 'TIMELINE-1', barcodeFormat: 'QR', logoText: 'Timeline' };

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
});
afterAll(() => server.close());

interface Entry {
  id: string;
  at: string;
  kind: string;
  [field: string]: unknown;
}

async function issued(): Promise<{ serial: string; token: string; passType: string }> {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: BODY });
  expect(created.status).toBe(200);
  const serial: string = created.json.serialNumber;
  const pass = await server.server.store.findPassBySerial(serial);
  return { serial, token: pass!.authenticationToken, passType: pass!.passTypeIdentifier };
}

function timeline(serial: string, query = '', key = server.key) {
  return request(`${server.url}/api/passes/${serial}/timeline${query}`, { key });
}

/** The activity log writes in the background: wait until the timeline shows what `done` wants. */
async function timelineUntil(serial: string, done: (entries: Entry[]) => boolean): Promise<Entry[]> {
  for (let tries = 0; ; tries++) {
    const response = await timeline(serial, '?limit=500');
    expect(response.status).toBe(200);
    // The answer is what the OpenAPI document and the client's types say it is.
    timelineSchema.parse(response.json);
    const entries = response.json.entries as Entry[];
    if (done(entries)) return entries;
    if (tries > 400) throw new Error(`the timeline never got there: ${JSON.stringify(entries)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function webService(pass: { serial: string; token: string; passType: string }, path: string, init: RequestInit = {}) {
  return fetch(`${server.url}/apple/v1${path}`, {
    ...init,
    headers: { authorization: `ApplePass ${pass.token}`, 'content-type': 'application/json', ...init.headers },
  });
}

test('shows the events (created, installed), the registration, fetches (200, 304) and a refused call, newest first', async () => {
  const pass = await issued();
  const device = randomBytes(16).toString('hex');
  const registration = `/devices/${device}/registrations/${pass.passType}/${pass.serial}`;
  expect((await webService(pass, registration, { method: 'POST', body: JSON.stringify({ pushToken: 'a'.repeat(64) }) })).status).toBe(201);
  const fetched = await webService(pass, `/passes/${pass.passType}/${pass.serial}`);
  expect(fetched.status).toBe(200);
  const since = fetched.headers.get('last-modified')!;
  expect((await webService(pass, `/passes/${pass.passType}/${pass.serial}`, { headers: { 'if-modified-since': since } })).status).toBe(304);
  expect((await webService({ ...pass, token: 'wrong-token' }, `/passes/${pass.passType}/${pass.serial}`)).status).toBe(401);

  const entries = await timelineUntil(pass.serial, (list) => list.filter((entry) => entry.kind === 'web_service').length === 4);
  const wire = entries.filter((entry) => entry.kind === 'web_service').map(({ call, status, deviceId }) => ({ call, status, deviceId }));
  expect(wire).toEqual([
    { call: 'fetch', status: 401, deviceId: null },
    { call: 'fetch', status: 304, deviceId: null },
    { call: 'fetch', status: 200, deviceId: null },
    { call: 'register', status: 201, deviceId: deviceIdOf(device) },
  ]);
  const events = entries.filter((entry) => entry.kind === 'event').map((entry) => entry.event as { type: string; data: unknown });
  expect(events.map((event) => event.type)).toEqual(['pass.installed', 'pass.created']);
  expect(events[0]!.data).toMatchObject({ serialNumber: pass.serial, platform: 'apple', deviceId: deviceIdOf(device) });
  expect(entries.at(-1)).toMatchObject({ kind: 'event', event: { type: 'pass.created', data: { serialNumber: pass.serial } } });
  for (const entry of entries) expect(JSON.stringify(entry)).not.toContain(device);
  const times = entries.map((entry) => entry.at);
  expect([...times].sort().reverse()).toEqual(times);
});

test('a registration refused for its body shows its status, with the device', async () => {
  const pass = await issued();
  const device = randomBytes(16).toString('hex');
  const response = await webService(pass, `/devices/${device}/registrations/${pass.passType}/${pass.serial}`, {
    method: 'POST',
    body: JSON.stringify({ pushToken: '' }),
  });
  expect(response.status).toBe(400);
  const entries = await timelineUntil(pass.serial, (list) => list.some((entry) => entry.kind === 'web_service'));
  expect(entries[0]).toMatchObject({ kind: 'web_service', call: 'register', status: 400, deviceId: deviceIdOf(device) });
});

test('an unregistration shows with its device', async () => {
  const pass = await issued();
  const device = randomBytes(16).toString('hex');
  const registration = `/devices/${device}/registrations/${pass.passType}/${pass.serial}`;
  await webService(pass, registration, { method: 'POST', body: JSON.stringify({ pushToken: 'b'.repeat(64) }) });
  expect((await webService(pass, registration, { method: 'DELETE' })).status).toBe(200);
  const entries = await timelineUntil(pass.serial, (list) => list.some((entry) => entry.call === 'unregister'));
  expect(entries.find((entry) => entry.call === 'unregister')).toMatchObject({ status: 200, deviceId: deviceIdOf(device) });
});

test('device log messages show on the passes they name, cut short, and nowhere else', async () => {
  const first = await issued();
  const second = await issued();
  const bystander = await issued();
  const long = `Get pass task (pass type ${first.passType}, serial number ${first.serial}, if-modified-since (null)) failed: ${'x'.repeat(600)}`;
  const logs = [
    long,
    `Web service error for ${second.passType}/${second.serial}: Unexpected response code 500`,
    `bare mention of ${second.serial}`,
    'an unknown pass: pass.com.nobody/no-such-serial-123',
    'nothing about any pass',
  ];
  const posted = await fetch(`${server.url}/apple/v1/log`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ logs }),
  });
  expect(posted.status).toBe(200);

  const firstEntries = await timelineUntil(first.serial, (list) => list.some((entry) => entry.kind === 'device_log'));
  expect(firstEntries.filter((entry) => entry.kind === 'device_log').map((entry) => entry.message)).toEqual([long.slice(0, 500)]);
  const secondEntries = await timelineUntil(second.serial, (list) => list.filter((entry) => entry.kind === 'device_log').length === 2);
  expect(
    secondEntries
      .filter((entry) => entry.kind === 'device_log')
      .map((entry) => entry.message)
      .sort(),
  ).toEqual([logs[2], logs[1]].sort());
  const others = (await timeline(bystander.serial)).json.entries as Entry[];
  expect(others.filter((entry) => entry.kind === 'device_log')).toEqual([]);
});

test("another tenant's pass, an unknown serial and a malformed one are 404 pass_not_found", async () => {
  const pass = await issued();
  const other = await createTenant(server.server.store, { name: `Timeline other ${randomBytes(4).toString('hex')}` });
  const { key } = await createApiKeyFor(server.server.store, other.id);
  for (const response of [await timeline(pass.serial, '', key), await timeline('no-such-serial'), await timeline('bad%20serial')]) {
    expect(response.status).toBe(404);
    expect(response.json.code).toBe('pass_not_found');
  }
  expect((await timeline(pass.serial, '', 'pm_live_not_a_key')).status).toBe(401);
});

test('pages newest first with limit and before, each entry once, up to the end', async () => {
  const pass = await issued();
  for (let i = 0; i < 6; i++) expect((await webService(pass, `/passes/${pass.passType}/${pass.serial}`)).status).toBe(200);
  const all = await timelineUntil(pass.serial, (list) => list.length === 7);
  const seen: Entry[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const response = await timeline(pass.serial, `?limit=2${before ? `&before=${before}` : ''}`);
    expect(response.status).toBe(200);
    const page = response.json as { entries: Entry[]; next: string | null };
    expect(page.entries.length).toBeLessThanOrEqual(2);
    seen.push(...page.entries);
    before = page.next;
    if (!before) break;
    expect(before).toBe(page.entries.at(-1)!.id);
  }
  expect(seen).toEqual(all);
  expect(new Set(seen.map((entry) => entry.id)).size).toBe(seen.length);
});

test('entries newer than the first page never slip into the later pages', async () => {
  const pass = await issued();
  for (let i = 0; i < 3; i++) await webService(pass, `/passes/${pass.passType}/${pass.serial}`);
  await timelineUntil(pass.serial, (list) => list.length === 4);
  const first = (await timeline(pass.serial, '?limit=1')).json as { entries: Entry[]; next: string };
  await request(`${server.url}/api/passes/${pass.serial}`, { method: 'PUT', key: server.key, body: { ...BODY, logoText: 'Changed' } });
  await webService(pass, `/passes/${pass.passType}/${pass.serial}`);
  await timelineUntil(pass.serial, (list) => list.length === 6);
  const rest = (await timeline(pass.serial, `?before=${first.next}`)).json as { entries: Entry[]; next: string | null };
  expect(rest.entries).toHaveLength(3);
  expect(rest.next).toBeNull();
  expect(rest.entries.some((entry) => entry.kind === 'event' && (entry.event as { type: string }).type === 'pass.updated')).toBe(false);
});

test('limit is bounded (1 to 500) and before must be an entry id: else 400 invalid_query', async () => {
  const pass = await issued();
  expect((await timeline(pass.serial, '?limit=500')).status).toBe(200);
  for (const query of [
    '?limit=0',
    '?limit=501',
    '?limit=abc',
    '?limit=1.5',
    '?limit=',
    '?before=evt_1',
    '?before=tl_x_0',
    '?limit=1&limit=2',
  ]) {
    const response = await timeline(pass.serial, query);
    expect({ query, status: response.status, code: response.json.code }).toEqual({ query, status: 400, code: 'invalid_query' });
  }
});
