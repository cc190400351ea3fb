import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../store/store-port';
import type { PushRequest, PushResult } from '../apns/apns-client';
import { createSqliteStore } from '../store/sqlite-store';
import { createPushWorker, PUSH_EVENT_LEVEL, type PushEvent } from './push-worker';

const TOPIC = 'pass.test.worker';
let dir: string;
let store: Store;
let now: Date;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-push-'));
  store = createSqliteStore(join(dir, 'passmint.db'));
  await store.migrate();
  now = new Date('2026-03-01T10:00:00.000Z');
  await store.createTenant({ id: 'ten_w', name: 'Worker', monthlyQuota: null, appleIdentity: null, createdAt: now.toISOString() });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A pass with `devices` Apple registrations, changed once so each device has a queued push. */
async function passWithQueuedPushes(devices: number): Promise<{ serial: string; tokens: string[] }> {
  const serial = randomBytes(8).toString('hex');
  const at = now.toISOString();
  await store.insertPass(
    {
      tenantId: 'ten_w',
      serialNumber: serial,
      authenticationToken: 'x'.repeat(32),
      body: {},
      canonicalHash: 'a',
      pkpass: Buffer.from('p'),
      passTypeIdentifier: TOPIC,
      voided: false,
      createdAt: at,
    },
    { month: '2026-03', quota: null },
  );
  const tokens = Array.from({ length: devices }, () => randomBytes(32).toString('hex'));
  for (const [index, pushToken] of tokens.entries()) {
    await store.registerDevice({
      deviceLibraryIdentifier: `device-${index}-${serial}`,
      serialNumber: serial,
      passTypeIdentifier: TOPIC,
      tenantId: 'ten_w',
      pushToken,
      client: 'apple',
      clientName: null,
      at,
    });
  }
  const updated = await store.updatePass(
    {
      tenantId: 'ten_w',
      serialNumber: serial,
      expectedVersion: 1,
      body: { v: 2 },
      canonicalHash: 'b',
      pkpass: Buffer.from('q'),
      passTypeIdentifier: TOPIC,
      voided: false,
      updatedAt: at,
    },
    { month: '2026-03', quota: null },
  );
  expect(updated).toMatchObject({ ok: true, queuedPushes: devices });
  return { serial, tokens };
}

/** A sender that answers from a script per token (then 200), and records what it was asked. */
function scriptedSender(script: Record<string, PushResult[]> = {}) {
  const sent: PushRequest[] = [];
  return {
    sent,
    async send(request: PushRequest): Promise<PushResult> {
      sent.push(request);
      return script[request.pushToken]?.shift() ?? { ok: true, status: 200, apnsId: 'id' };
    },
  };
}

function worker(sender: ReturnType<typeof scriptedSender>, events: PushEvent[] = [], maxAttempts = 3) {
  return createPushWorker({
    store,
    senderFor: async () => ({ key: 'identity-1', sender }),
    pushType: 'background',
    priority: 5,
    maxAttempts,
    clock: () => now,
    random: () => 1,
    log: (event) => events.push(event),
  });
}

test('delivers each queued push once, with the topic, push type and priority', async () => {
  const { serial, tokens } = await passWithQueuedPushes(3);
  const sender = scriptedSender();
  const pushes = worker(sender);
  expect(await pushes.runOnce()).toBe(3);
  expect(await pushes.runOnce()).toBe(0);
  expect(sender.sent.map((request) => request.pushToken).sort()).toEqual([...tokens].sort());
  expect(sender.sent[0]).toMatchObject({ topic: TOPIC, pushType: 'background', priority: 5 });
  // Each push carries its outbox row's id as apns-id: distinct, and UUIDs as APNs requires.
  const ids = sender.sent.map((request) => request.apnsId ?? '');
  expect(new Set(ids).size).toBe(3);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(await store.pushSummary(serial)).toMatchObject({ delivered: 3, pending: 0, failed: 0 });
});

test('transient failures come back after a growing, jittered delay, then dead-letter at the bound', async () => {
  const { serial, tokens } = await passWithQueuedPushes(1);
  const token = tokens[0] as string;
  const failure: PushResult = { ok: false, status: 503, reason: 'ServiceUnavailable' };
  const sender = scriptedSender({
    [token]: [failure, { ok: false, status: 0, reason: 'Timeout' }, { ok: false, status: 429, reason: 'TooManyRequests' }],
  });
  const events: PushEvent[] = [];
  const pushes = worker(sender, events, 3);
  await pushes.runOnce();
  expect(await pushes.runOnce()).toBe(0);
  now = new Date(now.getTime() + 1000);
  await pushes.runOnce();
  now = new Date(now.getTime() + 2000);
  await pushes.runOnce();
  expect(events.map((event) => event.event)).toEqual(['push.retry', 'push.retry', 'push.dead']);
  expect(events.slice(0, 2).map((event) => (event as { delayMs: number }).delayMs)).toEqual([1000, 2000]);
  expect(await store.pushSummary(serial)).toMatchObject({ failed: 1, lastError: '429 TooManyRequests' });
});

test('500 then 200 delivers exactly once', async () => {
  const { serial, tokens } = await passWithQueuedPushes(1);
  const sender = scriptedSender({ [tokens[0] as string]: [{ ok: false, status: 500, reason: 'InternalServerError' }] });
  const pushes = worker(sender);
  await pushes.runOnce();
  now = new Date(now.getTime() + 5000);
  await pushes.runOnce();
  await pushes.runOnce();
  expect(sender.sent).toHaveLength(2);
  expect(await store.pushSummary(serial)).toMatchObject({ delivered: 1, pending: 0 });
});

test('410 removes the registration unless the device registered again after the token died', async () => {
  const { serial, tokens } = await passWithQueuedPushes(2);
  const [gone, reregistered] = tokens as [string, string];
  await store.registerDevice({
    deviceLibraryIdentifier: `device-1-${serial}`,
    serialNumber: serial,
    passTypeIdentifier: TOPIC,
    tenantId: 'ten_w',
    pushToken: reregistered,
    client: 'apple',
    clientName: null,
    at: new Date(now.getTime() + 10_000).toISOString(),
  });
  const diedAt = now.getTime() + 5000;
  const sender = scriptedSender({
    [gone]: [{ ok: false, status: 410, reason: 'Unregistered', timestamp: diedAt }],
    [reregistered]: [{ ok: false, status: 410, reason: 'Unregistered', timestamp: diedAt }],
  });
  await worker(sender).runOnce();
  expect(await store.countRegistrations(serial)).toEqual({ apple: 1, android: 0 });
});

test('400 BadDeviceToken removes the registration; other 4xx dead-letter without retry', async () => {
  const { serial, tokens } = await passWithQueuedPushes(2);
  const sender = scriptedSender({
    [tokens[0] as string]: [{ ok: false, status: 400, reason: 'BadDeviceToken' }],
    [tokens[1] as string]: [{ ok: false, status: 413, reason: 'PayloadTooLarge' }],
  });
  await worker(sender).runOnce();
  expect(await store.countRegistrations(serial)).toEqual({ apple: 1, android: 0 });
  expect(await store.pushSummary(serial)).toMatchObject({ failed: 2, pending: 0 });
});

test('403 pauses the identity: its pushes wait without being sent until the pause ends', async () => {
  const { serial, tokens } = await passWithQueuedPushes(2);
  const sender = scriptedSender({
    [tokens[0] as string]: [{ ok: false, status: 403, reason: 'BadCertificate' }],
    [tokens[1] as string]: [{ ok: false, status: 403, reason: 'BadCertificate' }],
  });
  const pushes = worker(sender);
  await pushes.runOnce();
  expect(pushes.pausedIdentities()).toEqual([
    { identity: 'identity-1', reason: 'BadCertificate', until: new Date(now.getTime() + 5 * 60_000).toISOString() },
  ]);
  now = new Date(now.getTime() + 60_000);
  expect(await pushes.runOnce()).toBe(0);
  now = new Date(now.getTime() + 5 * 60_000);
  await pushes.runOnce();
  expect(pushes.pausedIdentities()).toEqual([]);
  expect(sender.sent).toHaveLength(4);
  expect(await store.pushSummary(serial)).toMatchObject({ delivered: 2 });
});

test('a worker that dies holding a lease: the push is claimed again once the lease runs out', async () => {
  const { serial } = await passWithQueuedPushes(1);
  const claimed = await store.claimPushes({
    now: now.toISOString(),
    leaseUntil: new Date(now.getTime() + 60_000).toISOString(),
    limit: 10,
  });
  expect(claimed).toHaveLength(1);
  const sender = scriptedSender();
  const pushes = worker(sender);
  expect(await pushes.runOnce()).toBe(0);
  now = new Date(now.getTime() + 61_000);
  expect(await pushes.runOnce()).toBe(1);
  expect(await store.pushSummary(serial)).toMatchObject({ delivered: 1 });
});

test('every attempt dates lastPush, retries included; a push given up is counted as such, one whose device is gone is not', async () => {
  const { serial, tokens } = await passWithQueuedPushes(2);
  const [failing, gone] = tokens as [string, string];
  const sender = scriptedSender({
    [failing]: [
      { ok: false, status: 500, reason: 'InternalServerError' },
      { ok: false, status: 503, reason: 'ServiceUnavailable' },
    ],
    [gone]: [{ ok: false, status: 410, reason: 'Unregistered', timestamp: now.getTime() }],
  });
  const pushes = worker(sender, [], 2);
  const firstAttempt = now.toISOString();
  await pushes.runOnce();
  expect(await store.pushSummary(serial)).toMatchObject({ pending: 1, lastAttemptAt: firstAttempt, lastError: '410 Unregistered' });
  now = new Date(now.getTime() + 5000);
  await pushes.runOnce();
  expect(await store.pushSummary(serial)).toMatchObject({ pending: 0, failed: 2, lastAttemptAt: now.toISOString() });
  expect(await store.outboxHealth(now.toISOString(), firstAttempt)).toMatchObject({
    givenUp: 1,
    lastGivenUp: { serialNumber: serial, at: now.toISOString(), detail: '503 ServiceUnavailable' },
  });
});

test('an identity is failing from a failed push until it next delivers; a dead device token says nothing about it', async () => {
  const { tokens } = await passWithQueuedPushes(3);
  const [down, gone, busy] = tokens as [string, string, string];
  const sender = scriptedSender({
    [down]: [
      { ok: false, status: 0, reason: 'ConnectionError', detail: 'connect ECONNREFUSED' },
      { ok: false, status: 500, reason: 'InternalServerError' },
    ],
    [gone]: [{ ok: false, status: 410, reason: 'Unregistered', timestamp: now.getTime() }],
    [busy]: Array.from({ length: 3 }, (): PushResult => ({ ok: false, status: 429, reason: 'TooManyRequests' })),
  });
  const pushes = worker(sender, [], 5);
  const failedAt = now.toISOString();
  await pushes.runOnce();
  expect(pushes.failingIdentities()).toEqual([
    { identity: 'identity-1', lastError: '0 ConnectionError (connect ECONNREFUSED)', failingSince: failedAt, lastFailureAt: failedAt },
  ]);
  now = new Date(now.getTime() + 10_000);
  await pushes.runOnce();
  expect(pushes.failingIdentities()).toEqual([
    expect.objectContaining({ lastError: '500 InternalServerError', failingSince: failedAt, lastFailureAt: now.toISOString() }),
  ]);
  now = new Date(now.getTime() + 10_000);
  await pushes.runOnce();
  expect(pushes.failingIdentities()).toEqual([]);
});

test('a retry is logged at warn, a push given up at error, a delivery at debug', async () => {
  const { tokens } = await passWithQueuedPushes(2);
  const sender = scriptedSender({
    [tokens[0] as string]: [
      { ok: false, status: 500, reason: 'InternalServerError' },
      { ok: false, status: 500, reason: 'InternalServerError' },
    ],
  });
  const events: PushEvent[] = [];
  const pushes = worker(sender, events, 2);
  await pushes.runOnce();
  now = new Date(now.getTime() + 5000);
  await pushes.runOnce();
  expect(events.map((event) => `${event.event} ${PUSH_EVENT_LEVEL[event.event]}`).sort()).toEqual([
    'push.dead error',
    'push.delivered debug',
    'push.retry warn',
  ]);
});

describe('running, with batches in flight', () => {
  function runningWorker(workerStore: Store, sender: ReturnType<typeof scriptedSender>) {
    return createPushWorker({
      store: workerStore,
      senderFor: async () => ({ key: 'identity-1', sender }),
      pushType: 'background',
      priority: 5,
      maxAttempts: 3,
      batchSize: 2,
      batchesInFlight: 2,
      pollIntervalMs: 10,
      clock: () => now,
    });
  }

  /** The store, noting for each claim how many outcomes it recorded. */
  function countingClaims(): { counting: Store; claims: number[] } {
    const claims: number[] = [];
    const counting: Store = Object.create(store, {
      claimPushes: {
        value: (options: Parameters<Store['claimPushes']>[0]) => (claims.push(options.finished?.length ?? 0), store.claimPushes(options)),
      },
    }) as Store;
    return { counting, claims };
  }

  test("sends every push once and records each batch's outcomes with a later claim", async () => {
    const { serial, tokens } = await passWithQueuedPushes(7);
    const sender = scriptedSender();
    const { counting, claims } = countingClaims();
    const pushes = runningWorker(counting, sender);
    pushes.start();
    await until(async () => (await store.pushSummary(serial)).delivered === 7);
    await pushes.stop();
    expect(sender.sent.map((request) => request.pushToken).sort()).toEqual([...tokens].sort());
    // Outcomes rode along with claims (one commit for both) rather than each batch writing its own.
    expect(claims.some((finished) => finished > 0)).toBe(true);
  });

  test("claims the next batch once a batch's worth is answered, whichever batches those were in", async () => {
    const { serial } = await passWithQueuedPushes(6);
    const held: (() => void)[] = [];
    const holding = {
      sent: [] as PushRequest[],
      send(request: PushRequest): Promise<PushResult> {
        holding.sent.push(request);
        return new Promise((resolve) => held.push(() => resolve({ ok: true, status: 200, apnsId: 'id' })));
      },
    };
    const { counting, claims } = countingClaims();
    const pushes = runningWorker(counting, holding);
    pushes.start();
    // Two batches of two fill the four slots; nothing more is claimed while all four wait.
    await until(async () => holding.sent.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(claims).toHaveLength(2);
    // One push of each batch answers: neither batch is done, but there is room for a batch.
    held[0]!();
    held[2]!();
    await until(async () => holding.sent.length === 6);
    // That claim recorded the two answered pushes.
    expect(claims[2]).toBe(2);
    for (const answer of held.slice(1)) answer();
    await until(async () => (await store.pushSummary(serial)).delivered === 6);
    await pushes.stop();
  });

  test('a crash before the outcomes are written re-sends at most the batches in flight, and loses none', async () => {
    const { serial, tokens } = await passWithQueuedPushes(7);
    const sender = scriptedSender();
    let crashed = false;
    // The process "dies" at its first claim that carries outcomes: that commit and every write after it never happen.
    const dying: Store = Object.create(store, {
      claimPushes: {
        value: (options: Parameters<Store['claimPushes']>[0]) => {
          if (crashed || (options.finished?.length ?? 0) > 0) crashed = true;
          return crashed ? Promise.reject(new Error('crashed')) : store.claimPushes(options);
        },
      },
      finishPushes: { value: () => Promise.reject(new Error('crashed')) },
    }) as Store;
    const first = runningWorker(dying, sender);
    first.start();
    await until(async () => crashed);
    await first.stop();
    const sentBeforeCrash = sender.sent.length;
    expect(sentBeforeCrash).toBeLessThanOrEqual(2 * 2);

    now = new Date(now.getTime() + 61_000);
    const restarted = worker(sender);
    while ((await restarted.runOnce()) > 0);
    expect(await store.pushSummary(serial)).toMatchObject({ delivered: 7, pending: 0 });
    const sends = new Map<string, number>();
    for (const request of sender.sent) sends.set(request.pushToken, (sends.get(request.pushToken) ?? 0) + 1);
    expect([...sends.keys()].sort()).toEqual([...tokens].sort());
    // Only the pushes sent before the crash (their outcomes unwritten) went twice.
    expect([...sends.values()].filter((count) => count > 1).length).toBe(sentBeforeCrash);
  });
});

test("a pass's next Google sync goes as soon as the one before it ends, not a poll later", async () => {
  const { serial } = await passWithQueuedPushes(0);
  const synced: string[] = [];
  let endFirst = () => {};
  const firstRuns = new Promise<void>((resolve) => (endFirst = resolve));
  let claims = 0;
  const counting = Object.create(store, {
    claimPushes: { value: (options: Parameters<Store['claimPushes']>[0]) => (claims++, store.claimPushes(options)) },
  }) as Store;
  const pushes = createPushWorker({
    store: counting,
    senderFor: async () => ({ key: 'identity-1', sender: scriptedSender() }),
    pushType: 'background',
    priority: 5,
    maxAttempts: 3,
    batchesInFlight: 2,
    // Far longer than the test: only a look taken at once can find the second sync.
    pollIntervalMs: 600_000,
    clock: () => now,
    googleSync: async (job) => {
      synced.push(job.id);
      if (synced.length === 1) await firstRuns;
      return { ok: true, status: 200, apnsId: null };
    },
  });
  await store.queueGoogleSync('ten_w', serial, now.toISOString());
  pushes.start();
  await until(async () => synced.length === 1);
  // The pass changes while its sync runs: the change's sync is queued and the worker woken, and
  // its claim leaves the sync waiting.
  await store.queueGoogleSync('ten_w', serial, now.toISOString());
  const claimsBefore = claims;
  pushes.wake();
  await until(async () => claims > claimsBefore);
  expect(synced).toHaveLength(1);
  endFirst();
  await until(async () => synced.length === 2);
  await pushes.stop();
  expect(new Set(synced).size).toBe(2);
  expect((await store.claimPushes({ now: now.toISOString(), leaseUntil: now.toISOString(), limit: 10 })).length).toBe(0);
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
