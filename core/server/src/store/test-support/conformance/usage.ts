import { randomUUID } from 'node:crypto';
import type { WriteOptions } from '@passmint/engine';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, MONTH, newIdempotency, newPass, NEXT_MONTH, quotaExceeded, recordOf, unlimited, updateOf } from './fixtures';

/** Quota counting, idempotency records and share page views. */
export function describeUsageConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, registeredPass } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('quota', () => {
    it('counts nothing for a month without writes', async () => {
      const owner = await tenant();
      expect(await store.usage(owner.id, MONTH)).toBe(0);
    });

    it('counts each insert and update in its month, per tenant', async () => {
      const owner = await tenant();
      const other = await tenant();
      const pass = await insertedPass(owner.id);
      await store.insertPass(newPass(owner.id), { month: NEXT_MONTH, quota: null });
      await store.updatePass(updateOf(pass), unlimited);
      expect(await store.usage(owner.id, MONTH)).toBe(2);
      expect(await store.usage(owner.id, NEXT_MONTH)).toBe(1);
      expect(await store.usage(other.id, MONTH)).toBe(0);
    });

    it('refuses an insert once the quota is used, writing nothing', async () => {
      const owner = await tenant();
      const limited: WriteOptions = { month: MONTH, quota: 2 };
      for (let i = 0; i < 2; i++) expect((await store.insertPass(newPass(owner.id), limited)).ok).toBe(true);
      const refused = newPass(owner.id);
      expect(await store.insertPass(refused, limited)).toEqual(quotaExceeded(2));
      expect(await store.findPass(owner.id, refused.serialNumber)).toBeNull();
      expect(await store.listPassVersions(owner.id, refused.serialNumber)).toEqual([]);
      expect(await store.usage(owner.id, MONTH)).toBe(2);
    });

    it('reports the current count when a lowered quota is already exceeded', async () => {
      const owner = await tenant();
      for (let i = 0; i < 3; i++) await insertedPass(owner.id);
      expect(await store.insertPass(newPass(owner.id), { month: MONTH, quota: 1 })).toEqual(quotaExceeded(3));
    });

    it('refuses everything under a zero quota', async () => {
      const owner = await tenant();
      expect(await store.insertPass(newPass(owner.id), { month: MONTH, quota: 0 })).toEqual(quotaExceeded(0));
      expect(await store.usage(owner.id, MONTH)).toBe(0);
    });

    it('does not let one month or tenant use up another', async () => {
      const owner = await tenant();
      const other = await tenant();
      await store.insertPass(newPass(owner.id), { month: MONTH, quota: 1 });
      expect((await store.insertPass(newPass(owner.id), { month: NEXT_MONTH, quota: 1 })).ok).toBe(true);
      expect((await store.insertPass(newPass(other.id), { month: MONTH, quota: 1 })).ok).toBe(true);
    });

    it('refuses an update once the quota is used, writing nothing', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.updatePass(updateOf(pass), { month: MONTH, quota: 1 })).toEqual(quotaExceeded(1));
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
      expect(await store.listPassVersions(owner.id, pass.serialNumber)).toHaveLength(1);
      expect(await store.usage(owner.id, MONTH)).toBe(1);
    });

    it('neither checks nor counts writes that do not count toward the quota', async () => {
      const owner = await tenant();
      const free: WriteOptions = { month: MONTH, quota: 0, countsTowardQuota: false };
      const inserted = await store.insertPass(newPass(owner.id), free);
      if (!inserted.ok) throw new Error(inserted.reason);
      expect((await store.updatePass(updateOf(inserted.pass, { voided: true }), free)).ok).toBe(true);
      expect(await store.usage(owner.id, MONTH)).toBe(0);
    });

    it('counts writes when countsTowardQuota is true', async () => {
      const owner = await tenant();
      await store.insertPass(newPass(owner.id), { ...unlimited, countsTowardQuota: true });
      expect(await store.usage(owner.id, MONTH)).toBe(1);
    });

    it('reports serial_taken before quota_exceeded', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.insertPass(newPass(owner.id, { serialNumber: pass.serialNumber }), { month: MONTH, quota: 1 })).toEqual({
        ok: false,
        reason: 'serial_taken',
      });
    });
  });

  describe('idempotency', () => {
    it('stores the record with the pass and finds it', async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      const response = { serialNumber: pass.serialNumber, warnings: ['w1', 'w2'], pkpass: pass.pkpass };
      const key = newIdempotency(pass.serialNumber, { response });
      expect((await store.insertPass(pass, { ...unlimited, idempotency: key })).ok).toBe(true);
      const found = await store.findIdempotency(owner.id, key.key, key.notBefore);
      expect(found).toEqual(recordOf(owner.id, key));
      expect(Buffer.isBuffer(found?.response.pkpass)).toBe(true);
      expect(found?.response.pkpass.equals(pass.pkpass)).toBe(true);
    });

    it('round-trips an empty warnings list', async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      const key = newIdempotency(pass.serialNumber);
      await store.insertPass(pass, { ...unlimited, idempotency: key });
      expect((await store.findIdempotency(owner.id, key.key, key.notBefore))?.response.warnings).toEqual([]);
    });

    it('returns null for an unknown key', async () => {
      const owner = await tenant();
      expect(await store.findIdempotency(owner.id, randomUUID(), at(0))).toBeNull();
    });

    it('finds a record created exactly at notBefore but not one created before it', async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      const key = newIdempotency(pass.serialNumber, { createdAt: at(30), notBefore: at(0) });
      await store.insertPass(pass, { ...unlimited, idempotency: key });
      expect((await store.findIdempotency(owner.id, key.key, at(30)))?.fingerprint).toBe(key.fingerprint);
      expect(await store.findIdempotency(owner.id, key.key, at(31))).toBeNull();
    });

    it('answers idempotency_exists for a fresh key and writes nothing', async () => {
      const owner = await tenant();
      const first = newPass(owner.id);
      const key = newIdempotency(first.serialNumber);
      await store.insertPass(first, { ...unlimited, idempotency: key });
      const retry = newPass(owner.id);
      const reused = newIdempotency(retry.serialNumber, { key: key.key, fingerprint: 'other' });
      const result = await store.insertPass(retry, { ...unlimited, idempotency: reused });
      expect(result).toEqual({ ok: false, reason: 'idempotency_exists', existing: recordOf(owner.id, key) });
      expect(await store.findPass(owner.id, retry.serialNumber)).toBeNull();
      expect(await store.usage(owner.id, MONTH)).toBe(1);
      expect((await store.findIdempotency(owner.id, key.key, key.notBefore))?.fingerprint).toBe(key.fingerprint);
    });

    it('replays a fresh key even when the quota is used up or the serial is taken', async () => {
      const owner = await tenant();
      const first = newPass(owner.id);
      const key = newIdempotency(first.serialNumber);
      await store.insertPass(first, { month: MONTH, quota: 1, idempotency: key });
      const retry = newPass(owner.id, { serialNumber: first.serialNumber });
      expect(await store.insertPass(retry, { month: MONTH, quota: 1, idempotency: key })).toEqual({
        ok: false,
        reason: 'idempotency_exists',
        existing: recordOf(owner.id, key),
      });
    });

    it('replaces an expired record', async () => {
      const owner = await tenant();
      const first = newPass(owner.id);
      const old = newIdempotency(first.serialNumber, { createdAt: at(1), notBefore: at(0) });
      await store.insertPass(first, { ...unlimited, idempotency: old });
      const second = newPass(owner.id);
      const renewed = newIdempotency(second.serialNumber, { key: old.key, createdAt: at(50), notBefore: at(40) });
      expect((await store.insertPass(second, { ...unlimited, idempotency: renewed })).ok).toBe(true);
      expect(await store.findIdempotency(owner.id, old.key, at(0))).toEqual(recordOf(owner.id, renewed));
    });

    it('keeps keys apart per tenant', async () => {
      const owner = await tenant();
      const other = await tenant();
      const key = randomUUID();
      const mine = newPass(owner.id);
      const theirs = newPass(other.id);
      expect((await store.insertPass(mine, { ...unlimited, idempotency: newIdempotency(mine.serialNumber, { key }) })).ok).toBe(true);
      expect((await store.insertPass(theirs, { ...unlimited, idempotency: newIdempotency(theirs.serialNumber, { key }) })).ok).toBe(true);
      expect((await store.findIdempotency(owner.id, key, at(0)))?.response.serialNumber).toBe(mine.serialNumber);
      expect((await store.findIdempotency(other.id, key, at(0)))?.response.serialNumber).toBe(theirs.serialNumber);
    });

    it('writes no record when the insert is refused for its serial', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const key = newIdempotency(pass.serialNumber);
      expect(await store.insertPass(newPass(owner.id, { serialNumber: pass.serialNumber }), { ...unlimited, idempotency: key })).toEqual({
        ok: false,
        reason: 'serial_taken',
      });
      expect(await store.findIdempotency(owner.id, key.key, at(0))).toBeNull();
    });

    it('writes no record when the insert is refused for the quota', async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      const key = newIdempotency(pass.serialNumber);
      expect(await store.insertPass(pass, { month: MONTH, quota: 0, idempotency: key })).toEqual(quotaExceeded(0));
      expect(await store.findIdempotency(owner.id, key.key, at(0))).toBeNull();
    });

    it('keeps an expired record when the insert that would replace it is refused', async () => {
      const owner = await tenant();
      const first = newPass(owner.id);
      const old = newIdempotency(first.serialNumber, { createdAt: at(1), notBefore: at(0) });
      await store.insertPass(first, { ...unlimited, idempotency: old });
      const renewed = newIdempotency(first.serialNumber, { key: old.key, createdAt: at(50), notBefore: at(40) });
      const again = newPass(owner.id, { serialNumber: first.serialNumber });
      expect(await store.insertPass(again, { ...unlimited, idempotency: renewed })).toEqual({ ok: false, reason: 'serial_taken' });
      expect((await store.findIdempotency(owner.id, old.key, at(0)))?.fingerprint).toBe(old.fingerprint);
    });
  });

  describe('share page views', () => {
    it('counts share page views per pass', async () => {
      const { pass } = await registeredPass(0);
      expect(await store.countPassViews(pass.serialNumber)).toBe(0);
      await store.recordPassView(pass.serialNumber);
      await store.recordPassView(pass.serialNumber);
      expect(await store.countPassViews(pass.serialNumber)).toBe(2);
    });
  });
}
