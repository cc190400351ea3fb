import { randomUUID } from 'node:crypto';
import { createApnsClient, type ApnsClientOptions, type PushRequest, type PushResult } from '@passmint/server';
import {
  createTestCa,
  createTestTls,
  createTokenKey,
  startFakeApns,
  type FakeApns,
  type FakeApnsOptions,
  type TestCertificate,
  type TestTls,
  type TestTokenKey,
} from './fakes';
import { until } from './test-support/wait';

const TOPIC = 'pass.com.example.member';
const MINUTE = 60_000;

let tls: TestTls;
let passCertificate: TestCertificate;
let strangerCertificate: TestCertificate;
let tokenKey: TestTokenKey;
let running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  tls = createTestTls();
  passCertificate = tls.ca.issueClient(TOPIC);
  strangerCertificate = createTestCa('Some Other CA').issueClient(TOPIC);
  tokenKey = createTokenKey('TEAM123456');
});

afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

function pushToken(n = 0): string {
  return n.toString(16).padStart(64, '0');
}

function push(overrides: Partial<PushRequest> = {}): PushRequest {
  return { pushToken: pushToken(), topic: TOPIC, pushType: 'background', priority: 5, ...overrides };
}

async function startFake(options: Partial<FakeApnsOptions> = {}): Promise<FakeApns> {
  const fake = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: tls.caPem,
    topics: [TOPIC],
    ...options,
  });
  running.push(fake);
  return fake;
}

function certificateClient(
  fake: FakeApns,
  options: Partial<ApnsClientOptions> = {},
  certificate = passCertificate,
): ReturnType<typeof createApnsClient> {
  const client = createApnsClient({
    baseUrl: fake.url,
    auth: { kind: 'certificate', certificatePem: certificate.certPem, privateKeyPem: certificate.keyPem },
    ca: tls.caPem,
    ...options,
  });
  running.unshift(client);
  return client;
}

function tokenClient(fake: FakeApns, now: () => number, options: Partial<ApnsClientOptions> = {}): ReturnType<typeof createApnsClient> {
  const client = createApnsClient({
    baseUrl: fake.url,
    auth: { kind: 'token', signingKeyPem: tokenKey.privateKeyPem, keyId: tokenKey.keyId, teamId: tokenKey.teamId },
    ca: tls.caPem,
    now,
    ...options,
  });
  running.unshift(client);
  return client;
}

function tokenFake(now: () => number): Promise<FakeApns> {
  return startFake({
    clientCaPem: undefined,
    tokenKeys: [{ keyId: tokenKey.keyId, teamId: tokenKey.teamId, publicKeyPem: tokenKey.publicKeyPem }],
    now,
  });
}

function iatOf(jwt: string | undefined): number {
  const claims = JSON.parse(Buffer.from((jwt ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat: number };
  return claims.iat;
}

const isConnectionError = (r: PushResult): boolean => !r.ok && r.status === 0 && r.reason === 'ConnectionError';

describe('APNs client: certificate auth', () => {
  it('sends a Wallet push (POST /3/device/<token>, apns-topic, payload {}) and returns the apns-id', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    const result = await client.send(push());
    expect(result).toEqual({ ok: true, status: 200, apnsId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fake.pushes).toEqual([
      {
        apnsId: result.ok ? result.apnsId : '',
        token: pushToken(),
        topic: TOPIC,
        pushType: 'background',
        priority: '5',
        payload: '{}',
        at: expect.any(Number),
        auth: 'certificate',
      },
    ]);
    expect(client.connections).toBe(1);
  });

  it('sends the apns-id it is given, so a push can be traced from the outbox to APNs', async () => {
    const fake = await startFake();
    const apnsId = randomUUID();
    expect(await certificateClient(fake).send(push({ apnsId }))).toEqual({ ok: true, status: 200, apnsId });
    expect(fake.pushes[0]?.apnsId).toBe(apnsId);
  });

  it('sends alert pushes with priority 10', async () => {
    const fake = await startFake();
    expect((await certificateClient(fake).send(push({ pushType: 'alert', priority: 10 }))).ok).toBe(true);
    expect(fake.pushes[0]).toMatchObject({ pushType: 'alert', priority: '10' });
  });

  it('passes APNs refusals through: a certificate from another CA gets 403 BadCertificate', async () => {
    const fake = await startFake();
    const result = await certificateClient(fake, {}, strangerCertificate).send(push());
    expect(result).toEqual({ ok: false, status: 403, reason: 'BadCertificate' });
    expect(fake.pushes).toHaveLength(0);
  });

  it('reports a TLS failure (untrusted server) as ConnectionError with the reason in detail', async () => {
    const fake = await startFake();
    const client = certificateClient(fake, { ca: createTestCa('Unrelated CA').certPem });
    const results = await Promise.all([client.send(push()), client.send(push())]);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, status: 0, reason: 'ConnectionError', detail: expect.stringMatching(/certificate/i) });
    }
    expect(fake.requests).toBe(0);
  });

  it('reports a refused connection as ConnectionError at once, and tries a new connection on the next send', async () => {
    const fake = await startFake();
    const url = fake.url;
    await fake.close();
    // A timeout far longer than any test: the answer can only be the refusal itself, not a timeout.
    const client = createApnsClient({
      baseUrl: url,
      auth: { kind: 'certificate', certificatePem: passCertificate.certPem, privateKeyPem: passCertificate.keyPem },
      ca: tls.caPem,
      requestTimeoutMs: 600_000,
    });
    running.unshift(client);
    expect(await client.send(push())).toMatchObject({
      ok: false,
      status: 0,
      reason: 'ConnectionError',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    expect((await client.send(push())).ok).toBe(false);
    expect(client.connections).toBe(2);
  });

  it('refuses a non-https base URL when created', () => {
    expect(() =>
      createApnsClient({
        baseUrl: 'http://127.0.0.1:1',
        auth: { kind: 'certificate', certificatePem: passCertificate.certPem, privateKeyPem: passCertificate.keyPem },
      }),
    ).toThrow(/https/);
  });

  it('refuses a private key that does not match the certificate when created', async () => {
    const fake = await startFake();
    expect(() =>
      createApnsClient({
        baseUrl: fake.url,
        auth: { kind: 'certificate', certificatePem: passCertificate.certPem, privateKeyPem: strangerCertificate.keyPem },
      }),
    ).toThrow(/does not match/);
  });
});

describe('APNs client: token auth', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1, 12);
  });

  it('sends a bearer ES256 JWT the fake verifies', async () => {
    const fake = await tokenFake(clock);
    const result = await tokenClient(fake, clock).send(push());
    expect(result.ok).toBe(true);
    expect(fake.pushes[0]).toMatchObject({ auth: 'token' });
    expect(iatOf(fake.pushes[0]?.providerToken)).toBe(Math.floor(now / 1000));
  });

  it('reuses the JWT for 50 minutes and regenerates it at 50', async () => {
    const fake = await tokenFake(clock);
    const client = tokenClient(fake, clock);
    const start = now;
    expect((await client.send(push())).ok).toBe(true);
    now = start + 21 * MINUTE;
    expect((await client.send(push())).ok).toBe(true);
    now = start + 50 * MINUTE - 1000;
    expect((await client.send(push())).ok).toBe(true);
    now = start + 50 * MINUTE;
    expect((await client.send(push())).ok).toBe(true);
    const tokens = fake.pushes.map((p) => p.providerToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).toBe(tokens[0]);
    expect(tokens[3]).not.toBe(tokens[0]);
    expect(iatOf(tokens[3])).toBe(Math.floor(now / 1000));
    expect(client.connections).toBe(1);
  });

  it('after ExpiredProviderToken does not regenerate before 20 minutes, and does after', async () => {
    const fake = await tokenFake(clock);
    const client = tokenClient(fake, clock);
    const start = now;
    expect((await client.send(push())).ok).toBe(true);
    now = start + 10 * MINUTE;
    fake.respond(pushToken(), { status: 403, reason: 'ExpiredProviderToken' });
    expect(await client.send(push())).toEqual({ ok: false, status: 403, reason: 'ExpiredProviderToken' });
    expect((await client.send(push())).ok).toBe(true);
    now = start + 20 * MINUTE;
    expect((await client.send(push())).ok).toBe(true);
    const tokens = fake.pushes.map((p) => p.providerToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(iatOf(tokens[2])).toBe(Math.floor((start + 20 * MINUTE) / 1000));
  });

  it('gets 403 InvalidProviderToken from a fake that does not know the key', async () => {
    const fake = await startFake({
      clientCaPem: undefined,
      tokenKeys: [{ ...createTokenKey(), keyId: tokenKey.keyId, teamId: tokenKey.teamId }],
      now: clock,
    });
    expect(await tokenClient(fake, clock).send(push())).toEqual({ ok: false, status: 403, reason: 'InvalidProviderToken' });
  });
});

describe('APNs client: one multiplexed connection', () => {
  it('sends 1,000 concurrent pushes over a single connection', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.send(push({ pushToken: pushToken(i) }))));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(fake.pushes).toHaveLength(1000);
    expect(new Set(fake.pushes.map((p) => p.token)).size).toBe(1000);
    expect(client.connections).toBe(1);
    expect(fake.sessions).toBe(1);
  });

  it("queues locally beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS", async () => {
    const fake = await startFake({ maxConcurrentStreams: 10 });
    const client = certificateClient(fake);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => client.send(push({ pushToken: pushToken(i) }))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.peakConcurrentStreams).toBeLessThanOrEqual(10);
    expect(fake.peakConcurrentStreams).toBeGreaterThan(1);
    expect(client.connections).toBe(1);
  });

  it('connects lazily', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.connections).toBe(0);
    expect(fake.sessions).toBe(0);
  });

  it('reconnects after GOAWAY mid-run; in-flight pushes succeed or fail as ConnectionError, later ones succeed', async () => {
    const fake = await startFake({ maxConcurrentStreams: 20 });
    const client = certificateClient(fake);
    const firstRun = Promise.all(Array.from({ length: 400 }, (_, i) => client.send(push({ pushToken: pushToken(i) }))));
    await fake.waitForPushes(50, 60_000);
    fake.goAway();
    const first = await firstRun;
    expect(first.every((r) => r.ok || isConnectionError(r))).toBe(true);
    expect(first.filter((r) => r.ok).length).toBeGreaterThanOrEqual(50);
    // Streams the GOAWAY refused (above its last stream id) were never processed and went again on the new connection.
    expect(fake.pushes).toHaveLength(first.filter((r) => r.ok).length);
    const later = await Promise.all(Array.from({ length: 50 }, (_, i) => client.send(push({ pushToken: pushToken(1000 + i) }))));
    expect(later.every((r) => r.ok)).toBe(true);
    expect(client.connections).toBe(2);
    expect(fake.sessions).toBe(2);
  });

  it('resolves pushes in flight on a dropped connection as ConnectionError, then reconnects', async () => {
    const fake = await startFake();
    // Far longer than the test: the pushes can only end through the dropped connection.
    const client = certificateClient(fake, { requestTimeoutMs: 600_000 });
    fake.respondAll('hang');
    const inFlight = Promise.all([0, 1, 2].map((i) => client.send(push({ pushToken: pushToken(i) }))));
    await until(() => fake.requests === 3);
    fake.destroySessions();
    const results = await inFlight;
    expect(results.every(isConnectionError)).toBe(true);
    fake.clear();
    expect((await client.send(push())).ok).toBe(true);
    expect(client.connections).toBe(2);
  });
});

describe('APNs client: timeouts', () => {
  it('answers Timeout within requestTimeoutMs, cancels the stream, and keeps working', async () => {
    const fake = await startFake();
    const client = certificateClient(fake, { requestTimeoutMs: 300 });
    fake.respondAll('hang');
    const started = Date.now();
    const result = await client.send(push());
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ ok: false, status: 0, reason: 'Timeout' });
    // Not before the timeout (the hung stream never answers, so nothing else can end it).
    expect(elapsed).toBeGreaterThanOrEqual(290);
    await until(() => fake.cancelledStreams === 1);
    fake.clear();
    expect((await client.send(push())).ok).toBe(true);
    expect(client.connections).toBe(1);
  });

  it('times out pushes still waiting in the local queue', async () => {
    const fake = await startFake({ maxConcurrentStreams: 1 });
    const client = certificateClient(fake, { requestTimeoutMs: 300 });
    fake.respondAll('hang');
    const results = await Promise.all([0, 1, 2].map((i) => client.send(push({ pushToken: pushToken(i) }))));
    expect(results.every((r) => !r.ok && r.reason === 'Timeout')).toBe(true);
    fake.clear();
    expect((await client.send(push())).ok).toBe(true);
  });
});

describe('APNs client: results', () => {
  it('carries the 410 timestamp', async () => {
    const fake = await startFake();
    fake.respond(pushToken(), { status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 });
    expect(await certificateClient(fake).send(push())).toEqual({
      ok: false,
      status: 410,
      reason: 'Unregistered',
      timestamp: 1_700_000_000_000,
    });
  });

  it.each([
    [429, 'TooManyRequests'],
    [500, 'InternalServerError'],
    [503, 'ServiceUnavailable'],
  ])('passes %i %s through', async (status, reason) => {
    const fake = await startFake();
    fake.respond(pushToken(), status);
    expect(await certificateClient(fake).send(push())).toEqual({ ok: false, status, reason });
  });

  it("passes the fake's header checks through (background with priority 10, a disallowed topic)", async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    expect(await client.send(push({ pushType: 'background', priority: 10 }))).toEqual({ ok: false, status: 400, reason: 'BadPriority' });
    expect(await client.send(push({ topic: 'pass.com.other' }))).toEqual({ ok: false, status: 400, reason: 'TopicDisallowed' });
  });

  it('never sends a malformed push token (not hex, under 64 or over 200 digits)', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    const malformed = ['', 'xyz', 'ab'.repeat(31), 'zz'.repeat(32), 'ab'.repeat(101), `${'ab'.repeat(32)} `, `${'ab'.repeat(32)}/x`];
    for (const token of malformed)
      expect(await client.send(push({ pushToken: token }))).toEqual({ ok: false, status: 400, reason: 'BadDeviceToken' });
    expect(fake.requests).toBe(0);
    expect(client.connections).toBe(0);
  });

  it('never throws or rejects, even for a request an untyped caller got wrong', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    await expect(client.send(undefined as unknown as PushRequest)).resolves.toEqual({ ok: false, status: 400, reason: 'BadDeviceToken' });
    await expect(client.send({ pushToken: pushToken() } as unknown as PushRequest)).resolves.toEqual({
      ok: false,
      status: 400,
      reason: 'MissingTopic',
    });
  });

  it('checks the topic locally', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    expect(await client.send(push({ topic: '' }))).toEqual({ ok: false, status: 400, reason: 'MissingTopic' });
    expect(await client.send(push({ topic: 'pass.com.example\r\nx: y' }))).toEqual({ ok: false, status: 400, reason: 'BadTopic' });
    expect(fake.requests).toBe(0);
  });

  it('accepts push tokens up to 200 hex digits', async () => {
    const fake = await startFake();
    expect((await certificateClient(fake).send(push({ pushToken: 'AB'.repeat(100) }))).ok).toBe(true);
  });

  it('after close(), sends fail as ConnectionError without connecting', async () => {
    const fake = await startFake();
    const client = certificateClient(fake);
    expect((await client.send(push())).ok).toBe(true);
    await client.close();
    expect(await client.send(push())).toMatchObject({ ok: false, status: 0, reason: 'ConnectionError', detail: 'client closed' });
    expect(client.connections).toBe(1);
  });
});
