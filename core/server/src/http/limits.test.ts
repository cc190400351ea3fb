import { createTenant, createApiKeyFor } from '../tenants/tenant-admin';
import { request, startInProcess, type InProcessServer } from '../testing';

const BODY = { barcodeValue: 'IDEMPOTENT-1', barcodeFormat: 'QR', logoText: 'Idempotency' };

async function countPasses(server: InProcessServer, tenantId: string): Promise<number> {
  return server.server.store.usage(tenantId, new Date().toISOString().slice(0, 7));
}

describe('Idempotency-Key', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
  });
  afterAll(() => server.close());
  const post = (body: unknown, key: string, path = '/api/passes') =>
    request(`${server.url}${path}`, { method: 'POST', key: server.key, body, headers: { 'idempotency-key': key } });

  test('a retry with the same key and body returns the first response and issues no second pass', async () => {
    const tenant = (await server.server.store.listTenants())[0]!;
    const before = await countPasses(server, tenant.id);
    const first = await post(BODY, 'retry-1');
    const second = await post(BODY, 'retry-1');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countPasses(server, tenant.id)).toBe(before + 1);
  });

  test('the same key with a different body is a 409', async () => {
    await post(BODY, 'conflict-1');
    const response = await post({ ...BODY, logoText: 'Different' }, 'conflict-1');
    expect(response.status).toBe(409);
    expect(response.json.code).toBe('idempotency_conflict');
  });

  test('a retry through the binary endpoint answers with the same pass', async () => {
    const first = await post(BODY, 'formats-1');
    const binary = await post(BODY, 'formats-1', '/api/passes?format=pkpass');
    expect(binary.headers.get('x-serial-number')).toBe(first.json.serialNumber);
    expect(binary.bytes.equals(Buffer.from(first.json.applePass, 'base64'))).toBe(true);
  });

  test('concurrent requests with one key issue exactly one pass', async () => {
    const tenant = (await server.server.store.listTenants())[0]!;
    const before = await countPasses(server, tenant.id);
    const responses = await Promise.all(Array.from({ length: 8 }, () => post({ ...BODY, logoText: 'Concurrent' }, 'concurrent-1')));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(new Set(responses.map((response) => response.json.serialNumber)).size).toBe(1);
    expect(new Set(responses.map((response) => response.json.applePass)).size).toBe(1);
    expect(await countPasses(server, tenant.id)).toBe(before + 1);
  });

  test('keys are per tenant: another tenant may use the same key', async () => {
    const other = await createTenant(server.server.store, { name: 'Idempotency Other' });
    const { key } = await createApiKeyFor(server.server.store, other.id);
    const mine = await post(BODY, 'shared-key');
    const theirs = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key,
      body: BODY,
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect(theirs.status).toBe(200);
    expect(theirs.json.serialNumber).not.toBe(mine.json.serialNumber);
  });

  test('an invalid body with a key is a 400 and does not burn the key', async () => {
    const bad = await post({ barcodeFormat: 'QR' }, 'after-bad');
    expect(bad.status).toBe(400);
    expect((await post(BODY, 'after-bad')).status).toBe(200);
  });
});

describe('per-key rate limit', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    // A token every 1,000 s: however slowly the burst runs, the bucket is all there is.
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '0.001', PASSMINT_RATE_LIMIT_BURST: '5' });
  });
  afterAll(() => server.close());

  test('a burst past the bucket gets 429 with Retry-After; another key is unaffected', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, () => request(`${server.url}/api/auth/usage`, { key: server.key })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBe(5);
    const limited = responses.filter((response) => response.status === 429);
    expect(limited).toHaveLength(7);
    for (const response of limited) {
      expect(response.json.code).toBe('rate_limited');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const { key } = await createApiKeyFor(server.server.store, (await server.server.store.listTenants())[0]!.id);
    expect((await request(`${server.url}/api/auth/usage`, { key })).status).toBe(200);
  });
});

describe('per-key rate limit, refilled', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '2', PASSMINT_RATE_LIMIT_BURST: '5' });
  });
  afterAll(() => server.close());

  test('tokens come back with time', async () => {
    const usage = () => request(`${server.url}/api/auth/usage`, { key: server.key });
    let status = 200;
    while (status === 200) status = (await usage()).status;
    expect(status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await usage()).status).toBe(200);
  });
});

describe('monthly quota', () => {
  const issuedSerials: string[] = [];
  const issuedBodies = new Map<string, string>();
  let server: InProcessServer;
  let key: string;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
    const tenant = await createTenant(server.server.store, { name: 'Small Shop', monthlyQuota: 3 });
    key = (await createApiKeyFor(server.server.store, tenant.id)).key;
  });
  afterAll(() => server.close());
  const post = (body: unknown) => request(`${server.url}/api/passes`, { method: 'POST', key, body });

  test('concurrent issues stop exactly at the quota; the rest get quota_exceeded with Retry-After', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => post({ ...BODY, barcodeValue: `Q-${i}` })));
    const ok = responses.filter((response) => response.status === 200);
    responses.forEach((response, i) => {
      if (response.status !== 200) return;
      issuedSerials.push(response.json.serialNumber);
      issuedBodies.set(response.json.serialNumber, `Q-${i}`);
    });
    const refused = responses.filter((response) => response.status === 429);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(3);
    for (const response of refused) {
      expect(response.json.code).toBe('quota_exceeded');
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(31 * 24 * 3600);
    }
    const usage = await request(`${server.url}/api/auth/usage`, { key });
    expect(usage.json).toMatchObject({ used: 3, limit: 3, remaining: 0 });
  });

  test('an unchanged PUT costs nothing and still works at the limit; a changed one is refused', async () => {
    const serial = issuedSerials[0]!;
    const body = { ...BODY, barcodeValue: issuedBodies.get(serial)! };
    const unchanged = await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body });
    expect(unchanged.status).toBe(200);
    expect(unchanged.json.unchanged).toBe(true);
    const changed = await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body: { ...body, logoText: 'Changed' } });
    expect(changed.status).toBe(429);
    expect(changed.json.code).toBe('quota_exceeded');
  });
});

describe('concurrent writes to one pass', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
  });
  afterAll(() => server.close());

  test('30 PUTs and a DELETE at once all succeed, one version each, and the pass ends void', async () => {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: BODY });
    const serial: string = created.json.serialNumber;
    const url = `${server.url}/api/passes/${serial}`;
    const puts = Array.from({ length: 30 }, (_, i) =>
      request(url, { method: 'PUT', key: server.key, body: { ...BODY, logoText: `Write ${i}` } }),
    );
    const voided = request(url, { method: 'DELETE', key: server.key });
    const answers = await Promise.all(puts);
    // A PUT queued behind the DELETE finds the pass void: 409 pass_voided, never update_conflict.
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    expect(answers.filter((answer) => answer.status === 409).every((answer) => answer.json.code === 'pass_voided')).toBe(true);
    expect((await voided).status).toBe(200);
    const written = answers.filter((answer) => answer.status === 200).length;
    const { tenantId } = (await server.server.store.findPassBySerial(serial))!;
    const versions = await server.server.store.listPassVersions(tenantId, serial);
    expect(versions.map((version) => version.version)).toEqual(Array.from({ length: written + 2 }, (_, i) => i + 1));
    expect((await request(url, { key: server.key })).json.voided).toBe(true);
  });
});
