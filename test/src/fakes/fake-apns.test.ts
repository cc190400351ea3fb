import { sign } from 'node:crypto';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { startFakeApns, type FakeApns } from './fake-apns';
import { createTestCa, createTestTls, createTokenKey, type TestCertificate, type TestTls, type TestTokenKey } from './test-tls';

const TOPIC = 'pass.com.example.member';
const TOKEN = 'ab'.repeat(32);
const MINUTE = 60_000;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  reason?: string;
  timestamp?: number;
}

interface SendOptions {
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  omitTopic?: boolean;
}

function connect(fake: FakeApns, ca: string, client?: TestCertificate): Promise<ClientHttp2Session> {
  const session = http2.connect(fake.url, { ca, ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }) });
  session.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

function send(session: ClientHttp2Session, options: SendOptions = {}): Promise<Reply> {
  const headers: OutgoingHttpHeaders = {
    ':method': options.method ?? 'POST',
    ':path': options.path ?? `/3/device/${TOKEN}`,
    ...(options.omitTopic === true ? {} : { 'apns-topic': TOPIC }),
    ...options.headers,
  };
  const stream = session.request(headers, { endStream: false });
  let status = 0;
  let responseHeaders: IncomingHttpHeaders = {};
  let text = '';
  stream.setEncoding('utf8');
  stream.on('response', (h) => {
    status = Number(h[':status']);
    responseHeaders = h;
  });
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  stream.end(options.body ?? '{}');
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', () => {
      const json = text === '' ? {} : (JSON.parse(text) as { reason?: string; timestamp?: number });
      resolve({ status, headers: responseHeaders, ...json });
    });
  });
}

function jwt(key: TestTokenKey, overrides: { header?: object; claims?: object; iat?: number; der?: boolean } = {}): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = overrides.iat ?? Math.floor(Date.now() / 1000);
  const signed = `${encode({ alg: 'ES256', kid: key.keyId, ...overrides.header })}.${encode({ iss: key.teamId, iat, ...overrides.claims })}`;
  const signature = sign('sha256', Buffer.from(signed), {
    key: key.privateKeyPem,
    dsaEncoding: overrides.der === true ? 'der' : 'ieee-p1363',
  });
  return `${signed}.${signature.toString('base64url')}`;
}

let tls: TestTls;
let clientCert: TestCertificate;
let strangerCert: TestCertificate;

beforeAll(() => {
  tls = createTestTls();
  clientCert = tls.ca.issueClient(TOPIC);
  strangerCert = createTestCa('Some Other CA').issueClient(TOPIC);
});

describe('fake APNs: certificate auth', () => {
  let fake: FakeApns;
  let session: ClientHttp2Session;

  beforeEach(async () => {
    fake = await startFakeApns({ tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem: tls.caPem, topics: [TOPIC] });
    session = await connect(fake, tls.caPem, clientCert);
  });
  afterEach(async () => {
    session.destroy();
    await fake.close();
  });

  it('accepts a Wallet push and answers 200 with an apns-id', async () => {
    const reply = await send(session, { headers: { 'apns-push-type': 'background', 'apns-priority': '5' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['apns-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.pushes).toEqual([
      {
        apnsId: reply.headers['apns-id'],
        token: TOKEN,
        topic: TOPIC,
        pushType: 'background',
        priority: '5',
        payload: '{}',
        at: expect.any(Number),
        auth: 'certificate',
      },
    ]);
    expect(fake.requests).toBe(1);
    expect(fake.sessions).toBe(1);
  });

  it('echoes a valid apns-id and refuses a malformed one', async () => {
    const id = '123e4567-e89b-12d3-a456-426614174000';
    expect((await send(session, { headers: { 'apns-id': id } })).headers['apns-id']).toBe(id);
    expect(await send(session, { headers: { 'apns-id': 'nope' } })).toMatchObject({ status: 400, reason: 'BadMessageId' });
  });

  it('refuses a client certificate from another CA with 403 BadCertificate', async () => {
    const stranger = await connect(fake, tls.caPem, strangerCert);
    expect(await send(stranger)).toMatchObject({ status: 403, reason: 'BadCertificate' });
    stranger.destroy();
    expect(fake.pushes).toHaveLength(0);
  });

  it('answers 403 MissingProviderToken without a certificate or a token', async () => {
    const anonymous = await connect(fake, tls.caPem);
    expect(await send(anonymous)).toMatchObject({ status: 403, reason: 'MissingProviderToken' });
    anonymous.destroy();
  });

  it('answers 403 InvalidProviderToken to a bearer token when no token keys are configured', async () => {
    const key = createTokenKey();
    expect(await send(session, { headers: { authorization: `bearer ${jwt(key)}` } })).toMatchObject({
      status: 403,
      reason: 'InvalidProviderToken',
    });
  });

  it.each([
    ['GET', `/3/device/${TOKEN}`, 405, 'MethodNotAllowed'],
    ['PUT', `/3/device/${TOKEN}`, 405, 'MethodNotAllowed'],
    ['POST', `/2/device/${TOKEN}`, 404, 'BadPath'],
    ['POST', `/3/device/${TOKEN}/extra`, 404, 'BadPath'],
    ['POST', '/3/device/', 400, 'MissingDeviceToken'],
    ['POST', `/3/device/${'ab'.repeat(31)}`, 400, 'BadDeviceToken'],
    ['POST', `/3/device/${'zz'.repeat(32)}`, 400, 'BadDeviceToken'],
  ])('%s %s → %i %s', async (method, path, status, reason) => {
    expect(await send(session, { method, path })).toMatchObject({ status, reason });
  });

  it('accepts device tokens longer than 64 hex digits', async () => {
    expect((await send(session, { path: `/3/device/${'0A'.repeat(50)}` })).status).toBe(200);
  });

  it('needs an allowed apns-topic', async () => {
    expect(await send(session, { omitTopic: true })).toMatchObject({ status: 400, reason: 'MissingTopic' });
    expect(await send(session, { headers: { 'apns-topic': 'pass.com.other' } })).toMatchObject({ status: 400, reason: 'TopicDisallowed' });
  });

  it.each([
    [{ 'apns-push-type': 'voip' }, 400, 'InvalidPushType'],
    [{ 'apns-priority': '1' }, 400, 'BadPriority'],
    [{ 'apns-push-type': 'background', 'apns-priority': '10' }, 400, 'BadPriority'],
    [{ 'apns-push-type': 'alert', 'apns-priority': '10' }, 200, undefined],
    [{ 'apns-push-type': 'background', 'apns-priority': '5' }, 200, undefined],
    [{ 'apns-priority': '10' }, 200, undefined],
  ])('headers %j → %i', async (headers, status, reason) => {
    const reply = await send(session, { headers });
    expect(reply.status).toBe(status);
    expect(reply.reason).toBe(reason);
  });

  it.each([
    ['', 400, 'PayloadEmpty'],
    ['not json', 400, 'BadPayload'],
    ['[]', 400, 'BadPayload'],
    ['null', 400, 'BadPayload'],
    ['"{}"', 400, 'BadPayload'],
    ['{"aps":{}}', 200, undefined],
  ])('payload %j → %i', async (body, status, reason) => {
    const reply = await send(session, { body });
    expect(reply.status).toBe(status);
    expect(reply.reason).toBe(reason);
  });

  it('accepts 4096 bytes of payload and refuses 4097 with 413 PayloadTooLarge', async () => {
    const payload = (size: number): string => JSON.stringify({ pad: 'x'.repeat(size - '{"pad":""}'.length) });
    expect(Buffer.byteLength(payload(4096))).toBe(4096);
    expect((await send(session, { body: payload(4096) })).status).toBe(200);
    expect(await send(session, { body: payload(4097) })).toMatchObject({ status: 413, reason: 'PayloadTooLarge' });
  });

  it('plays queued answers for a token in order, then 200, and only for valid requests', async () => {
    fake.respond(TOKEN, 410, { status: 429 }, { status: 400, reason: 'DeviceTokenNotForTopic' });
    expect(await send(session, { omitTopic: true })).toMatchObject({ status: 400, reason: 'MissingTopic' });
    const gone = await send(session);
    expect(gone).toMatchObject({ status: 410, reason: 'Unregistered' });
    expect(gone.timestamp).toEqual(expect.any(Number));
    expect(await send(session)).toMatchObject({ status: 429, reason: 'TooManyRequests' });
    expect(await send(session)).toMatchObject({ status: 400, reason: 'DeviceTokenNotForTopic' });
    expect((await send(session)).status).toBe(200);
    expect(fake.pushes).toHaveLength(1);
  });

  it('keeps a scripted 410 timestamp', async () => {
    fake.respond(TOKEN, { status: 410, reason: 'ExpiredToken', timestamp: 1_700_000_000_000 });
    expect(await send(session)).toMatchObject({ status: 410, reason: 'ExpiredToken', timestamp: 1_700_000_000_000 });
  });

  it('answers every request the same with respondAll until clear()', async () => {
    fake.respondAll(503);
    expect(await send(session)).toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    expect(await send(session, { path: `/3/device/${'cd'.repeat(32)}` })).toMatchObject({ status: 503 });
    fake.clear();
    expect((await send(session)).status).toBe(200);
  });

  it('hangs on request and counts the stream the client cancels', async () => {
    fake.respondAll('hang');
    const stream = session.request({ ':method': 'POST', ':path': `/3/device/${TOKEN}`, 'apns-topic': TOPIC });
    stream.on('error', () => undefined);
    let answered = false;
    stream.on('response', () => {
      answered = true;
    });
    stream.end('{}');
    while (fake.requests < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const deadline = Date.now() + 60_000;
    while (fake.cancelledStreams < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(fake.cancelledStreams).toBe(1);
    expect(fake.pushes).toHaveLength(0);
  });

  it('waitForPushes resolves once enough pushes arrived and rejects on timeout', async () => {
    const waiting = fake.waitForPushes(2, 5000);
    await send(session);
    await send(session);
    expect(await waiting).toHaveLength(2);
    await expect(fake.waitForPushes(3, 50)).rejects.toThrow(/2 of 3 pushes/);
  });

  it('sends GOAWAY on goAway() and drops connections on destroySessions()', async () => {
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    fake.goAway();
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    const second = await connect(fake, tls.caPem, clientCert);
    const closed = new Promise<void>((resolve) => second.once('close', () => resolve()));
    fake.destroySessions();
    await closed;
    expect(fake.sessions).toBe(2);
  });
});

describe('fake APNs: token auth', () => {
  let now: number;
  let key: TestTokenKey;
  let fake: FakeApns;
  let session: ClientHttp2Session;
  const bearer = (token: string): SendOptions => ({ headers: { authorization: `bearer ${token}` } });

  beforeEach(async () => {
    now = Date.UTC(2030, 0, 1);
    key = createTokenKey('TEAM123456');
    fake = await startFakeApns({
      tls: { keyPem: tls.keyPem, certPem: tls.certPem },
      tokenKeys: [{ keyId: key.keyId, teamId: key.teamId, publicKeyPem: key.publicKeyPem }],
      maxConcurrentStreams: 7,
      now: () => now,
    });
    session = await connect(fake, tls.caPem);
  });
  afterEach(async () => {
    session.destroy();
    await fake.close();
  });

  const iat = (): number => Math.floor(now / 1000);

  it('accepts an ES256 JWT from a known key and records it', async () => {
    const token = jwt(key, { iat: iat() });
    expect((await send(session, bearer(token))).status).toBe(200);
    expect(fake.pushes[0]).toMatchObject({ auth: 'token', providerToken: token, at: now });
  });

  it('announces its SETTINGS_MAX_CONCURRENT_STREAMS', () => {
    expect(session.remoteSettings.maxConcurrentStreams).toBe(7);
  });

  it('answers 403 MissingProviderToken without authorization', async () => {
    expect(await send(session)).toMatchObject({ status: 403, reason: 'MissingProviderToken' });
  });

  it.each<[string, () => string]>([
    ['not a JWT', () => 'abc'],
    ['two parts', () => jwt(key, { iat: iat() }).split('.').slice(0, 2).join('.')],
    ['alg HS256', () => jwt(key, { iat: iat(), header: { alg: 'HS256' } })],
    ['unknown kid', () => jwt(key, { iat: iat(), header: { kid: 'UNKNOWN000' } })],
    ['another team as iss', () => jwt(key, { iat: iat(), claims: { iss: 'OTHERTEAM0' } })],
    ['signed by another key', () => jwt({ ...createTokenKey(key.teamId), keyId: key.keyId }, { iat: iat() })],
    ['a DER signature', () => jwt(key, { iat: iat(), der: true })],
    ['iat in the future', () => jwt(key, { iat: iat() + 60 })],
    ['iat not a number', () => jwt(key, { claims: { iat: String(iat()) } })],
  ])('answers 403 InvalidProviderToken to %s', async (_name, token) => {
    expect(await send(session, bearer(token()))).toMatchObject({ status: 403, reason: 'InvalidProviderToken' });
  });

  it('answers 403 ExpiredProviderToken when iat is over an hour old', async () => {
    expect((await send(session, bearer(jwt(key, { iat: iat() - 3600 })))).status).toBe(200);
    const fresh = await connect(fake, tls.caPem);
    expect(await send(fresh, bearer(jwt(key, { iat: iat() - 3601 })))).toMatchObject({ status: 403, reason: 'ExpiredProviderToken' });
    fresh.destroy();
  });

  it('answers 429 TooManyProviderTokenUpdates when a connection changes its token within 20 minutes', async () => {
    const first = jwt(key, { iat: iat() });
    expect((await send(session, bearer(first))).status).toBe(200);
    now += 19 * MINUTE;
    expect(await send(session, bearer(jwt(key, { iat: iat() })))).toMatchObject({ status: 429, reason: 'TooManyProviderTokenUpdates' });
    expect((await send(session, bearer(first))).status).toBe(200);
    now += 1 * MINUTE;
    expect((await send(session, bearer(jwt(key, { iat: iat() })))).status).toBe(200);
  });

  it('accepts the Bearer scheme in any case', async () => {
    expect((await send(session, { headers: { authorization: `Bearer ${jwt(key, { iat: iat() })}` } })).status).toBe(200);
  });
});
