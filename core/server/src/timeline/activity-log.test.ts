import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ActivityEntry } from '../store/activity-port';
import type { SqlStore } from '../store/secret-columns';
import { createSqliteStore } from '../store/sqlite-store';
import { activityOf } from './activity-entries';
import { createActivityLog, type ActivityLogEvent } from './activity-log';

let dir: string;
let store: SqlStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-activity-'));
  store = createSqliteStore(join(dir, 'passmint.db'));
  await store.migrate();
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function newPass() {
  return { tenantId: randomUUID(), serialNumber: `serial-${randomUUID()}` };
}

function fetches(pass: { tenantId: string; serialNumber: string }, count: number, at?: Date): ActivityEntry[] {
  return Array.from({ length: count }, (_, i) => activityOf('web_service', pass, { call: 'fetch', status: 200 + i, deviceId: null }, at));
}

async function listed(pass: { tenantId: string; serialNumber: string }) {
  return store.listActivity(pass.tenantId, pass.serialNumber, { before: null, limit: 10_000 });
}

/** The real store, with its writes counted and, while `held`, made to wait. */
function gatedStore() {
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const batches: number[] = [];
  return {
    store: {
      async recordActivity(entries: readonly ActivityEntry[]) {
        batches.push(entries.length);
        await gate;
        await store.recordActivity(entries);
      },
      pruneActivity: (olderThan: string) => store.pruneActivity(olderThan),
    },
    batches,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

test('record() returns at once; flush writes the entries in batches, oldest first', async () => {
  const gated = gatedStore();
  const activity = createActivityLog({ store: gated.store, retentionDays: 30, batchSize: 4, flushIntervalMs: 60_000 });
  const pass = newPass();
  for (const entry of fetches(pass, 10)) activity.record(entry);
  await activity.close();
  expect(gated.batches).toEqual([4, 4, 2]);
  expect((await listed(pass)).map((record) => record.detail.status)).toEqual([209, 208, 207, 206, 205, 204, 203, 202, 201, 200]);
  expect(activity.stats()).toEqual({ buffered: 0, written: 10, dropped: 0 });
});

test('entries are written in the order they happened, whatever the order they were recorded in', async () => {
  const activity = createActivityLog({ store, retentionDays: 30, flushIntervalMs: 60_000 });
  const pass = newPass();
  const sentAt = new Date('2026-12-08T10:00:00.100Z');
  // The device fetched the pass before APNs's answer to the push reached the push worker.
  activity.record(activityOf('web_service', pass, { call: 'fetch', status: 200, deviceId: null }, new Date(sentAt.getTime() + 2)));
  activity.record(activityOf('push', pass, { deviceId: null, status: 200, apnsId: 'apns-1', reason: null, attempt: 1 }, sentAt));
  activity.record(activityOf('web_service', pass, { call: 'fetch', status: 304, deviceId: null }, new Date(sentAt.getTime() + 2)));
  await activity.close();
  // Newest first: the fetches after the push, and the two of the same moment in the order recorded.
  expect((await listed(pass)).map((record) => `${record.kind} ${record.detail.status}`)).toEqual([
    'web_service 304',
    'web_service 200',
    'push 200',
  ]);
});

test('a full batch is written without waiting for the interval', async () => {
  const gated = gatedStore();
  const activity = createActivityLog({ store: gated.store, retentionDays: 30, batchSize: 3, flushIntervalMs: 3_600_000 });
  const pass = newPass();
  for (const entry of fetches(pass, 3)) activity.record(entry);
  expect(gated.batches).toEqual([3]);
  await activity.close();
});

test('the interval writes a partial batch', async () => {
  const activity = createActivityLog({ store, retentionDays: 30, flushIntervalMs: 10 });
  const pass = newPass();
  activity.record(fetches(pass, 1)[0]!);
  for (let tries = 0; (await listed(pass)).length === 0; tries++) {
    if (tries > 500) throw new Error('the entry was never written');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await activity.close();
});

test('while the database is slow the buffer stays bounded: entries past it are dropped, counted and reported', async () => {
  const gated = gatedStore();
  const events: ActivityLogEvent[] = [];
  const activity = createActivityLog({
    store: gated.store,
    retentionDays: 30,
    batchSize: 5,
    maxBuffered: 20,
    log: (event) => events.push(event),
  });
  const pass = newPass();
  gated.hold();
  // The first full batch goes to the (held) database at once; 20 more fill the buffer.
  for (const entry of fetches(pass, 40)) activity.record(entry);
  expect(activity.stats()).toEqual({ buffered: 20, written: 0, dropped: 15 });
  gated.release();
  await activity.close();
  expect(activity.stats()).toEqual({ buffered: 0, written: 25, dropped: 15 });
  expect(await listed(pass)).toHaveLength(25);
  expect(events).toContainEqual({ event: 'timeline.dropped', dropped: 15, reason: 'buffer_full' });
});

test('a batch the database refuses is dropped and reported; later batches are written', async () => {
  const events: ActivityLogEvent[] = [];
  let failures = 1;
  const activity = createActivityLog({
    store: {
      async recordActivity(entries) {
        if (failures-- > 0) throw new Error('database away');
        await store.recordActivity(entries);
      },
      pruneActivity: (olderThan) => store.pruneActivity(olderThan),
    },
    retentionDays: 30,
    batchSize: 2,
    log: (event) => events.push(event),
  });
  const pass = newPass();
  for (const entry of fetches(pass, 4)) activity.record(entry);
  await activity.close();
  expect(activity.stats()).toMatchObject({ written: 2, dropped: 2 });
  expect(events).toContainEqual({ event: 'timeline.dropped', dropped: 2, reason: 'write_failed' });
});

test('close() writes what is buffered; entries recorded after it are dropped', async () => {
  const activity = createActivityLog({ store, retentionDays: 30, flushIntervalMs: 3_600_000 });
  const pass = newPass();
  for (const entry of fetches(pass, 3)) activity.record(entry);
  await activity.close();
  activity.record(fetches(pass, 1)[0]!);
  expect(await listed(pass)).toHaveLength(3);
  expect(activity.stats()).toEqual({ buffered: 0, written: 3, dropped: 1 });
});

test('prune() forgets entries past the retention and keeps the rest', async () => {
  const now = new Date('2031-03-31T12:00:00.000Z');
  const day = 24 * 60 * 60_000;
  const events: ActivityLogEvent[] = [];
  const activity = createActivityLog({ store, retentionDays: 30, clock: () => now, log: (event) => events.push(event) });
  const pass = newPass();
  const old = fetches(pass, 2, new Date(now.getTime() - 31 * day));
  const recent = fetches(pass, 1, new Date(now.getTime() - 29 * day));
  for (const entry of [...old, ...recent]) activity.record(entry);
  await activity.flush();
  expect(await activity.prune()).toBeGreaterThanOrEqual(2);
  expect((await listed(pass)).map((record) => record.at)).toEqual([recent[0]!.at]);
  expect(events).toContainEqual(expect.objectContaining({ event: 'timeline.pruned' }));
  await activity.close();
});
