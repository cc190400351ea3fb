import {
  createThreadedApnsClient,
  type ApnsClient,
  type ApnsThreadClientOptions,
  type PushRequest,
  type PushResult,
} from '@passmint/server';
import { Worker } from 'node:worker_threads';
import { createTestTls, createTokenKey, startFakeApns, type FakeApns, type TestTls, type TestTokenKey } from './fakes';
import { until } from './test-support/wait';

// The APNs client on its own thread, as the server's push worker uses it: the same answers as the
// in-process client (apns-client.test.ts covers the protocol), carried across the thread boundary.

const TOPIC = 'pass.com.example.member';

let tls: TestTls;
let tokenKey: TestTokenKey;
let running: { close(): Promise<void> }[] = [];

beforeAll(() => {
  tls = createTestTls();
  tokenKey = createTokenKey('TEAM123456');
});

afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

function pushToken(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function push(n: number, overrides: Partial<PushRequest> = {}): PushRequest {
  return { pushToken: pushToken(n), topic: TOPIC, pushType: 'background', priority: 5, ...overrides };
}

async function startFake(): Promise<FakeApns> {
  const fake = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: tls.caPem,
    topics: [TOPIC],
    tokenKeys: [{ keyId: tokenKey.keyId, teamId: tokenKey.teamId, publicKeyPem: tokenKey.publicKeyPem }],
  });
  running.push(fake);
  return fake;
}

function threadedClient(
  fake: FakeApns,
  options: Partial<ApnsThreadClientOptions> = {},
  startThread?: (file: string) => Worker,
): ApnsClient {
  const certificate = tls.ca.issueClient(TOPIC);
  const client = createThreadedApnsClient(
    {
      baseUrl: fake.url,
      auth: { kind: 'certificate', certificatePem: certificate.certPem, privateKeyPem: certificate.keyPem },
      ca: tls.caPem,
      ...options,
    },
    startThread,
  );
  running.unshift(client);
  return client;
}

const isConnectionError = (r: PushResult): boolean => !r.ok && r.status === 0 && r.reason === 'ConnectionError';

describe('APNs client on a thread of its own', () => {
  it('sends a batch over one connection and gives each push its own answer', async () => {
    const fake = await startFake();
    const client = threadedClient(fake);
    fake.respond(pushToken(7), { status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 });
    fake.respond(pushToken(9), 429);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, n) => client.send(push(n, { apnsId: `00000000-0000-7000-8000-${pushToken(n).slice(-12)}` }))),
    );
    expect(results[7]).toEqual({ ok: false, status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 });
    expect(results[9]).toEqual({ ok: false, status: 429, reason: 'TooManyRequests' });
    results.forEach((result, n) => {
      if (n !== 7 && n !== 9)
        expect(result).toEqual({ ok: true, status: 200, apnsId: `00000000-0000-7000-8000-${pushToken(n).slice(-12)}` });
    });
    expect(new Set(fake.pushes.map((p) => p.token))).toEqual(
      new Set(Array.from({ length: 300 }, (_, n) => pushToken(n)).filter((t) => t !== pushToken(7) && t !== pushToken(9))),
    );
    expect(fake.pushes.every((p) => p.topic === TOPIC && p.payload === '{}' && p.auth === 'certificate')).toBe(true);
    expect(fake.sessions).toBe(1);
    expect(client.connections).toBe(1);
  });

  it('signs provider tokens on its thread under token auth', async () => {
    const fake = await startFake();
    const client = threadedClient(fake, {
      auth: { kind: 'token', signingKeyPem: tokenKey.privateKeyPem, keyId: tokenKey.keyId, teamId: tokenKey.teamId },
    });
    expect((await client.send(push(1))).ok).toBe(true);
    expect(fake.pushes).toMatchObject([{ token: pushToken(1), auth: 'token' }]);
  });

  it('answers a malformed token at once, as the in-process client does', async () => {
    const fake = await startFake();
    const client = threadedClient(fake);
    expect(await client.send(push(1, { pushToken: 'not-hex' }))).toEqual({ ok: false, status: 400, reason: 'BadDeviceToken' });
    expect(fake.requests).toBe(0);
  });

  it('resolves pushes in flight on a dropped connection as ConnectionError, then reconnects', async () => {
    const fake = await startFake();
    const client = threadedClient(fake, { requestTimeoutMs: 600_000 });
    fake.respondAll('hang');
    const inFlight = Promise.all([0, 1, 2].map((n) => client.send(push(n))));
    await until(() => fake.requests === 3);
    fake.destroySessions();
    expect((await inFlight).every(isConnectionError)).toBe(true);
    fake.clear();
    expect((await client.send(push(4))).ok).toBe(true);
    expect(client.connections).toBe(2);
  });

  it('fails the pushes a stopped thread held as ConnectionError (which the push worker retries), and starts a new thread for the next', async () => {
    const fake = await startFake();
    const threads: Worker[] = [];
    const client = threadedClient(fake, { requestTimeoutMs: 600_000 }, (file) => {
      const thread = new Worker(file);
      threads.push(thread);
      return thread;
    });
    fake.respondAll('hang');
    const inFlight = Promise.all([0, 1, 2].map((n) => client.send(push(n))));
    await until(() => fake.requests === 3);
    await threads[0]!.terminate();
    const results = await inFlight;
    expect(results.every(isConnectionError)).toBe(true);
    expect(results[0]).toMatchObject({ detail: 'the APNs thread stopped' });
    fake.clear();
    expect((await client.send(push(4))).ok).toBe(true);
    expect(threads).toHaveLength(2);
  });

  it('fails a push after close at once, and a push still hanging at close', async () => {
    const fake = await startFake();
    const client = threadedClient(fake, { requestTimeoutMs: 600_000 });
    expect((await client.send(push(1))).ok).toBe(true);
    fake.respondAll('hang');
    const hanging = client.send(push(2));
    await until(() => fake.requests === 2);
    const closing = client.close();
    fake.destroySessions();
    await closing;
    expect(isConnectionError(await hanging)).toBe(true);
    expect(await client.send(push(3))).toMatchObject({ ok: false, status: 0, reason: 'ConnectionError', detail: 'client closed' });
  });

  it('keeps the clients of several identities apart on the one thread, and one closing leaves the others working', async () => {
    const fake = await startFake();
    const first = threadedClient(fake);
    const second = threadedClient(fake, {
      auth: { kind: 'token', signingKeyPem: tokenKey.privateKeyPem, keyId: tokenKey.keyId, teamId: tokenKey.teamId },
    });
    fake.respond(pushToken(2), 410);
    const [a, b] = await Promise.all([
      Promise.all([1, 2, 3].map((n) => first.send(push(n)))),
      Promise.all([4, 5, 6].map((n) => second.send(push(n)))),
    ]);
    expect(a.map((r) => r.status)).toEqual([200, 410, 200]);
    expect(b.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(
      fake.pushes
        .filter((p) => p.auth === 'token')
        .map((p) => p.token)
        .sort(),
    ).toEqual([4, 5, 6].map(pushToken));
    await first.close();
    expect((await second.send(push(7))).ok).toBe(true);
    expect(await first.send(push(8))).toMatchObject({ ok: false, status: 0, reason: 'ConnectionError' });
  });

  it('refuses bad configuration on the calling thread', () => {
    expect(() =>
      createThreadedApnsClient({
        baseUrl: 'http://127.0.0.1:1',
        auth: { kind: 'token', signingKeyPem: tokenKey.privateKeyPem, keyId: 'K', teamId: 'T' },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});
