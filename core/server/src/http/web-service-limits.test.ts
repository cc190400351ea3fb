import { randomBytes, randomInt } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { request, startInProcess, tempDataDir, type InProcessServer } from '../testing';
import { addressKey } from './web-service-limits';

const PASS_TYPE = 'pass.dev.passmint.local';
const REDIS_URL = process.env.PASSMINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  json: { code?: string } | undefined;
}

const agents = new Map<string, Agent>();
afterAll(() => {
  for (const agent of agents.values()) agent.destroy();
});

/** A request from a given loopback address (Linux routes all of 127.0.0.0/8 to this host). */
function send(
  url: string,
  options: { method: string; path: string; from: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const agent = agents.get(options.from) ?? new Agent({ keepAlive: true, maxSockets: 16, localAddress: options.from });
  agents.set(options.from, agent);
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port: Number(port), agent, method: options.method, path: options.path, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            json: text ? (JSON.parse(text) as Answer['json']) : undefined,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

interface TestPass {
  serial: string;
  token: string;
}

async function issuePass(server: InProcessServer): Promise<TestPass> {
  const created = await request(`${server.url}/api/passes`, {
    method: 'POST',
    key: server.key,
    body: { barcodeValue: `LIMITS-${randomBytes(4).toString('hex')}`, barcodeFormat: 'QR' },
  });
  const serial: string = created.json.serialNumber;
  const stored = await server.server.store.findPassBySerial(serial);
  return { serial, token: stored!.authenticationToken };
}

const newDevice = () => randomBytes(16).toString('hex');

function register(
  server: InProcessServer,
  pass: TestPass,
  device: string,
  from = '127.0.0.1',
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(server.url, {
    method: 'POST',
    path: `/apple/v1/devices/${device}/registrations/${PASS_TYPE}/${pass.serial}`,
    from,
    headers: { authorization: `ApplePass ${pass.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ pushToken: randomBytes(32).toString('hex') }),
  });
}

function unregister(server: InProcessServer, pass: TestPass, device: string, from = '127.0.0.1'): Promise<Answer> {
  return send(server.url, {
    method: 'DELETE',
    path: `/apple/v1/devices/${device}/registrations/${PASS_TYPE}/${pass.serial}`,
    from,
    headers: { authorization: `ApplePass ${pass.token}` },
  });
}

async function deviceCount(server: InProcessServer, pass: TestPass): Promise<number> {
  const counts = await server.server.store.countRegistrations(pass.serial);
  return counts.apple + counts.android;
}

/** Runs `jobs` with `inFlight` of them at a time; the answers in job order. */
async function inParallel<T>(jobs: (() => Promise<T>)[], inFlight: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return results;
}

function expectRateLimited(answers: Answer[], code: string): void {
  for (const answer of answers) {
    expect(answer.json?.code).toBe(code);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  }
}

describe('Apple web service limits, default settings', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(() => server.close());

  test('a household (10 devices, one address, one pass, one minute) is never refused, nor are their repeats', async () => {
    const pass = await issuePass(server);
    const devices = Array.from({ length: 10 }, newDevice);
    const first = await Promise.all(devices.map((device) => register(server, pass, device, '127.0.0.10')));
    expect(first.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    const again = await Promise.all(devices.map((device) => register(server, pass, device, '127.0.0.10')));
    expect(again.map((answer) => answer.status)).toEqual(Array(10).fill(200));
  });

  test('1,000 registrations for one pass from one address, as fast as they go: the address allowance holds, the rest are 429 with Retry-After', async () => {
    const pass = await issuePass(server);
    const sockets: Socket[] = [];
    const onConnection = (socket: Socket) => sockets.push(socket);
    server.server.app.server.on('connection', onConnection);
    const started = performance.now();
    const answers = await inParallel(
      Array.from({ length: 1000 }, () => () => register(server, pass, newDevice(), '127.0.0.20')),
      32,
    );
    server.server.app.server.off('connection', onConnection);
    // Refusals come before the body is read, on kept-alive connections: nothing may pile up on them.
    expect(Math.max(...sockets.map((socket) => socket.listenerCount('close')))).toBeLessThan(8);
    const seconds = (performance.now() - started) / 1000;
    const accepted = answers.filter((answer) => answer.status === 201).length;
    console.log(
      `1,000 registrations for one pass from one address in ${seconds.toFixed(1)} s: ${accepted} accepted, ${answers.length - accepted} refused (default: 60 a minute per address)`,
    );

    // A bucket of 60, refilled at one a second.
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(accepted).toBeLessThanOrEqual(60 + Math.ceil(seconds) + 1);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(refused.every((answer) => answer.status === 429)).toBe(true);
    expectRateLimited(refused, 'registration_rate_limited');
    expect(await deviceCount(server, pass)).toBe(accepted);
    // Another address is unaffected.
    expect((await register(server, pass, newDevice(), '127.0.0.21')).status).toBe(201);
  });

  test('X-Forwarded-For is ignored without PASSMINT_TRUST_PROXY: a client cannot pick its own address', async () => {
    const pass = await issuePass(server);
    const answers = await inParallel(
      Array.from(
        { length: 80 },
        (_, i) => () => register(server, pass, newDevice(), '127.0.0.22', { 'x-forwarded-for': `203.0.113.${i}` }),
      ),
      8,
    );
    expect(answers.filter((answer) => answer.status === 201).length).toBeLessThan(80);
  });

  test('device logs: 10 posts a minute per address, at most 50 entries of 500 characters each reach the log', async () => {
    const logs = JSON.stringify({ logs: Array.from({ length: 60 }, (_, i) => `entry-${i}-${'x'.repeat(1000)}`) });
    const post = () =>
      send(server.url, {
        method: 'POST',
        path: '/apple/v1/log',
        from: '127.0.0.30',
        headers: { 'content-type': 'application/json' },
        body: logs,
      });
    const before = server.logLines().length;
    const first = await post();
    const logged = server
      .logLines()
      .slice(before)
      .map((line) => JSON.parse(line) as { msg: string; deviceLog?: string })
      .filter((line) => line.msg === 'apple device log');
    expect(first.status).toBe(200);
    expect(logged).toHaveLength(50);
    expect(logged.every((line) => (line.deviceLog ?? '').length === 500)).toBe(true);

    // A bucket of 10, one back every 6 s.
    const rest = await inParallel(
      Array.from({ length: 14 }, () => post),
      4,
    );
    expect(rest.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(9);
    expect(rest.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(10);
    expectRateLimited(
      rest.filter((answer) => answer.status !== 200),
      'log_rate_limited',
    );
    expect(
      (
        await send(server.url, {
          method: 'POST',
          path: '/apple/v1/log',
          from: '127.0.0.31',
          headers: { 'content-type': 'application/json' },
          body: logs,
        })
      ).status,
    ).toBe(200);
  });
});

describe('registrations per pass', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: '20' });
  });
  afterAll(() => server.close());

  test('many addresses registering for one pass get its allowance; a device already registered is still let in; other passes are unaffected', async () => {
    const pass = await issuePass(server);
    const devices = Array.from({ length: 40 }, newDevice);
    const answers = await inParallel(
      devices.map((device, i) => () => register(server, pass, device, `127.0.1.${i + 1}`)),
      8,
    );
    const accepted = answers.filter((answer) => answer.status === 201).length;
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThanOrEqual(22);
    expectRateLimited(
      answers.filter((answer) => answer.status !== 201),
      'registration_rate_limited',
    );

    // Wallet registers again (a new push token): refused, it would leave a stale token behind.
    const registered = devices[answers.findIndex((answer) => answer.status === 201)]!;
    expect((await register(server, pass, registered, '127.0.1.100')).status).toBe(200);
    expect((await register(server, pass, newDevice(), '127.0.1.101')).status).toBe(429);
    expect((await register(server, await issuePass(server), newDevice(), '127.0.1.102')).status).toBe(201);
  });
});

describe('PASSMINT_MAX_DEVICES_PER_PASS', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_MAX_DEVICES_PER_PASS: '5' });
  });
  afterAll(() => server.close());

  test('concurrent registrations stop exactly at the ceiling with 409; registered devices re-register; one leaving makes room', async () => {
    const pass = await issuePass(server);
    const devices = Array.from({ length: 12 }, newDevice);
    const answers = await Promise.all(devices.map((device, i) => register(server, pass, device, `127.0.2.${i + 1}`)));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(5);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(refused.map((answer) => [answer.status, answer.json?.code])).toEqual(Array(7).fill([409, 'device_limit_reached']));
    expect(await deviceCount(server, pass)).toBe(5);

    const inside = devices.filter((_, i) => answers[i]!.status === 201);
    expect((await register(server, pass, inside[0]!)).status).toBe(200);
    expect((await unregister(server, pass, inside[1]!)).status).toBe(200);
    expect((await register(server, pass, newDevice())).status).toBe(201);
    expect((await register(server, pass, newDevice())).status).toBe(409);
    expect(await deviceCount(server, pass)).toBe(5);
  });
});

describe('behind a proxy (PASSMINT_TRUST_PROXY)', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_TRUST_PROXY: '127.0.0.1', PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: '3' });
  });
  afterAll(() => server.close());

  test("the client's address comes from X-Forwarded-For; an IPv6 client is limited by its /64", async () => {
    const pass = await issuePass(server);
    const from = (client: string) => () => register(server, pass, newDevice(), '127.0.0.1', { 'x-forwarded-for': client });
    const one = await inParallel(
      Array.from({ length: 5 }, () => from('203.0.113.7')),
      1,
    );
    expect(one.map((answer) => answer.status)).toEqual([201, 201, 201, 429, 429]);
    expect((await from('203.0.113.8')()).status).toBe(201);
    const sameNetwork = await inParallel(['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aaaa::3', '2001:db8:1:2::4'].map(from), 1);
    expect(sameNetwork.map((answer) => answer.status)).toEqual([201, 201, 201, 429]);
    expect((await from('2001:db8:1:3::1')()).status).toBe(201);
  });
});

describe('registrations with several processes (needs Redis)', () => {
  const dataDir = tempDataDir();
  const servers: InProcessServer[] = [];
  beforeAll(async () => {
    // Two servers on one SQLite file, as two processes on one database.
    for (let i = 0; i < 2; i++)
      servers.push(
        await startInProcess({
          PASSMINT_DATA_DIR: dataDir,
          PASSMINT_REDIS_URL: REDIS_URL,
          PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: '10',
        }),
      );
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('two processes draw on one allowance per address', async () => {
    // An address of its own per run: Redis keeps buckets between runs.
    const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const pass = await issuePass(servers[0]!);
    const answers = await inParallel(
      Array.from({ length: 30 }, (_, i) => () => register(servers[i % 2]!, pass, newDevice(), address)),
      4,
    );
    const accepted = answers.filter((answer) => answer.status === 201).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(12);
  });
});

test('addresses are limited by IPv4 address, or by IPv6 /64', () => {
  expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
  expect(addressKey('2001:0db8:0001:0002:ffff:0:0:1')).toBe('2001:db8:1:2::/64');
  expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(addressKey('::1')).toBe('0:0:0:0::/64');
  expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
});
