import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassmintError } from '@passmint/engine';
import type { SqlStore } from '../store/secret-columns';
import { createSqliteStore } from '../store/sqlite-store';
import { testSecretBox } from '../store/test-support/store-builders';
import { createWebhookWorker, type WebhookLogEvent, type WebhookTransport } from './webhook-worker';

type Sent = Awaited<ReturnType<WebhookTransport['send']>>;

let dir: string;
let store: SqlStore;
let now: Date;
const TENANT = 'ten_hooks';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-webhooks-'));
  store = createSqliteStore(join(dir, 'passmint.db'), { secrets: testSecretBox() });
  await store.migrate();
  now = new Date('2026-12-07T10:00:00.000Z');
  await store.createTenant({ id: TENANT, name: 'Hooks', monthlyQuota: null, appleIdentity: null, createdAt: now.toISOString() });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function endpoint(id: string): Promise<void> {
  await store.createWebhookEndpoint(
    {
      id,
      tenantId: TENANT,
      url: `https://hooks.example.com/${id}`,
      secret: SECRET,
      events: ['pass.created'],
      description: null,
      createdAt: now.toISOString(),
    },
    10,
  );
}

async function pass(serial: string): Promise<void> {
  const result = await store.insertPass(
    {
      tenantId: TENANT,
      serialNumber: serial,
      authenticationToken: 'x'.repeat(32),
      body: {},
      canonicalHash: 'a',
      pkpass: Buffer.from('p'),
      passTypeIdentifier: 'pass.test.hooks',
      voided: false,
      createdAt: now.toISOString(),
    },
    { month: '2026-12', quota: null },
  );
  if (!result.ok) throw new Error(result.reason);
}

/** A transport that answers from a script, in order, and records every call. */
function scripted(...answers: Sent[]) {
  const calls: { url: string; secret: string; id: string; body: string }[] = [];
  const transport: WebhookTransport = {
    async send(target, message) {
      calls.push({ ...target, ...message });
      return answers.shift() ?? { outcome: 'delivered', status: 204, error: null };
    },
  };
  return { transport, calls };
}

function worker(
  transport: WebhookTransport,
  log: WebhookLogEvent[] = [],
  retry: (attempts: number) => number | null = (n) => (n < 3 ? 5000 : null),
  limits: { maxInFlight?: number; maxInFlightPerEndpoint?: number } = {},
) {
  return createWebhookWorker({
    ...limits,
    store,
    transport,
    retryDelayMs: retry,
    keepEventsMs: 30 * 24 * 60 * 60_000,
    pollIntervalMs: 5,
    clock: () => now,
    log: (event) => log.push(event),
  });
}

/** Runs the worker until `done` holds (it polls every 5 ms), then stops it. */
async function runUntil(
  transport: WebhookTransport,
  done: () => Promise<boolean>,
  log: WebhookLogEvent[] = [],
  retry?: (n: number) => number | null,
) {
  const running = worker(transport, log, retry);
  running.start();
  try {
    for (let i = 0; i < 2000 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    await running.stop();
  }
}

const attempts = (id: string) => store.listWebhookAttempts(TENANT, id, 100);

describe('the webhook worker', () => {
  it('POSTs the event as { type, timestamp, data } with its id and the endpoint secret, and records the delivery', async () => {
    await endpoint('whk_a');
    await pass('serial-a');
    const { transport, calls } = scripted();
    await runUntil(transport, async () => (await attempts('whk_a')).length === 1);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('https://hooks.example.com/whk_a');
    expect(call?.secret).toBe(SECRET);
    expect(call?.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(JSON.parse(call?.body ?? '')).toEqual({
      type: 'pass.created',
      timestamp: now.toISOString(),
      data: { serialNumber: 'serial-a', version: 1 },
    });
    expect(await attempts('whk_a')).toEqual([
      expect.objectContaining({ eventId: call?.id, attempt: 1, status: 204, outcome: 'delivered' }),
    ]);
  });

  it('retries a failed attempt after the delay, with the same event id, until it is delivered', async () => {
    await endpoint('whk_b');
    await pass('serial-b');
    const { transport, calls } = scripted({ outcome: 'retry', status: 500, error: 'HTTP 500' });
    const log: WebhookLogEvent[] = [];
    await runUntil(transport, async () => (await attempts('whk_b')).length === 1, log);
    expect((await attempts('whk_b'))[0]).toMatchObject({ attempt: 1, status: 500, error: 'HTTP 500', outcome: 'retrying' });
    now = new Date(now.getTime() + 5000);
    await runUntil(transport, async () => (await attempts('whk_b')).length === 2, log);
    expect(calls.map((call) => call.id)).toEqual([calls[0]?.id, calls[0]?.id]);
    expect((await attempts('whk_b'))[0]).toMatchObject({ attempt: 2, outcome: 'delivered' });
    expect(log.map((event) => event.event)).toEqual(['webhook.retry', 'webhook.delivered']);
  });

  it('retries an attempt the transport failed on a fault of its own (its thread stopping), so it is not lost', async () => {
    await endpoint('whk_t');
    await pass('serial-t');
    const calls: string[] = [];
    const transport: WebhookTransport = {
      async send(_target, message) {
        calls.push(message.id);
        if (calls.length === 1) throw new PassmintError('internal_error', 'The webhook thread stopped before answering.');
        return { outcome: 'delivered', status: 204, error: null };
      },
    };
    const log: WebhookLogEvent[] = [];
    await runUntil(transport, async () => (await attempts('whk_t')).length === 1, log);
    expect((await attempts('whk_t'))[0]).toMatchObject({
      attempt: 1,
      status: null,
      error: 'not sent: a fault on the server (see its log)',
      outcome: 'retrying',
    });
    now = new Date(now.getTime() + 5000);
    await runUntil(transport, async () => (await attempts('whk_t')).length === 2, log);
    expect(calls).toEqual([calls[0], calls[0]]);
    expect((await attempts('whk_t'))[0]).toMatchObject({ attempt: 2, outcome: 'delivered' });
    expect(log.map((event) => event.event)).toEqual(['webhook.worker_error', 'webhook.retry', 'webhook.delivered']);
  });

  it('waits for the retry time: nothing is sent before it', async () => {
    await endpoint('whk_c');
    await pass('serial-c');
    const { transport, calls } = scripted({ outcome: 'retry', status: null, error: 'timed out after 10 s' });
    await runUntil(transport, async () => (await attempts('whk_c')).length === 1);
    now = new Date(now.getTime() + 4999);
    await runUntil(transport, async () => true);
    expect(calls).toHaveLength(1);
  });

  it('disables the endpoint and says why when a delivery is given up', async () => {
    await endpoint('whk_d');
    await pass('serial-d');
    const failing: Sent = { outcome: 'retry', status: 503, error: 'HTTP 503' };
    const { transport } = scripted(failing, failing);
    await runUntil(
      transport,
      async () => (await attempts('whk_d')).length === 1,
      [],
      (n) => (n < 2 ? 1 : null),
    );
    now = new Date(now.getTime() + 1);
    await runUntil(
      transport,
      async () => (await attempts('whk_d')).length === 2,
      [],
      (n) => (n < 2 ? 1 : null),
    );
    const found = await store.findWebhookEndpoint(TENANT, 'whk_d');
    expect(found).toMatchObject({ enabled: false, disabledAt: now.toISOString() });
    expect(found?.disabledReason).toMatch(/failed 2 times.*HTTP 503/);
    expect((await attempts('whk_d'))[0]).toMatchObject({ attempt: 2, outcome: 'failed' });
  });

  it('disables the endpoint at once on 410, ending its other waiting deliveries', async () => {
    await endpoint('whk_e');
    await pass('serial-e1');
    await pass('serial-e2');
    const { transport, calls } = scripted({ outcome: 'gone', status: 410, error: 'HTTP 410' });
    const running = worker(transport);
    running.start();
    for (let i = 0; i < 2000 && (await store.findWebhookEndpoint(TENANT, 'whk_e'))?.enabled; i++)
      await new Promise((r) => setTimeout(r, 5));
    await running.stop();
    expect((await store.findWebhookEndpoint(TENANT, 'whk_e'))?.disabledReason).toMatch(/410 Gone/);
    now = new Date(now.getTime() + 24 * 60 * 60_000);
    const sentBefore = calls.length;
    await runUntil(transport, async () => true);
    expect(calls.length).toBe(sentBefore);
    expect(sentBefore).toBeLessThanOrEqual(2);
  });

  it('keeps one slow endpoint from holding up another', async () => {
    await endpoint('whk_slow');
    await endpoint('whk_fast');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const transport: WebhookTransport = {
      async send(target) {
        if (target.url.endsWith('whk_slow')) await held;
        delivered.push(target.url);
        return { outcome: 'delivered', status: 204, error: null };
      },
    };
    await pass('serial-f');
    const running = worker(transport);
    running.start();
    try {
      for (let i = 0; i < 2000 && !delivered.some((url) => url.endsWith('whk_fast')); i++) await new Promise((r) => setTimeout(r, 5));
      expect(delivered).toEqual(['https://hooks.example.com/whk_fast']);
    } finally {
      release();
      await running.stop();
    }
    expect(delivered).toContain('https://hooks.example.com/whk_slow');
  });

  it('holds one endpoint to its limit of deliveries in flight, and all endpoints to the total', async () => {
    await endpoint('whk_1');
    for (let n = 0; n < 12; n++) await pass(`serial-c${n}`);
    // One endpoint, 12 due: the first claim takes 8, of which 3 may be in flight.
    expect(await peaksOfDelivering(12, { perEndpoint: 3, total: 8, gateAt: 3 })).toEqual({ endpoint: 3, total: 3 });
    for (const id of ['whk_2', 'whk_3', 'whk_4']) await endpoint(id);
    for (let n = 12; n < 18; n++) await pass(`serial-c${n}`);
    // Four endpoints, 24 due (none per endpoint over 3 in a claim of 8): the total is the limit.
    const peaks = await peaksOfDelivering(24, { perEndpoint: 3, total: 8, gateAt: 8 });
    expect(peaks.total).toBe(8);
    expect(peaks.endpoint).toBeLessThanOrEqual(3);
  });
});

/**
 * Runs a worker with the given limits until `count` deliveries are made; the most that were in
 * flight at once, to one endpoint and in all. The first sends are held until `gateAt` are in
 * flight (or half a second passed), so the worker fills every slot it may, on a slow machine too.
 */
async function peaksOfDelivering(count: number, limits: { perEndpoint: number; total: number; gateAt: number }) {
  const inFlight = new Map<string, number>();
  const peaks = { endpoint: 0, total: 0 };
  let total = 0;
  let delivered = 0;
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const transport: WebhookTransport = {
    async send(target) {
      inFlight.set(target.url, (inFlight.get(target.url) ?? 0) + 1);
      peaks.endpoint = Math.max(peaks.endpoint, inFlight.get(target.url)!);
      peaks.total = Math.max(peaks.total, ++total);
      if (total >= limits.gateAt) openGate();
      await Promise.race([gate, new Promise((resolve) => setTimeout(resolve, 500))]);
      inFlight.set(target.url, inFlight.get(target.url)! - 1);
      total--;
      delivered++;
      return { outcome: 'delivered', status: 204, error: null };
    },
  };
  const running = worker(transport, [], () => 5000, { maxInFlightPerEndpoint: limits.perEndpoint, maxInFlight: limits.total });
  running.start();
  try {
    for (let i = 0; i < 2000 && delivered < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    await running.stop();
  }
  expect(delivered).toBe(count);
  return peaks;
}
