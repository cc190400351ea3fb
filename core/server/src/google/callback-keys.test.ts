import { startSwitchableJsonServer, type SwitchableJsonServer } from '../test-support/switchable-json-server';
import { createCallbackKeys, GoogleKeysUnavailableError } from './callback-keys';

const KEYS = [{ keyValue: 'MFkw', protocolVersion: 'ECv2SigningOnly' }];

let endpoint: SwitchableJsonServer;
let now: number;

beforeEach(async () => {
  endpoint = await startSwitchableJsonServer('hang');
  now = 1_000_000;
});
afterEach(() => endpoint.close());

function keysFrom(options: { timeoutMs?: number } = {}) {
  return createCallbackKeys(endpoint.url, {
    now: () => now,
    retryAfterFailureMs: 60_000,
    ttlMs: 3_600_000,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

/** What each of `count` concurrent calls ended with. */
function settleAll(count: number, call: () => Promise<unknown>) {
  return Promise.allSettled(Array.from({ length: count }, call));
}

test('50 concurrent callers while the key list hangs: one fetch, and all are told when to retry', async () => {
  const keys = keysFrom({ timeoutMs: 500 });
  const outcomes = await settleAll(50, () => keys.keys());
  expect(endpoint.requests()).toBe(1);
  for (const outcome of outcomes) {
    expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(GoogleKeysUnavailableError) });
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'google_keys_unavailable', retryAfterSeconds: 60 });
  }
});

test('after a failure no fetch for a minute, however many callbacks come; then one, whose keys are kept for the hour', async () => {
  endpoint.set({ status: 500, body: { error: 'down' } });
  const keys = keysFrom();
  await expect(keys.keys()).rejects.toBeInstanceOf(GoogleKeysUnavailableError);
  endpoint.set({ status: 200, body: { keys: KEYS } });
  now += 59_000;
  const refused = await settleAll(50, () => keys.keys());
  expect(
    refused.every((outcome) => outcome.status === 'rejected' && (outcome.reason as GoogleKeysUnavailableError).retryAfterSeconds === 1),
  ).toBe(true);
  expect(endpoint.requests()).toBe(1);

  now += 1_000;
  const fetched = await settleAll(50, () => keys.keys());
  expect(fetched.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
  expect(await keys.keys()).toEqual(KEYS);
  now += 3_599_999;
  await keys.keys();
  expect(endpoint.requests()).toBe(2);
});

test('when a refresh fails, the last good list stays in use and the next refresh waits its minute', async () => {
  endpoint.set({ status: 200, body: { keys: KEYS } });
  const keys = keysFrom();
  expect(await keys.keys()).toEqual(KEYS);
  endpoint.set({ status: 503, body: {} });
  now += 3_600_000;
  expect(await keys.keys()).toEqual(KEYS);
  expect(await keys.keys()).toEqual(KEYS);
  expect(endpoint.requests()).toBe(2);
  now += 60_000;
  endpoint.set({ status: 200, body: { keys: [] } });
  expect(await keys.keys()).toEqual([]);
  expect(endpoint.requests()).toBe(3);
});

test('an answer without a key list counts as a failure', async () => {
  const keys = keysFrom();
  endpoint.set({ status: 200, body: 'not json' });
  await expect(keys.keys()).rejects.toBeInstanceOf(GoogleKeysUnavailableError);
});
