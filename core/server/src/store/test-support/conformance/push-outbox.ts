import type { PassRecord } from '@passmint/engine';
import type { NewRegistration, PushJob } from '../../store-port';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, LEASE_SECONDS, MONTH, unlimited, updateOf } from './fixtures';

/** The push outbox: queueing, claiming, finishing, retrying and pruning pushes. */
export function describePushOutboxConformance(context: StoreUnderTest): void {
  const { insertedPass, changed, registered, registeredPass, claim, drainOutbox } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('push outbox', () => {
    beforeEach(drainOutbox);

    function jobFor(pass: PassRecord, registration: NewRegistration, createdAt: string, attempts = 1): PushJob {
      return {
        id: expect.any(String) as string,
        tenantId: pass.tenantId,
        serialNumber: pass.serialNumber,
        passTypeIdentifier: registration.passTypeIdentifier,
        pushToken: registration.pushToken,
        attempts,
        createdAt,
      };
    }

    it('queues nothing for a pass without registrations', async () => {
      const { pass } = await registeredPass(0);
      expect((await changed(pass, { updatedAt: at(100) })).queuedPushes).toBe(0);
      expect(await claim(1000)).toEqual([]);
    });

    it('queues one push per Apple registration when a pass changes, due from the change, none for Android', async () => {
      const { pass, apple } = await registeredPass(2, 1);
      expect((await changed(pass, { updatedAt: at(100) })).queuedPushes).toBe(2);
      expect(await claim(99)).toEqual([]);
      const jobs = await claim(100);
      expect(jobs).toHaveLength(2);
      expect(jobs).toEqual(expect.arrayContaining(apple.map((registration) => jobFor(pass, registration, at(100)))));
    });

    it('queues nothing when an update is refused', async () => {
      const { pass } = await registeredPass(1);
      await store.updatePass(updateOf(pass, { expectedVersion: 7 }), unlimited);
      await store.updatePass(updateOf(pass), { month: MONTH, quota: 0 });
      expect(await claim(1000)).toEqual([]);
    });

    it('coalesces changes into the push already waiting for the same token and topic', async () => {
      const { pass, apple } = await registeredPass(1);
      const [registration] = apple as [NewRegistration];
      const sibling = await insertedPass(pass.tenantId);
      await registered(sibling, { deviceLibraryIdentifier: registration.deviceLibraryIdentifier, pushToken: registration.pushToken });
      const second = await changed(pass, { updatedAt: at(100) });
      expect(second.queuedPushes).toBe(1);
      expect((await changed(second.pass, { updatedAt: at(101) })).queuedPushes).toBe(1);
      expect((await changed(sibling, { updatedAt: at(102) })).queuedPushes).toBe(1);
      expect(await claim(1000)).toEqual([jobFor(pass, registration, at(100))]);
    });

    it('queues a new push when the waiting one is already leased', async () => {
      const { pass, apple } = await registeredPass(1);
      const [registration] = apple as [NewRegistration];
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      const [leased] = await claim(100);
      expect((await changed(second, { updatedAt: at(110) })).queuedPushes).toBe(1);
      const [fresh, ...more] = await claim(110);
      expect(more).toEqual([]);
      expect(fresh).toEqual(jobFor(pass, registration, at(110)));
      expect(fresh?.id).not.toBe(leased?.id);
    });

    it('never hands out a push twice while its lease holds', async () => {
      const { pass } = await registeredPass(3);
      await changed(pass, { updatedAt: at(100) });
      const first = await claim(100, 2);
      const second = await claim(101, 2);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect(await claim(102)).toEqual([]);
      expect(new Set([...first, ...second].map((job) => job.id)).size).toBe(3);
    });

    it('hands a push out again once its lease has run out, counting the attempt', async () => {
      const { pass } = await registeredPass(1);
      await changed(pass, { updatedAt: at(100) });
      const [first] = await claim(100);
      expect(first?.attempts).toBe(1);
      expect(await claim(100 + LEASE_SECONDS)).toEqual([]);
      const [again] = await claim(101 + LEASE_SECONDS);
      expect(again).toEqual({ ...first, attempts: 2 });
    });

    it('claims the pushes that became due first, up to the limit', async () => {
      const late = await registeredPass(1);
      const early = await registeredPass(1);
      const middle = await registeredPass(1);
      await changed(late.pass, { updatedAt: at(130) });
      await changed(early.pass, { updatedAt: at(110) });
      await changed(middle.pass, { updatedAt: at(120) });
      expect((await claim(200, 2)).map((job) => job.serialNumber)).toEqual([early.pass.serialNumber, middle.pass.serialNumber]);
      expect((await claim(200, 2)).map((job) => job.serialNumber)).toEqual([late.pass.serialNumber]);
    });

    it('never hands out a finished push again', async () => {
      const { pass } = await registeredPass(2);
      await changed(pass, { updatedAt: at(100) });
      const [delivered, dead] = (await claim(100)) as [PushJob, PushJob];
      await store.finishPushes([{ id: delivered.id, state: 'delivered', at: at(101), detail: null }]);
      await store.finishPushes([{ id: dead.id, state: 'dead', at: at(102), detail: '400 BadDeviceToken' }]);
      expect(await claim(10_000)).toEqual([]);
    });

    it('records the outcomes handed to a claim before claiming, in one transaction', async () => {
      const { pass } = await registeredPass(3);
      await changed(pass, { updatedAt: at(100) });
      const [delivered, dead] = (await claim(100, 2)) as [PushJob, PushJob];
      const rest = await store.claimPushes({
        now: at(101),
        leaseUntil: at(101 + LEASE_SECONDS),
        limit: 10,
        finished: [
          { id: delivered.id, state: 'delivered', at: at(101), detail: null },
          { id: dead.id, state: 'dead', at: at(101), detail: '500 InternalServerError', givenUp: true },
        ],
      });
      expect(rest).toHaveLength(1);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ delivered: 1, failed: 1, pending: 1 });
      expect(await claim(101 + 2 * LEASE_SECONDS)).toEqual([{ ...rest[0], attempts: 2 }]);
    });

    it('prunes finished pushes older than the cut-off and nothing else', async () => {
      const { pass } = await registeredPass(3);
      await changed(pass, { updatedAt: at(100) });
      const [old, recent, waiting] = (await claim(100)) as [PushJob, PushJob, PushJob];
      await store.finishPushes([
        { id: old.id, state: 'dead', at: at(101), detail: '410 Unregistered' },
        { id: recent.id, state: 'delivered', at: at(300), detail: null },
      ]);
      // Other tests' finished pushes in this shared store may go too; this pass's old one must.
      expect(await store.prunePushes(at(200))).toBeGreaterThanOrEqual(1);
      expect(await store.prunePushes(at(200))).toBe(0);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ delivered: 1, failed: 0, pending: 1 });
      expect(waiting.serialNumber).toBe(pass.serialNumber);
    });

    it('puts a retried push back in line from availableAt, keeping its attempts', async () => {
      const { pass } = await registeredPass(1);
      await changed(pass, { updatedAt: at(100) });
      const [job] = (await claim(100)) as [PushJob];
      await store.retryPush(job.id, { availableAt: at(150), detail: '503 ServiceUnavailable' });
      expect(await claim(149)).toEqual([]);
      expect(await claim(150)).toEqual([{ ...job, attempts: 2 }]);
    });

    it('merges a change into the retry already waiting for the same token and topic, due no later than the change', async () => {
      const { pass, apple } = await registeredPass(1);
      const [registration] = apple as [NewRegistration];
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      const [job] = (await claim(100)) as [PushJob];
      await store.retryPush(job.id, { availableAt: at(130), detail: '429 TooManyRequests' });
      await changed(second, { updatedAt: at(110) });
      // The device is pushed when the change is due, not when the retry would have been, and once.
      expect(await claim(110)).toEqual([jobFor(pass, registration, at(100), 2)]);
      expect(await claim(110 + LEASE_SECONDS)).toEqual([]);
    });

    it('reaches a device registered while its pass waits for its fan-out, and not one that left', async () => {
      const { pass, apple } = await registeredPass(2);
      const [leaving, staying] = apple as [NewRegistration, NewRegistration];
      await changed(pass, { updatedAt: at(100) });
      expect(await store.unregisterDevice(leaving.deviceLibraryIdentifier, pass.serialNumber)).toBe(true);
      const joining = await registered(pass);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 2 });
      const jobs = await claim(100);
      expect(jobs.map((job) => job.pushToken).sort()).toEqual([staying.pushToken, joining.pushToken].sort());
    });

    it('fans a change out a limit at a time, in push-token order, and starts over when the pass changes again', async () => {
      const { pass, apple } = await registeredPass(5);
      const tokens = apple.map((registration) => registration.pushToken).sort();
      const second = (await changed(pass, { updatedAt: at(100) })).pass;
      expect((await claim(100, 2)).map((job) => job.pushToken).sort()).toEqual(tokens.slice(0, 2));
      // Two in flight, three not reached yet.
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 5 });
      await changed(second, { updatedAt: at(101) });
      // The first two were pushed for the earlier change: the later one reaches all five, once each.
      const again = [...(await claim(101, 4)), ...(await claim(101, 4))].map((job) => job.pushToken);
      expect(again.sort()).toEqual(tokens);
      expect(await claim(101)).toEqual([]);
    });

    it('keeps at most one waiting push per token and topic when several retries meet', async () => {
      const { pass, apple } = await registeredPass(1);
      const [registration] = apple as [NewRegistration];
      let current = pass;
      const leased: PushJob[] = [];
      for (const second of [100, 120]) {
        current = (await changed(current, { updatedAt: at(second) })).pass;
        leased.push(...(await claim(second)));
      }
      expect(leased).toHaveLength(2);
      for (const job of leased) await store.retryPush(job.id, { availableAt: at(300), detail: '500 InternalServerError' });
      expect(await claim(300)).toEqual([jobFor(pass, registration, expect.any(String) as string, expect.any(Number) as number)]);
      expect(await store.pushSummary(pass.serialNumber)).toMatchObject({ pending: 1 });
    });
  });
}
