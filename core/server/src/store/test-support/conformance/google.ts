import { GOOGLE_SYNC_TOPIC, googleSyncToken } from '../../store-port';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, newPass, unlimited, updateOf } from './fixtures';

/** Google Wallet sync and callbacks, and the installations they add to. */
export function describeGoogleConformance(context: StoreUnderTest): void {
  const { tenant, registeredPass, claim, drainOutbox } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('Google Wallet', () => {
    beforeEach(drainOutbox);

    it('queues one Google sync per pass with the change when asked, coalescing a second one', async () => {
      const { pass } = await registeredPass(1);
      const result = await store.updatePass(updateOf(pass, { updatedAt: at(100) }), { ...unlimited, syncGoogle: true });
      expect(result).toMatchObject({ ok: true, queuedPushes: 1 });
      await store.queueGoogleSync(pass.tenantId, pass.serialNumber, at(100));
      const jobs = await claim(100);
      expect(jobs.map((job) => job.passTypeIdentifier).sort()).toEqual([GOOGLE_SYNC_TOPIC, pass.passTypeIdentifier].sort());
      expect(jobs.find((job) => job.passTypeIdentifier === GOOGLE_SYNC_TOPIC)).toMatchObject({
        pushToken: googleSyncToken(pass.serialNumber),
        serialNumber: pass.serialNumber,
      });
    });

    it("queues a new pass's Google insert in the pass's transaction when asked, and nothing for a serial that was taken", async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      expect(await store.insertPass(pass, { ...unlimited, syncGoogle: true })).toMatchObject({ ok: true });
      const taken = await store.insertPass(newPass(owner.id, { serialNumber: pass.serialNumber }), { ...unlimited, syncGoogle: true });
      expect(taken).toMatchObject({ ok: false, reason: 'serial_taken' });
      const jobs = (await claim(100)).filter((job) => job.serialNumber === pass.serialNumber);
      expect(jobs).toEqual([
        expect.objectContaining({ passTypeIdentifier: GOOGLE_SYNC_TOPIC, pushToken: googleSyncToken(pass.serialNumber) }),
      ]);
    });

    it("claims a pass's Google syncs one at a time: a change's sync waits while one is under way, its APNs push does not", async () => {
      const { pass, apple } = await registeredPass(1);
      const mine = async (now: number) => (await claim(now)).filter((job) => job.serialNumber === pass.serialNumber);
      await store.queueGoogleSync(pass.tenantId, pass.serialNumber, at(100));
      const [first] = await mine(100);
      expect(first).toMatchObject({ passTypeIdentifier: GOOGLE_SYNC_TOPIC });

      const update = updateOf(pass, { passTypeIdentifier: pass.passTypeIdentifier, updatedAt: at(101) });
      expect(await store.updatePass(update, { ...unlimited, syncGoogle: true })).toMatchObject({ ok: true, queuedPushes: 1 });
      const push = { passTypeIdentifier: pass.passTypeIdentifier, pushToken: apple[0]?.pushToken };
      expect(await mine(101)).toEqual([expect.objectContaining(push)]);
      expect(await mine(150)).toEqual([]);

      await store.finishPushes([{ id: first!.id, state: 'delivered', at: at(151), detail: null }]);
      expect(await mine(151)).toEqual([expect.objectContaining({ passTypeIdentifier: GOOGLE_SYNC_TOPIC, attempts: 1 })]);
    });

    it("claims a Google sync whose lease ran out again before the pass's waiting one, which goes once it ends", async () => {
      const { pass } = await registeredPass(0);
      const mine = async (now: number) => (await claim(now)).filter((job) => job.serialNumber === pass.serialNumber);
      await store.queueGoogleSync(pass.tenantId, pass.serialNumber, at(100));
      const [first] = await mine(100);
      await store.queueGoogleSync(pass.tenantId, pass.serialNumber, at(101));
      // The first lease (a minute) has run out: its process is presumed gone.
      expect(await mine(200)).toEqual([expect.objectContaining({ id: first!.id, attempts: 2 })]);
      expect(await mine(201)).toEqual([]);
      await store.finishPushes([{ id: first!.id, state: 'delivered', at: at(202), detail: null }]);
      const [next] = await mine(202);
      expect(next).toMatchObject({ passTypeIdentifier: GOOGLE_SYNC_TOPIC, attempts: 1 });
      expect(next?.id).not.toBe(first!.id);
    });

    it('remembers the version Google has, never moving it back', async () => {
      const { pass } = await registeredPass(0);
      expect(await store.googleSyncedVersion(pass.serialNumber)).toBeNull();
      await store.markGoogleSynced(pass.serialNumber, 3, at(100));
      await store.markGoogleSynced(pass.serialNumber, 2, at(101));
      expect(await store.googleSyncedVersion(pass.serialNumber)).toBe(3);
      await store.markGoogleSynced(pass.serialNumber, 4, at(102));
      expect(await store.googleSyncedVersion(pass.serialNumber)).toBe(4);
    });

    it('counts Google holders from save and delete callbacks, each nonce once', async () => {
      const { pass } = await registeredPass(0);
      const event = (nonce: string, eventType: 'save' | 'del') =>
        store.recordGoogleCallback({ nonce: `${pass.serialNumber}-${nonce}`, serialNumber: pass.serialNumber, eventType, at: at(100) });
      expect(await store.countGoogleHolders(pass.serialNumber)).toBe(0);
      expect(await event('a', 'save')).toBe(true);
      expect(await event('a', 'save')).toBe(false);
      expect(await event('b', 'save')).toBe(true);
      expect(await store.countGoogleHolders(pass.serialNumber)).toBe(2);
      await event('c', 'del');
      await event('d', 'del');
      await event('e', 'del');
      expect(await store.countGoogleHolders(pass.serialNumber)).toBe(0);
    });
  });

  describe('installations', () => {
    it("lists a tenant's installations newest first, with stable ids, and not another tenant's", async () => {
      const { pass, apple } = await registeredPass(1);
      await store.recordGoogleCallback({
        nonce: `n-${pass.serialNumber}`,
        serialNumber: pass.serialNumber,
        eventType: 'save',
        at: '2099-01-01T00:00:00.000Z',
      });
      await store.recordGoogleCallback({
        nonce: `d-${pass.serialNumber}`,
        serialNumber: pass.serialNumber,
        eventType: 'del',
        at: '2099-01-02T00:00:00.000Z',
      });
      const listed = await store.listInstallations(pass.tenantId, 10);
      expect(listed).toEqual([
        {
          id: `google:n-${pass.serialNumber}`,
          serialNumber: pass.serialNumber,
          wallet: 'google',
          installedAt: '2099-01-01T00:00:00.000Z',
        },
        {
          id: `apple:${apple[0]?.deviceLibraryIdentifier}:${pass.serialNumber}`,
          serialNumber: pass.serialNumber,
          wallet: 'apple',
          installedAt: apple[0]?.at,
        },
      ]);
      expect(await store.listInstallations(pass.tenantId, 1)).toHaveLength(1);
      expect(await store.listInstallations((await tenant()).id, 10)).toEqual([]);
    });
  });
}
