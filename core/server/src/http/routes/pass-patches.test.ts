import { randomBytes } from 'node:crypto';
import { createApiKeyFor, createTenant } from '../../tenants/tenant-admin';
import { request, startInProcess, type ApiResponse, type InProcessServer } from '../../testing';
import { MAX_JSON_BODY_BYTES } from '../app';

const PASS_TYPE = 'pass.dev.passmint.local';
const MERGE_PATCH = 'application/merge-patch+json';
const BODY = {
  barcodeValue: 'PATCH-1',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  description: 'Loyalty card',
  headerFields: [
    { label: 'POINTS', value: '1,250' },
    { key: 'tier', label: 'TIER', value: 'Gold' },
  ],
  primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
};

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
});
afterAll(() => server.close());

async function issue(body: unknown = BODY, key = server.key): Promise<string> {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key, body });
  expect(created.status).toBe(200);
  return created.json.serialNumber as string;
}

const passUrl = (serial: string) => `${server.url}/api/passes/${serial}`;
const get = (serial: string) => request(passUrl(serial), { key: server.key });

function patch(serial: string, body: unknown, options: { type?: string; key?: string; base?: string } = {}): Promise<ApiResponse> {
  return request(`${options.base ?? server.url}/api/passes/${serial}`, {
    method: 'PATCH',
    key: options.key ?? server.key,
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': options.type ?? MERGE_PATCH },
  });
}

function patchField(serial: string, fieldKey: string, body: unknown, options: { type?: string; key?: string } = {}) {
  return request(`${passUrl(serial)}/fields/${fieldKey}`, {
    method: 'PATCH',
    key: options.key ?? server.key,
    raw: JSON.stringify(body),
    headers: { 'content-type': options.type ?? 'application/json' },
  });
}

async function registerDevice(serial: string): Promise<void> {
  const stored = await server.server.store.findPassBySerial(serial);
  const device = randomBytes(16).toString('hex');
  const registered = await request(`${server.url}/apple/v1/devices/${device}/registrations/${PASS_TYPE}/${serial}`, {
    method: 'POST',
    raw: JSON.stringify({ pushToken: randomBytes(32).toString('hex') }),
    headers: { authorization: `ApplePass ${stored!.authenticationToken}`, 'content-type': 'application/json' },
  });
  expect(registered.status).toBe(201);
}

const pendingPushes = async (serial: string) => (await server.server.store.pushSummary(serial)).pending;

describe('PATCH /api/passes/<serial> (merge patch)', () => {
  test('null removes a property, a value replaces it, an array replaces the whole array', async () => {
    const serial = await issue();
    const answer = await patch(serial, { description: null, logoText: 'Bayroast', headerFields: [{ label: 'STARS', value: 3 }] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ serialNumber: serial, lastUpdated: expect.any(String), notifiedDevices: 0, unchanged: false });
    const { body } = (await get(serial)).json;
    expect(body).toEqual({
      barcodeValue: 'PATCH-1',
      barcodeFormat: 'QR',
      logoText: 'Bayroast',
      headerFields: [{ key: 'header0', label: 'STARS', value: 3 }],
      primaryFields: [{ key: 'primary0', label: 'CARD', value: 'Coffee Rewards' }],
    });
  });

  test('an object patch merges into an object value; into an array it makes an object, which the body refuses', async () => {
    const serial = await issue();
    const answer = await patch(serial, { headerFields: { 0: { value: '1' } } });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('invalid_body');
    expect(answer.json.issues).toEqual([{ path: 'headerFields', message: expect.any(String) }]);
  });

  test('a patch that makes the body invalid is a 400 with PUT paths, and the pass stays as it was', async () => {
    const serial = await issue();
    const before = (await get(serial)).json;
    const missingBarcode = await patch(serial, { barcodeValue: null });
    expect(missingBarcode.status).toBe(400);
    expect(missingBarcode.json.issues).toEqual([{ path: 'barcodeValue', message: 'is required when the other barcode field is given' }]);
    const badValues = await patch(serial, { color: 'red', primaryFields: [{ label: 'CARD' }] });
    expect(badValues.status).toBe(400);
    expect(badValues.json.issues.map((issue: { path: string }) => issue.path)).toEqual(['primaryFields.0.value', 'color']);
    const unknown = await patch(serial, { unknownThing: 1, logoText: null });
    expect(unknown.json.issues).toEqual([{ path: 'unknownThing', message: 'is not a known field' }]);
    expect((await patch(serial, { unknownThing: null, logoText: 'Bayroast Coffee' })).json.unchanged).toBe(true);
    expect((await get(serial)).json).toEqual(before);
  });

  test('a patch that is not a JSON object is a 400', async () => {
    const serial = await issue();
    for (const body of ['[1]', '"text"', 'null', '12']) {
      const answer = await patch(serial, body);
      expect({ body, status: answer.status, code: answer.json.code }).toEqual({ body, status: 400, code: 'invalid_body' });
      expect(answer.json.issues).toEqual([{ path: '', message: 'must be a JSON object' }]);
    }
    expect((await patch(serial, '{"a":')).json.code).toBe('invalid_json');
  });

  test('the same pass again is unchanged: no push, no new version', async () => {
    const serial = await issue();
    await registerDevice(serial);
    const pending = await pendingPushes(serial);
    const before = (await get(serial)).json.lastUpdated;
    const answer = await patch(serial, { logoText: 'Bayroast Coffee', headerFields: BODY.headerFields });
    expect(answer.json).toEqual({ serialNumber: serial, lastUpdated: before, notifiedDevices: 0, unchanged: true });
    expect(await pendingPushes(serial)).toBe(pending);
    expect((await patch(serial, {})).json.unchanged).toBe(true);
  });

  test('a change reaching a registered device queues its push', async () => {
    const serial = await issue();
    await registerDevice(serial);
    const pending = await pendingPushes(serial);
    const answer = await patch(serial, { headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'You have %@ points' }] });
    expect(answer.json).toMatchObject({ notifiedDevices: 1, unchanged: false });
    expect(await pendingPushes(serial)).toBeGreaterThan(pending);
  });

  test('a wrong content type is a 415 naming application/merge-patch+json', async () => {
    const serial = await issue();
    for (const type of ['application/json', 'text/plain', 'application/json-patch+json']) {
      const answer = await patch(serial, { logoText: 'X' }, { type });
      expect({ type, status: answer.status, code: answer.json.code }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
      expect(answer.json.error).toContain('Content-Type: application/merge-patch+json');
      expect(answer.headers.get('accept-patch')).toBe(MERGE_PATCH);
    }
    expect((await patch(serial, { logoText: 'X' }, { type: `${MERGE_PATCH}; charset=utf-8` })).status).toBe(200);
  });

  test('a merge patch sent to a PUT or POST is refused, never taken as a full body', async () => {
    const serial = await issue();
    const put = await request(passUrl(serial), {
      method: 'PUT',
      key: server.key,
      raw: JSON.stringify({ logoText: 'X' }),
      headers: { 'content-type': MERGE_PATCH },
    });
    expect(put.status).toBe(400);
    expect(put.json.code).toBe('unsupported_content_type');
    expect((await get(serial)).json.body.logoText).toBe('Bayroast Coffee');
  });

  test('a body over the JSON limit is a 413, as on PUT', async () => {
    const serial = await issue();
    const answer = await patch(serial, JSON.stringify({ description: 'x'.repeat(MAX_JSON_BODY_BYTES) }));
    expect(answer.status).toBe(413);
    expect(answer.json.code).toBe('body_too_large');
  });

  test("an unknown, malformed or another tenant's serial is a 404", async () => {
    const tenant = await createTenant(server.server.store, { name: 'Patch Other' });
    const { key: otherKey } = await createApiKeyFor(server.server.store, tenant.id);
    const theirs = await issue(BODY, otherKey);
    for (const serial of [theirs, 'NOPE-404', '..%2F..']) {
      const answer = await patch(serial, { logoText: 'Mine now' });
      expect({ serial, status: answer.status, code: answer.json.code }).toEqual({ serial, status: 404, code: 'pass_not_found' });
      expect((await patchField(serial, 'header0', { value: 'x' })).json.code).toBe('pass_not_found');
    }
    const stored = await request(passUrl(theirs), { key: otherKey });
    expect(stored.json.body.logoText).toBe('Bayroast Coffee');
  });

  test('a change counts against the monthly quota like a PUT; an unchanged patch costs nothing', async () => {
    const tenant = await createTenant(server.server.store, { name: 'Patch Quota', monthlyQuota: 1 });
    const { key } = await createApiKeyFor(server.server.store, tenant.id);
    const serial = await issue(BODY, key);
    expect((await patch(serial, { logoText: 'Bayroast Coffee' }, { key })).json.unchanged).toBe(true);
    const refused = await patch(serial, { logoText: 'Over quota' }, { key });
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('quota_exceeded');
    expect((await patchField(serial, 'header0', { value: '9' }, { key })).json.code).toBe('quota_exceeded');
  });

  test('a voided pass answers 409 pass_voided', async () => {
    const serial = await issue();
    await request(passUrl(serial), { method: 'DELETE', key: server.key });
    expect((await patch(serial, { logoText: 'Back' })).json.code).toBe('pass_voided');
  });

  test('the legacy PUT /api/pkpass/<serial> stays a full replace and takes no PATCH', async () => {
    const serial = await issue();
    const legacy = await request(`${server.url}/api/pkpass/${serial}`, {
      method: 'PATCH',
      key: server.key,
      raw: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(legacy.json.code).toBe('not_found');
    await request(`${server.url}/api/pkpass/${serial}`, { method: 'PUT', key: server.key, body: { logoText: 'Only this' } });
    expect((await get(serial)).json.body).toEqual({ logoText: 'Only this' });
  });

  test('a change committed by another process between the read and the write is kept: the patch is merged again', async () => {
    const serial = await issue();
    const other = await startInProcess({ PASSMINT_DATA_DIR: server.dataDir });
    try {
      const store = server.server.store;
      const findPassHead = store.findPassHead.bind(store);
      let raced = false;
      store.findPassHead = async (tenantId, serialNumber) => {
        const head = await findPassHead(tenantId, serialNumber);
        if (!raced) {
          raced = true;
          // The other process changes the pass after this one read it.
          const put = await patch(serial, { description: 'From the other process' }, { base: other.url });
          expect(put.json.unchanged).toBe(false);
        }
        return head;
      };
      try {
        const answer = await patch(serial, { logoText: 'From this process' });
        expect(answer.status).toBe(200);
      } finally {
        store.findPassHead = findPassHead;
      }
      expect(raced).toBe(true);
      const { body } = (await get(serial)).json;
      expect(body).toMatchObject({ description: 'From the other process', logoText: 'From this process' });
    } finally {
      await other.close();
    }
  });
});

describe('field keys in GET /api/passes/<serial>', () => {
  test('every row shows its key, given or the one its pass.json carries; PUT of that body is unchanged', async () => {
    const serial = await issue({ ...BODY, backFields: [{ value: 'Terms' }, { key: 'header0', value: 'Clash' }] });
    const details = (await get(serial)).json;
    expect(details.body.headerFields.map((row: { key: string }) => row.key)).toEqual(['header0_2', 'tier']);
    expect(details.body.primaryFields[0].key).toBe('primary0');
    expect(details.body.backFields.map((row: { key: string }) => row.key)).toEqual(['back0', 'header0']);
    const pkpass = await request(`${passUrl(serial)}/pass.pkpass`, { key: server.key });
    expect(pkpass.bytes.includes(Buffer.from('"key":"header0_2"'))).toBe(true);
    const put = await request(passUrl(serial), { method: 'PUT', key: server.key, body: details.body });
    expect(put.json.unchanged).toBe(true);
  });

  test('duplicate given keys are refused, on PUT and through a patch', async () => {
    const serial = await issue();
    const duplicate = [
      { key: 'points', value: '1' },
      { key: 'points', value: '2' },
    ];
    const put = await request(passUrl(serial), { method: 'PUT', key: server.key, body: { ...BODY, headerFields: duplicate } });
    expect(put.status).toBe(400);
    expect(put.json.issues).toEqual([{ path: 'headerFields.1.key', message: 'duplicates the key of headerFields.0' }]);
    const patched = await patch(serial, { backFields: [{ key: 'tier', value: 'x' }] });
    expect(patched.status).toBe(400);
    expect(patched.json.issues).toEqual([{ path: 'backFields.0.key', message: 'duplicates the key of headerFields.1' }]);
  });
});

describe('PATCH /api/passes/<serial>/fields/<key>', () => {
  test('changes the value (and changeMessage) of the row with that key, given or derived, and pushes', async () => {
    const serial = await issue();
    await registerDevice(serial);
    const answer = await patchField(serial, 'header0', { value: 1300, changeMessage: 'You have %@ points' });
    expect(answer.json).toMatchObject({ serialNumber: serial, notifiedDevices: 1, unchanged: false });
    expect((await patchField(serial, 'tier', { value: 'Platinum' })).status).toBe(200);
    const { body } = (await get(serial)).json;
    expect(body.headerFields).toEqual([
      { key: 'header0', label: 'POINTS', value: 1300, changeMessage: 'You have %@ points' },
      { key: 'tier', label: 'TIER', value: 'Platinum' },
    ]);
    expect((await patchField(serial, 'tier', { value: 'Platinum' })).json).toMatchObject({ unchanged: true, notifiedDevices: 0 });
  });

  test('a row made by the legacy title changes on the pass', async () => {
    const serial = await issue({ barcodeValue: 'LEGACY-1', barcodeFormat: 'QR', title: 'Gold' });
    expect((await patchField(serial, 'primary0', { value: 'Platinum' })).json.unchanged).toBe(false);
    const pkpass = await request(`${passUrl(serial)}/pass.pkpass`, { key: server.key });
    expect(pkpass.bytes.includes(Buffer.from('"value":"Platinum"'))).toBe(true);
  });

  test('an unknown key is a 404 field_not_found', async () => {
    const serial = await issue();
    for (const key of ['back0', 'header1', 'x'.repeat(65), 'a%20b']) {
      const answer = await patchField(serial, key, { value: '1' });
      expect({ key, status: answer.status, code: answer.json.code }).toEqual({ key, status: 404, code: 'field_not_found' });
    }
  });

  test('a bad body is a 400 with issues; a value too long for its row names the row', async () => {
    const serial = await issue();
    const cases: [unknown, string[]][] = [
      [{}, ['value']],
      [{ value: { a: 1 } }, ['value']],
      [{ value: '1', label: 'x' }, ['label']],
      [{ value: '1', changeMessage: 5 }, ['changeMessage']],
      [[1], ['']],
      [{ value: 'x'.repeat(600) }, ['headerFields.0.value']],
    ];
    for (const [body, paths] of cases) {
      const answer = await patchField(serial, 'header0', body);
      expect({ body, status: answer.status, paths: answer.json.issues?.map((issue: { path: string }) => issue.path) }).toEqual({
        body,
        status: 400,
        paths,
      });
    }
  });

  test('a body that is not application/json is a 415 naming it', async () => {
    const serial = await issue();
    const answer = await patchField(serial, 'header0', { value: '1' }, { type: MERGE_PATCH });
    expect(answer.status).toBe(415);
    expect(answer.json).toEqual({ error: expect.stringContaining('Content-Type: application/json'), code: 'unsupported_media_type' });
  });
});
