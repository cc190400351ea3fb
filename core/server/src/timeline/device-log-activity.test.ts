import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewPass } from '@passmint/engine';
import type { ActivityEntry } from '../store/activity-port';
import type { SqlStore } from '../store/secret-columns';
import { createSqliteStore } from '../store/sqlite-store';
import { newPass, tenantIn } from '../store/test-support/store-builders';
import { attachDeviceLogs, DEVICE_LOG_LIMITS, serialsNamedIn } from './device-log-activity';

let dir: string;
let store: SqlStore;
let tenantId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-device-log-'));
  store = createSqliteStore(join(dir, 'passmint.db'));
  await store.migrate();
  tenantId = await tenantIn(store);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function passes(count: number): Promise<NewPass[]> {
  const made: NewPass[] = [];
  for (let i = 0; i < count; i++) {
    const pass = newPass(tenantId, { passTypeIdentifier: 'pass.com.example' });
    await store.insertPass(pass, { month: '2025-06', quota: null });
    made.push(pass);
  }
  return made;
}

async function attached(messages: string[]): Promise<ActivityEntry[]> {
  const recorded: ActivityEntry[] = [];
  await attachDeviceLogs(messages, store, { record: (entry) => recorded.push(entry) });
  return recorded;
}

test('finds the serials a message names: Wallet’s wording, <pass type>/<serial>, and words that look like serials', () => {
  expect(serialsNamedIn('Get pass task (pass type pass.com.x, serial number ABC-123, if-modified-since (null))')).toEqual({
    explicit: [{ passTypeIdentifier: null, serialNumber: 'ABC-123' }],
    // Long words are candidates too; a lookup that finds no pass costs one indexed read.
    bare: ['ABC-123', 'if-modified-since'],
  });
  expect(serialsNamedIn('GET https://h.example/apple/v1/passes/pass.com.x/sq_1234567890. failed').explicit).toContainEqual({
    passTypeIdentifier: 'pass.com.x',
    serialNumber: 'sq_1234567890',
  });
  // Words are taken for serials only from 6 characters, with a digit or from 16 characters.
  expect(serialsNamedIn('an error 401 occurred for ORDER-42 and zzzzzzzzzzzzzzzzzz').bare).toEqual(['ORDER-42', 'zzzzzzzzzzzzzzzzzz']);
});

test('a message naming a pass of another type by <type>/<serial> is not shown on it', async () => {
  const [pass] = (await passes(1)) as [NewPass];
  const short = `pass.com.other/${pass.serialNumber}`;
  const recorded = await attached([`Web service error for ${short}`]);
  // The serial alone is named too (it is long enough), so the message shows once, by that.
  expect(recorded.map((entry) => entry.serialNumber)).toEqual([pass.serialNumber]);
  expect(await attached(['pass.com.other/ab12'])).toEqual([]);
});

test('one message shows on a few passes at most', async () => {
  const made = await passes(DEVICE_LOG_LIMITS.passesPerMessage + 2);
  const recorded = await attached([`several: ${made.map((pass) => pass.serialNumber).join(' ')}`]);
  expect(recorded).toHaveLength(DEVICE_LOG_LIMITS.passesPerMessage);
});

test('one post shows a bounded number of messages on one pass', async () => {
  const [pass] = (await passes(1)) as [NewPass];
  const messages = Array.from({ length: DEVICE_LOG_LIMITS.messagesPerPass + 5 }, (_, i) => `try ${i}: ${pass.serialNumber}`);
  const recorded = await attached(messages);
  expect(recorded).toHaveLength(DEVICE_LOG_LIMITS.messagesPerPass);
  expect(recorded.map((entry) => entry.detail.message)).toEqual(messages.slice(0, DEVICE_LOG_LIMITS.messagesPerPass));
  expect(recorded.every((entry) => entry.kind === 'device_log' && entry.tenantId === tenantId)).toBe(true);
});

test('one post looks up a bounded number of serials', async () => {
  const [pass] = (await passes(1)) as [NewPass];
  const decoys = Array.from({ length: DEVICE_LOG_LIMITS.lookupsPerPost }, (_, i) => `decoy-serial-${i}`);
  expect(await attached([decoys.join(' '), `late: ${pass.serialNumber}`])).toEqual([]);
  expect(await attached([`early: ${pass.serialNumber}`, decoys.join(' ')])).toHaveLength(1);
});
