import { randomUUID } from 'node:crypto';
import type { ActivityEntry } from '../../activity-port';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at } from './fixtures';

function entry(tenantId: string, serialNumber: string, seconds: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    tenantId,
    serialNumber,
    at: at(seconds),
    kind: 'web_service',
    detail: { call: 'fetch', status: 200, deviceId: null, n: seconds },
    ...overrides,
  };
}

/** The pass activity log behind the timeline: batches, newest-first pages, pruning by age. */
export function describeActivityConformance(context: StoreUnderTest): void {
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('pass activity', () => {
    it('records a batch and lists it newest first, detail and all', async () => {
      const tenantId = randomUUID();
      const serial = `serial-${randomUUID()}`;
      await store.recordActivity([
        entry(tenantId, serial, 1),
        entry(tenantId, serial, 2, { kind: 'push', detail: { deviceId: 'dev_1', status: 200, apnsId: 'a', reason: null, attempt: 1 } }),
        entry(tenantId, serial, 3, { kind: 'device_log', detail: { message: 'héllo "quoted"' } }),
      ]);
      const listed = await store.listActivity(tenantId, serial, { before: null, limit: 10 });
      expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual([
        entry(tenantId, serial, 3, { kind: 'device_log', detail: { message: 'héllo "quoted"' } }),
        entry(tenantId, serial, 2, { kind: 'push', detail: { deviceId: 'dev_1', status: 200, apnsId: 'a', reason: null, attempt: 1 } }),
        entry(tenantId, serial, 1),
      ]);
      const ids = listed.map((record) => BigInt(record.id));
      expect(ids[0]! > ids[1]! && ids[1]! > ids[2]!).toBe(true);
    });

    it('records nothing for an empty batch', async () => {
      await expect(store.recordActivity([])).resolves.toBeUndefined();
    });

    it('pages on with `before` and honours the limit', async () => {
      const tenantId = randomUUID();
      const serial = `serial-${randomUUID()}`;
      await store.recordActivity(Array.from({ length: 5 }, (_, i) => entry(tenantId, serial, i)));
      const first = await store.listActivity(tenantId, serial, { before: null, limit: 2 });
      expect(first.map((record) => record.detail.n)).toEqual([4, 3]);
      const second = await store.listActivity(tenantId, serial, { before: first[1]!.id, limit: 2 });
      expect(second.map((record) => record.detail.n)).toEqual([2, 1]);
      const last = await store.listActivity(tenantId, serial, { before: second[1]!.id, limit: 2 });
      expect(last.map((record) => record.detail.n)).toEqual([0]);
      expect(await store.listActivity(tenantId, serial, { before: last[0]!.id, limit: 2 })).toEqual([]);
    });

    it("keeps passes and tenants apart: another tenant's entries under the same serial are not listed", async () => {
      const tenantId = randomUUID();
      const serial = `serial-${randomUUID()}`;
      await store.recordActivity([
        entry(tenantId, serial, 1),
        entry(randomUUID(), serial, 2),
        entry(tenantId, `serial-${randomUUID()}`, 3),
      ]);
      expect((await store.listActivity(tenantId, serial, { before: null, limit: 10 })).map((record) => record.at)).toEqual([at(1)]);
    });

    it('prunes entries older than the cut-off and keeps the rest', async () => {
      const tenantId = randomUUID();
      const serial = `serial-${randomUUID()}`;
      // Far older than any other test's entries, so the count is this test's alone.
      const old = (day: number) => `1990-01-0${day}T00:00:00.000Z`;
      await store.recordActivity([
        entry(tenantId, serial, 0, { at: old(1) }),
        entry(tenantId, serial, 0, { at: old(2) }),
        entry(tenantId, serial, 0, { at: old(4) }),
      ]);
      expect(await store.pruneActivity(old(3))).toBe(2);
      expect((await store.listActivity(tenantId, serial, { before: null, limit: 10 })).map((record) => record.at)).toEqual([old(4)]);
      expect(await store.pruneActivity(old(3))).toBe(0);
    });

    it('finds the device registered with each push token, leaving unknown tokens out', async () => {
      const { apple } = await context.registeredPass(2);
      const [first, second] = apple as [(typeof apple)[number], (typeof apple)[number]];
      const found = await store.findDevicesByPushToken([first.pushToken, second.pushToken, first.pushToken, 'no-such-token']);
      expect(found).toEqual(
        new Map([
          [first.pushToken, first.deviceLibraryIdentifier],
          [second.pushToken, second.deviceLibraryIdentifier],
        ]),
      );
      expect(await store.findDevicesByPushToken([])).toEqual(new Map());
    });
  });
}
