import { randomUUID } from 'node:crypto';
import type { OutboxHealth, PushJob } from '../../store-port';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, END_OF_TIME } from './fixtures';

/** What the outbox reports about itself and about one pass's pushes. */
export function describeOutboxHealthConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, changed, registered, claim, drainOutbox } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('outbox health', () => {
    beforeEach(drainOutbox);

    type UnfinishedCounts = Pick<OutboxHealth, 'pending' | 'leased' | 'expiredLeases' | 'orphaned'>;

    /** Health at `now` minus what the rows of earlier tests (all leased for good by drainOutbox) add. */
    async function healthSince(now: string, before: OutboxHealth): Promise<UnfinishedCounts> {
      const after = await store.outboxHealth(now, END_OF_TIME);
      return {
        pending: after.pending - before.pending,
        leased: after.leased - before.leased,
        expiredLeases: after.expiredLeases - before.expiredLeases,
        orphaned: after.orphaned - before.orphaned,
      };
    }

    it('counts the pushes given up since a time, not those that ended because the device is gone', async () => {
      const since = at(7000);
      const before = await store.outboxHealth(at(7000), since);
      const pass = await insertedPass((await tenant()).id);
      for (let i = 0; i < 4; i++) await registered(pass);
      await changed(pass, { updatedAt: at(7000) });
      const [gone, givenUp, earlier, delivered] = (await claim(7000)) as [PushJob, PushJob, PushJob, PushJob];
      await store.finishPushes([
        { id: gone.id, state: 'dead', at: at(7003), detail: '410 Unregistered' },
        { id: givenUp.id, state: 'dead', at: at(7002), detail: '500 InternalServerError', givenUp: true },
        { id: earlier.id, state: 'dead', at: at(6999), detail: '503 ServiceUnavailable', givenUp: true },
        { id: delivered.id, state: 'delivered', at: at(7004), detail: null },
      ]);
      const after = await store.outboxHealth(at(7005), since);
      expect(after.givenUp - before.givenUp).toBe(1);
      expect(after.lastGivenUp).toEqual({ serialNumber: pass.serialNumber, at: at(7002), detail: '500 InternalServerError' });
      expect((await store.outboxHealth(at(7005), at(7003))).lastGivenUp).toBeNull();
    });

    it('counts waiting, leased, expired and orphaned pushes', async () => {
      const before = await store.outboxHealth(at(200), END_OF_TIME);
      const pass = await insertedPass((await tenant()).id);
      const registrations = [await registered(pass), await registered(pass), await registered(pass)];
      await changed(pass, { updatedAt: at(100) });
      expect(await healthSince(at(200), before)).toEqual({ pending: 3, leased: 0, expiredLeases: 0, orphaned: 0 });
      expect(await store.claimPushes({ now: at(100), leaseUntil: at(150), limit: 2 })).toHaveLength(2);
      expect(await healthSince(at(120), before)).toEqual({ pending: 1, leased: 2, expiredLeases: 0, orphaned: 0 });
      expect(await healthSince(at(200), before)).toEqual({ pending: 1, leased: 2, expiredLeases: 2, orphaned: 0 });
      // The devices go: their waiting push with them; the two in flight are left to their worker, orphaned.
      for (const registration of registrations) await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber);
      expect(await healthSince(at(200), before)).toEqual({ pending: 0, leased: 2, expiredLeases: 2, orphaned: 2 });
    });

    it('keeps the waiting push while another pass is registered under the token, and drops it with the last', async () => {
      const pass = await insertedPass((await tenant()).id);
      const registration = await registered(pass);
      const sibling = await insertedPass(pass.tenantId);
      await registered(sibling, { deviceLibraryIdentifier: registration.deviceLibraryIdentifier, pushToken: registration.pushToken });
      await changed(pass, { updatedAt: at(100) });
      const [job] = (await claim(100)) as [PushJob];
      await store.retryPush(job.id, { availableAt: at(200), detail: '503 ServiceUnavailable' });
      expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber)).toBe(true);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1 });
      expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, sibling.serialNumber)).toBe(true);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 0 });
      expect(await claim(1000)).toEqual([]);
    });

    it('drops the waiting push of a token whose registrations APNs removed', async () => {
      const pass = await insertedPass((await tenant()).id);
      const registration = await registered(pass);
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      const [inFlight] = (await claim(100)) as [PushJob];
      await changed(second, { updatedAt: at(110) });
      expect(await store.removeRegistrations(registration.pushToken, registration.passTypeIdentifier, END_OF_TIME)).toBe(1);
      await store.finishPushes([{ id: inFlight.id, state: 'dead', at: at(111), detail: '410 Unregistered' }]);
      expect(await claim(1000)).toEqual([]);
    });
  });

  describe('push summary', () => {
    beforeEach(drainOutbox);

    it('is empty for an unknown serial and for a pass never pushed', async () => {
      const pass = await insertedPass((await tenant()).id);
      const empty = { pending: 0, delivered: 0, failed: 0, lastAttemptAt: null, lastError: null };
      expect(await store.pushSummary(`missing-${randomUUID()}`)).toEqual(empty);
      expect(await store.pushSummary(pass.serialNumber)).toEqual(empty);
    });

    it('counts waiting and leased pushes as pending', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      await registered(pass);
      await changed(pass, { updatedAt: at(100) });
      await claim(100, 1);
      expect(await store.pushSummary(pass.serialNumber)).toEqual({
        pending: 2,
        delivered: 0,
        failed: 0,
        lastAttemptAt: null,
        lastError: null,
      });
    });

    it('counts delivered and failed pushes since the last change, with the last attempt and error', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      await registered(pass);
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      const [delivered, dead] = (await claim(100)) as [PushJob, PushJob];
      await store.finishPushes([{ id: delivered.id, state: 'delivered', at: at(101), detail: null }]);
      await store.finishPushes([{ id: dead.id, state: 'dead', at: at(102), detail: '410 Unregistered' }]);
      const afterPushes = { lastAttemptAt: at(102), lastError: '410 Unregistered' };
      expect(await store.pushSummary(pass.serialNumber)).toEqual({ pending: 0, delivered: 1, failed: 1, ...afterPushes });

      await changed(second, { updatedAt: at(200) });
      expect(await store.pushSummary(pass.serialNumber)).toEqual({ pending: 2, delivered: 0, failed: 0, ...afterPushes });
    });

    it('reports the reason of the latest retry while no push has died', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      await changed(pass, { updatedAt: at(100) });
      const [job] = (await claim(100)) as [PushJob];
      await store.retryPush(job.id, { availableAt: at(110), detail: '503 ServiceUnavailable' });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1, lastError: '503 ServiceUnavailable' });
      await claim(110);
      await store.retryPush(job.id, { availableAt: at(130), detail: '500 InternalServerError' });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1, lastError: '500 InternalServerError' });
    });

    it('moves lastAttemptAt with every attempt, retries included, but not when nothing was sent', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      await changed(pass, { updatedAt: at(100) });
      const [job] = (await claim(100)) as [PushJob];
      await store.retryPush(job.id, { availableAt: at(110), detail: '503 ServiceUnavailable', attemptedAt: at(101) });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1, lastAttemptAt: at(101) });
      await claim(110);
      await store.retryPush(job.id, { availableAt: at(400), detail: 'identity paused: BadCertificate' });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({
        pending: 1,
        lastAttemptAt: at(101),
        lastError: 'identity paused: BadCertificate',
      });
      await claim(400);
      await store.finishPushes([{ id: job.id, state: 'delivered', at: at(401), detail: null }]);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 0, delivered: 1, lastAttemptAt: at(401) });
    });

    it('keeps the attempt time of a retry merged into the push already waiting for its device', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      const [inFlight] = (await claim(100)) as [PushJob];
      await changed(second, { updatedAt: at(105) });
      await store.retryPush(inFlight.id, { availableAt: at(120), detail: '500 InternalServerError', attemptedAt: at(106) });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1, lastAttemptAt: at(106) });
      expect(await claim(106)).toEqual([{ ...inFlight, attempts: 2 }]);
    });

    it('prefers the reason of the latest dead push over a retry reason', async () => {
      const pass = await insertedPass((await tenant()).id);
      await registered(pass);
      await registered(pass);
      await changed(pass, { updatedAt: at(100) });
      const [retried, dead] = (await claim(100)) as [PushJob, PushJob];
      await store.finishPushes([{ id: dead.id, state: 'dead', at: at(101), detail: '400 BadDeviceToken' }]);
      await store.retryPush(retried.id, { availableAt: at(120), detail: '503 ServiceUnavailable' });
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1, failed: 1, lastError: '400 BadDeviceToken' });
    });
  });
}
