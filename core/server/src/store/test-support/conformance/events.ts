import { randomUUID } from 'node:crypto';
import { deviceIdOf, googleDeviceIdOf } from '../../../events/device-id';
import type { EventRecord } from '../../../events/event-types';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, END_OF_TIME, newPass, unlimited, updateOf } from './fixtures';

/** The event log: every change writes its event with it, and a tenant reads only its own. */
export function describeEventConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, changed, registered } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  const eventsOf = async (tenantId: string, after: string | null = null, limit = 100) => {
    await context.eventsListed();
    return store.listEvents({ tenantId, after, limit, types: null });
  };
  const shapes = (events: EventRecord[]) => events.map((event) => ({ type: event.type, data: event.data }));

  describe('events', () => {
    it('writes pass.created, pass.updated and pass.voided with the pass writes, oldest first', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const { pass: second } = await changed(pass);
      await changed(second, { voided: true });
      const events = await eventsOf(owner.id);
      expect(shapes(events)).toEqual([
        { type: 'pass.created', data: { serialNumber: pass.serialNumber, version: 1 } },
        { type: 'pass.updated', data: { serialNumber: pass.serialNumber, version: 2 } },
        { type: 'pass.voided', data: { serialNumber: pass.serialNumber, version: 3 } },
      ]);
      expect(events.map((event) => event.tenantId)).toEqual([owner.id, owner.id, owner.id]);
      expect(events[0]?.createdAt).toBe(pass.createdAt);
      expect(new Set(events.map((event) => event.id)).size).toBe(3);
      expect([...events.map((event) => event.id)].sort()).toEqual(events.map((event) => event.id));
    });

    it('writes no event for a write that did not happen', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const stale = await store.updatePass(updateOf(pass, { expectedVersion: pass.version + 5 }), unlimited);
      expect(stale).toMatchObject({ ok: false, reason: 'version_conflict' });
      const taken = await store.insertPass(newPass(owner.id, { serialNumber: pass.serialNumber }), unlimited);
      expect(taken).toMatchObject({ ok: false, reason: 'serial_taken' });
      expect((await eventsOf(owner.id)).map((event) => event.type)).toEqual(['pass.created']);
    });

    it("pages with the cursor, filters by type, and never shows another tenant's events", async () => {
      const owner = await tenant();
      const stranger = await tenant();
      const first = await insertedPass(owner.id);
      await insertedPass(stranger.id);
      await changed(first);
      const second = await insertedPass(owner.id);
      const all = await eventsOf(owner.id);
      expect(all.map((event) => [event.type, event.data.serialNumber])).toEqual([
        ['pass.created', first.serialNumber],
        ['pass.updated', first.serialNumber],
        ['pass.created', second.serialNumber],
      ]);
      const page = await eventsOf(owner.id, null, 2);
      expect(page.map((event) => event.id)).toEqual(all.slice(0, 2).map((event) => event.id));
      expect((await eventsOf(owner.id, page[1]?.id ?? null)).map((event) => event.id)).toEqual([all[2]?.id]);
      expect(await eventsOf(owner.id, all[2]?.id ?? null)).toEqual([]);
      const created = await store.listEvents({ tenantId: owner.id, after: null, limit: 10, types: ['pass.created'] });
      expect(created.map((event) => event.data.serialNumber)).toEqual([first.serialNumber, second.serialNumber]);
      expect((await eventsOf(stranger.id)).map((event) => event.tenantId)).toEqual([stranger.id]);
    });

    it('lists the newest events first, before a cursor, filtered by type', async () => {
      const owner = await tenant();
      const first = await insertedPass(owner.id);
      await changed(first);
      const second = await insertedPass(owner.id);
      await insertedPass((await tenant()).id);
      const recent = async (before: string | null, limit: number, types: EventRecord['type'][] | null = null) => {
        await context.eventsListed();
        return store.listRecentEvents({ tenantId: owner.id, before, limit, types });
      };
      const newest = await recent(null, 2);
      expect(newest.map((event) => [event.type, event.data.serialNumber])).toEqual([
        ['pass.created', second.serialNumber],
        ['pass.updated', first.serialNumber],
      ]);
      expect((await recent(newest[1]?.id ?? null, 10)).map((event) => event.type)).toEqual(['pass.created']);
      expect((await recent(null, 10, ['pass.created'])).map((event) => event.data.serialNumber)).toEqual([
        second.serialNumber,
        first.serialNumber,
      ]);
      expect((await eventsOf(owner.id)).map((event) => event.id)).toEqual((await recent(null, 10)).map((event) => event.id).reverse());
    });

    it('writes pass.installed for a new registration only, and pass.removed when it goes', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const apple = await registered(pass);
      await store.registerDevice({ ...apple, at: at(9) });
      const android = await registered(pass, { client: 'android', clientName: 'Pass2U' });
      await store.unregisterDevice(apple.deviceLibraryIdentifier, pass.serialNumber);
      await store.unregisterDevice(apple.deviceLibraryIdentifier, pass.serialNumber);
      const events = (await eventsOf(owner.id)).slice(1);
      expect(shapes(events)).toEqual([
        {
          type: 'pass.installed',
          data: { serialNumber: pass.serialNumber, platform: 'apple', deviceId: deviceIdOf(apple.deviceLibraryIdentifier) },
        },
        {
          type: 'pass.installed',
          data: { serialNumber: pass.serialNumber, platform: 'android', deviceId: deviceIdOf(android.deviceLibraryIdentifier) },
        },
        {
          type: 'pass.removed',
          data: {
            serialNumber: pass.serialNumber,
            platform: 'apple',
            deviceId: deviceIdOf(apple.deviceLibraryIdentifier),
            reason: 'unregistered',
          },
        },
      ]);
      expect(JSON.stringify(events)).not.toContain(apple.pushToken);
    });

    it('writes pass.removed for each registration APNs said is gone', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const other = await insertedPass(owner.id);
      const device = await registered(pass);
      await registered(other, { deviceLibraryIdentifier: device.deviceLibraryIdentifier, pushToken: device.pushToken });
      expect(await store.removeRegistrations(device.pushToken, pass.passTypeIdentifier, END_OF_TIME)).toBe(2);
      const removed = (await eventsOf(owner.id)).filter((event) => event.type === 'pass.removed');
      expect(removed.map((event) => event.data).sort(bySerial)).toEqual(
        [pass, other]
          .map((each) => ({
            serialNumber: each.serialNumber,
            platform: 'apple',
            deviceId: deviceIdOf(device.deviceLibraryIdentifier),
            reason: 'device_gone',
          }))
          .sort(bySerial),
      );
    });

    it('writes Google saves and deletes once per callback nonce', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const save = { nonce: randomUUID(), serialNumber: pass.serialNumber, eventType: 'save' as const, at: at(30) };
      expect(await store.recordGoogleCallback(save)).toBe(true);
      expect(await store.recordGoogleCallback(save)).toBe(false);
      const del = { nonce: randomUUID(), serialNumber: pass.serialNumber, eventType: 'del' as const, at: at(31) };
      await store.recordGoogleCallback(del);
      await store.recordGoogleCallback({ ...del, nonce: randomUUID(), serialNumber: `missing-${randomUUID()}` });
      expect(shapes((await eventsOf(owner.id)).slice(1))).toEqual([
        { type: 'pass.installed', data: { serialNumber: pass.serialNumber, platform: 'google', deviceId: googleDeviceIdOf(save.nonce) } },
        {
          type: 'pass.removed',
          data: { serialNumber: pass.serialNumber, platform: 'google', deviceId: googleDeviceIdOf(del.nonce), reason: 'google_deleted' },
        },
      ]);
    });

    it('writes delivery.failed for a push given up, not for one delivered or ended by a gone device', async () => {
      await context.drainOutbox();
      const { pass, apple } = await context.registeredPass(3);
      await changed(pass);
      const jobs = (await context.claim(100)).filter((job) => job.serialNumber === pass.serialNumber);
      expect(jobs).toHaveLength(3);
      const [given, delivered, gone] = jobs;
      await store.finishPushes([
        { id: given!.id, state: 'dead', at: at(101), detail: '500 InternalServerError', givenUp: true },
        { id: delivered!.id, state: 'delivered', at: at(101), detail: null },
        { id: gone!.id, state: 'dead', at: at(101), detail: '410 Unregistered' },
      ]);
      const device = apple.find((registration) => registration.pushToken === given!.pushToken)!;
      const failed = (await eventsOf(pass.tenantId)).filter((event) => event.type === 'delivery.failed');
      expect(shapes(failed)).toEqual([
        {
          type: 'delivery.failed',
          data: {
            serialNumber: pass.serialNumber,
            channel: 'apns',
            deviceId: deviceIdOf(device.deviceLibraryIdentifier),
            reason: '500 InternalServerError',
            attempts: 1,
          },
        },
      ]);
      expect(failed[0]?.createdAt).toBe(at(101));
    });

    it('writes delivery.failed for a Google sync given up, naming no device', async () => {
      await context.drainOutbox();
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      await store.queueGoogleSync(owner.id, pass.serialNumber, at(50));
      const [sync] = (await context.claim(100)).filter((job) => job.serialNumber === pass.serialNumber);
      await store.finishPushes([{ id: sync!.id, state: 'dead', at: at(101), detail: '503 UNAVAILABLE', givenUp: true }]);
      const failed = (await eventsOf(owner.id)).filter((event) => event.type === 'delivery.failed');
      expect(failed.map((event) => event.data)).toEqual([
        { serialNumber: pass.serialNumber, channel: 'google', reason: '503 UNAVAILABLE', attempts: 1 },
      ]);
    });

    it("lists a pass's events newest first, before a cursor", async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      await insertedPass(owner.id);
      const { pass: second } = await changed(pass);
      await changed(second);
      const newest = await store.listPassEvents(owner.id, pass.serialNumber, { before: null, limit: 2 });
      expect(newest.map((event) => event.data.version)).toEqual([3, 2]);
      const older = await store.listPassEvents(owner.id, pass.serialNumber, { before: newest[1]?.id ?? null, limit: 10 });
      expect(older.map((event) => event.type)).toEqual(['pass.created']);
      expect(await store.listPassEvents((await tenant()).id, pass.serialNumber, { before: null, limit: 10 })).toEqual([]);
    });

    it('prunes old events, but not one a webhook delivery still waits for', async () => {
      const owner = await tenant();
      const endpoint = await store.createWebhookEndpoint(
        {
          id: `whk_${randomUUID()}`,
          tenantId: owner.id,
          url: 'https://example.com/hook',
          secret: 'whsec_dGVzdA==',
          events: ['pass.updated'],
          description: null,
          createdAt: at(0),
        },
        10,
      );
      expect(endpoint).not.toBeNull();
      const pass = await insertedPass(owner.id, { createdAt: at(-100_000) });
      await changed(pass, { updatedAt: at(-90_000) });
      expect(await store.pruneEvents(at(-50_000))).toBeGreaterThanOrEqual(1);
      expect((await eventsOf(owner.id)).map((event) => event.type)).toEqual(['pass.updated']);
    });
  });
}

function bySerial(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return String(a.serialNumber).localeCompare(String(b.serialNumber));
}
