import { rmSync } from 'node:fs';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { eventSchema, webhookCreatedSchema, webhookDeliveriesSchema, webhookEndpointSchema } from '@passmint/engine/schema';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { devIdentityAndApnsTls } from './test-support/dev-apns-tls';
import { freePort, passmintCli } from './test-support/processes';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './test-support/webhook-receiver';

const { create: CREATE, update: UPDATE } = API_EXAMPLE_BODIES;
/** Generous: only a delivery that never comes waits this long. */
const WAIT_MS = 60_000;
const ALL_TYPES = ['pass.created', 'pass.updated', 'pass.voided', 'pass.installed', 'pass.removed', 'delivery.failed'];

let dataDir: string;
let devCaPem: string;
let apns: FakeApns;
let server: SpawnedServer;
let otherKey: string;
const receivers: WebhookReceiver[] = [];

/** Loopback ports the receivers will use, reserved before the server starts so its allow-list can name them. */
let ports: number[];

beforeAll(async () => {
  dataDir = tempDataDir();
  const { tls, caFile, ...dev } = devIdentityAndApnsTls(dataDir);
  devCaPem = dev.devCaPem;
  apns = await startFakeApns({ tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem: devCaPem });
  ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: caFile,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    PASSMINT_PUSH_MAX_ATTEMPTS: '1',
    PASSMINT_WEBHOOK_TIMEOUT_MS: '1000',
    PASSMINT_WEBHOOK_HOSTS_ALLOW: ports.map((port) => `127.0.0.1:${port}`).join(','),
  });
  passmintCli(dataDir, 'tenants', 'create', 'Other Shop');
  otherKey = passmintCli(dataDir, 'keys', 'create', '--tenant', 'Other Shop').trim();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  for (const each of receivers) await each.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (path: string, options: Parameters<typeof request>[1] = {}) => request(`${server.url}${path}`, { key: server.key, ...options });

/** A receiver on one of the allow-listed ports, with an endpoint for it. */
async function subscribed(events: string[], key = server.key): Promise<{ receiver: WebhookReceiver; id: string }> {
  const port = ports.shift();
  if (port === undefined) throw new Error('out of reserved ports');
  const target = receivers.find((each) => each.port === port) ?? (await startOn(port));
  const created = await request(`${server.url}/api/webhooks`, {
    method: 'POST',
    key,
    body: { url: `${target.url}/passmint`, events, description: 'e2e' },
  });
  expect(created.status).toBe(201);
  const endpoint = webhookCreatedSchema.parse(created.json);
  target.setSecret(endpoint.secret);
  return { receiver: target, id: endpoint.id };
}

async function startOn(port: number): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(port);
  receivers.push(started);
  return started;
}

async function issue(): Promise<{ serial: string; pkpass: Buffer }> {
  const response = await api('/api/passes', { method: 'POST', body: CREATE });
  expect(response.status).toBe(200);
  return { serial: response.json.serialNumber, pkpass: Buffer.from(response.json.applePass, 'base64') };
}

const typesOf = (received: ReceivedWebhook[]) => received.map((each) => each.payload?.type);
const bySerial = (serial: string) => (each: ReceivedWebhook) => each.payload?.data.serialNumber === serial;

describe('webhooks, end to end against a receiver verifying with standardwebhooks', () => {
  test("delivers every event type, signed, with the event id as webhook-id, and never another tenant's", async () => {
    const mine = await subscribed(ALL_TYPES);
    const theirs = await subscribed(ALL_TYPES, otherKey);
    const { serial, pkpass } = await issue();
    const phone = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
    const held = phone.addPass(pkpass);
    expect(await phone.register(held.serialNumber)).toBe(201);
    apns.respondAll(500);
    try {
      expect((await api(`/api/passes/${serial}`, { method: 'PUT', body: UPDATE })).status).toBe(200);
      await mine.receiver.waitFor((all) => all.some((each) => each.payload?.type === 'delivery.failed'), WAIT_MS);
    } finally {
      apns.clear();
    }
    expect(await phone.unregister(serial)).toBe(200);
    expect((await api(`/api/passes/${serial}`, { method: 'DELETE' })).status).toBe(200);

    const received = await mine.receiver.waitFor((all) => all.filter(bySerial(serial)).length >= 6, WAIT_MS);
    const forPass = received.filter(bySerial(serial));
    expect(forPass.every((each) => each.verified)).toBe(true);
    expect(new Set(typesOf(forPass))).toEqual(new Set(ALL_TYPES));

    const listed = await api(`/api/events?type=${ALL_TYPES.join(',')}&limit=500`);
    const events = (listed.json.events as unknown[])
      .map((event) => eventSchema.parse(event))
      .filter((event) => event.data.serialNumber === serial);
    expect(forPass.map((each) => each.id).sort()).toEqual(events.map((event) => event.id).sort());
    for (const each of forPass) {
      const event = events.find((candidate) => candidate.id === each.id);
      expect(each.payload).toEqual({ type: event?.type, timestamp: event?.createdAt, data: event?.data });
    }
    const installed = events.find((event) => event.type === 'pass.installed');
    expect(installed?.data).toEqual({ serialNumber: serial, platform: 'apple', deviceId: expect.stringMatching(/^dev_/) });
    expect(JSON.stringify(events)).not.toContain(phone.pushToken);
    expect(events.find((event) => event.type === 'delivery.failed')?.data).toMatchObject({ channel: 'apns', attempts: 1 });

    expect(theirs.receiver.received).toEqual([]);
    const otherEvents = await request(`${server.url}/api/events`, { key: otherKey });
    expect(otherEvents.json.events).toEqual([]);
  });

  test('retries a 500 and a timeout with the same webhook-id, and records each attempt', async () => {
    const failing = await subscribed(['pass.created']);
    const slow = await subscribed(['pass.created']);
    failing.receiver.respond(500);
    slow.receiver.respond('hang');
    const { serial } = await issue();
    const [first, second] = await Promise.all(
      [failing, slow].map(({ receiver: each }) =>
        each.waitFor((all) => all.filter(bySerial(serial)).some((one) => one.status === 204), WAIT_MS),
      ),
    );
    for (const attempts of [first, second].map((all) => (all ?? []).filter(bySerial(serial)))) {
      expect(attempts).toHaveLength(2);
      expect(attempts[0]?.id).toBe(attempts[1]?.id);
      expect(attempts.every((each) => each.verified)).toBe(true);
      expect(Number(attempts[1]?.timestamp)).toBeGreaterThanOrEqual(Number(attempts[0]?.timestamp) + 4);
    }
    // Attempts are recorded in batches just after they end: the log catches up with the receiver.
    const attemptsOf = async (id: string) => webhookDeliveriesSchema.parse((await api(`/api/webhooks/${id}/deliveries`)).json);
    await until(async () => (await attemptsOf(slow.id)).deliveries.length === 2 && (await attemptsOf(failing.id)).deliveries.length === 2);
    const log = await attemptsOf(slow.id);
    expect(log.deliveries.map((each) => [each.attempt, each.status, each.outcome])).toEqual([
      [2, 204, 'delivered'],
      [1, null, 'retrying'],
    ]);
    expect(log.deliveries[1]?.error).toMatch(/timed out/);
    const failed = await attemptsOf(failing.id);
    expect(failed.deliveries.map((each) => [each.attempt, each.status, each.outcome])).toEqual([
      [2, 204, 'delivered'],
      [1, 500, 'retrying'],
    ]);
  });

  test('disables an endpoint that answers 410, at once, and says why', async () => {
    const gone = await subscribed(['pass.created']);
    const witness = await subscribed(['pass.created']);
    gone.receiver.respond(410);
    const { serial } = await issue();
    await gone.receiver.waitFor((all) => all.some(bySerial(serial)), WAIT_MS);
    const endpointNow = async () => webhookEndpointSchema.parse((await api(`/api/webhooks/${gone.id}`)).json);
    await until(async () => !(await endpointNow()).enabled);
    const endpoint = await endpointNow();
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410/), disabledAt: expect.any(String) });
    const { serial: later } = await issue();
    await witness.receiver.waitFor((all) => all.some(bySerial(later)), WAIT_MS);
    expect(gone.receiver.received.filter(bySerial(later))).toEqual([]);
  });
});

describe('webhook delivery across a crash', () => {
  test('a kill -9 with deliveries pending loses none', async () => {
    const crashDir = tempDataDir();
    const port = await freePort();
    const env = {
      PASSMINT_DATA_DIR: crashDir,
      PASSMINT_WEBHOOK_HOSTS_ALLOW: `127.0.0.1:${port}`,
      PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
      PASSMINT_RATE_LIMIT_BURST: '1000',
    };
    let first: SpawnedServer | undefined = await spawnServer(env);
    let second: SpawnedServer | undefined;
    let target: WebhookReceiver | undefined;
    try {
      const key = first.key;
      // Nothing listens on the port yet: every first attempt is refused and waits for its retry.
      const created = await request(`${first.url}/api/webhooks`, {
        method: 'POST',
        key,
        body: { url: `http://127.0.0.1:${port}/hook`, events: ['pass.created'] },
      });
      const endpoint = webhookCreatedSchema.parse(created.json);
      const serials: string[] = [];
      for (let i = 0; i < 3; i++) {
        const issued = await request(`${first.url}/api/passes`, { method: 'POST', key, body: CREATE });
        serials.push(issued.json.serialNumber);
      }
      const ids = (await request(`${first.url}/api/events`, { key })).json.events.map((event: { id: string }) => event.id);
      await until(async () => {
        const log = await request(`${first!.url}/api/webhooks/${endpoint.id}/deliveries`, { key });
        return log.json.deliveries.length >= 3;
      });
      expect(await first.stop('SIGKILL')).toBeNull();
      first = undefined;

      target = await startWebhookReceiver(port);
      target.setSecret(endpoint.secret);
      second = await spawnServer(env);
      const received = await target.waitFor(
        (all) => new Set(all.filter((each) => each.verified).map((each) => each.id)).size >= 3,
        WAIT_MS,
      );
      expect([...new Set(received.map((each) => each.id))].sort()).toEqual([...ids].sort());
      expect(new Set(received.map((each) => each.payload?.data.serialNumber))).toEqual(new Set(serials));
    } finally {
      await first?.stop('SIGKILL');
      await second?.stop();
      await target?.close();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });
});

describe('a process that does not deliver', () => {
  test('PASSMINT_WEBHOOK_DELIVERY=off writes the deliveries and leaves them to a process that sends them', async () => {
    const dir = tempDataDir();
    const target = await startWebhookReceiver();
    const env = {
      PASSMINT_DATA_DIR: dir,
      PASSMINT_WEBHOOK_HOSTS_ALLOW: `127.0.0.1:${target.port}`,
      PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
      PASSMINT_RATE_LIMIT_BURST: '1000',
    };
    let quiet: SpawnedServer | undefined = await spawnServer({ ...env, PASSMINT_WEBHOOK_DELIVERY: 'off' });
    let sending: SpawnedServer | undefined;
    try {
      expect(quiet.stderr()).toContain('NOT delivered by this process');
      const key = quiet.key;
      const created = await request(`${quiet.url}/api/webhooks`, {
        method: 'POST',
        key,
        body: { url: `${target.url}/hook`, events: ['pass.created'] },
      });
      const endpoint = webhookCreatedSchema.parse(created.json);
      target.setSecret(endpoint.secret);
      const issued = await request(`${quiet.url}/api/passes`, { method: 'POST', key, body: CREATE });
      const [event] = (await request(`${quiet.url}/api/events`, { key })).json.events as { id: string }[];
      await quiet.stop();
      quiet = undefined;
      expect(target.received).toEqual([]);

      sending = await spawnServer(env);
      const [delivered] = await target.waitFor((all) => all.length >= 1, WAIT_MS);
      expect(delivered).toMatchObject({ id: event?.id, verified: true });
      expect(delivered?.payload?.data.serialNumber).toBe(issued.json.serialNumber);
    } finally {
      await quiet?.stop();
      await sending?.stop();
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
