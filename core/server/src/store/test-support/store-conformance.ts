import { randomBytes, randomUUID } from 'node:crypto';
import {
  StoreConflictError,
  type IdempotencyRecord,
  type ImageRecord,
  type InsertPassResult,
  type NewApiKey,
  type NewIdempotency,
  type NewPass,
  type NewTenant,
  type PassRecord,
  type PassUpdate,
  type Store,
  type StoredAppleIdentity,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';

export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

/**
 * The Store contract, for any backend. One store serves the whole block and every test makes
 * its own tenants, serials and keys with random ids, so tests never see each other's rows.
 * The battery calls `migrate()` itself, and calls `open` a second time to test `close()`.
 */
export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: Store;

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
      await store.migrate();
    });
    afterAll(async () => {
      await opened.cleanup();
    });

    async function tenant(overrides: Partial<NewTenant> = {}): Promise<NewTenant> {
      const created = newTenant(overrides);
      await store.createTenant(created);
      return created;
    }

    async function insertedPass(tenantId: string, overrides: Partial<NewPass> = {}): Promise<PassRecord> {
      const result = await store.insertPass(newPass(tenantId, overrides), unlimited);
      if (!result.ok) throw new Error(`insertPass failed: ${result.reason}`);
      return result.pass;
    }

    describe('lifecycle', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('migrates again without losing data', async () => {
        const { id } = await tenant();
        await store.migrate();
        expect(await store.findTenant(id)).not.toBeNull();
      });

      it('stops answering once closed', async () => {
        const other = await open();
        try {
          await other.store.migrate();
          await other.store.close();
          await expect(other.store.ping()).rejects.toThrow();
        } finally {
          await other.cleanup();
        }
      });
    });

    describe('tenants', () => {
      it('creates a tenant whose updatedAt is its createdAt', async () => {
        const created = newTenant();
        expect(await store.createTenant(created)).toEqual({ ...created, updatedAt: created.createdAt });
      });

      it('finds a tenant by id and by name', async () => {
        const created = await tenant();
        const expected = { ...created, updatedAt: created.createdAt };
        expect(await store.findTenant(created.id)).toEqual(expected);
        expect(await store.findTenant(created.name)).toEqual(expected);
      });

      it('returns null for an unknown tenant', async () => {
        expect(await store.findTenant(`missing-${randomUUID()}`)).toBeNull();
      });

      it('prefers the id when one tenant is named like another tenant id', async () => {
        const first = await tenant();
        const second = await tenant({ name: first.id });
        expect((await store.findTenant(first.id))?.id).toBe(first.id);
        expect((await store.findTenant(second.name))?.id).toBe(first.id);
        expect((await store.findTenant(second.id))?.id).toBe(second.id);
      });

      it('round-trips an Apple identity, with and without a WWDR certificate', async () => {
        const withWwdr = await tenant({ appleIdentity: identity({ wwdrPem: 'WWDR PEM' }) });
        const withoutWwdr = await tenant({ appleIdentity: identity() });
        expect((await store.findTenant(withWwdr.id))?.appleIdentity).toEqual(withWwdr.appleIdentity);
        expect((await store.findTenant(withoutWwdr.id))?.appleIdentity).toEqual(withoutWwdr.appleIdentity);
      });

      it('round-trips a null Apple identity and a null (unlimited) quota', async () => {
        const created = await tenant({ appleIdentity: null, monthlyQuota: null });
        const found = await store.findTenant(created.id);
        expect(found?.appleIdentity).toBeNull();
        expect(found?.monthlyQuota).toBeNull();
      });

      it('rejects a taken id with StoreConflictError and keeps the original', async () => {
        const original = await tenant();
        await expect(store.createTenant(newTenant({ id: original.id }))).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.findTenant(original.id))?.name).toBe(original.name);
      });

      it('rejects a taken name with StoreConflictError and creates nothing', async () => {
        const original = await tenant();
        const duplicate = newTenant({ name: original.name });
        await expect(store.createTenant(duplicate)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.findTenant(duplicate.id)).toBeNull();
      });

      it('lists created tenants', async () => {
        const first = await tenant();
        const second = await tenant();
        const ids = (await store.listTenants()).map((listed) => listed.id);
        expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
      });

      it('returns null when updating an unknown tenant', async () => {
        expect(await store.updateTenant(`missing-${randomUUID()}`, { name: uniqueName(), updatedAt: at(5) })).toBeNull();
      });

      it('applies only the fields in the patch', async () => {
        const created = await tenant({ monthlyQuota: 10, appleIdentity: identity() });
        const updated = await store.updateTenant(created.id, { monthlyQuota: 20, updatedAt: at(9) });
        const expected = { ...created, monthlyQuota: 20, updatedAt: at(9) };
        expect(updated).toEqual(expected);
        expect(await store.findTenant(created.id)).toEqual(expected);
      });

      it('renames a tenant and sets null quota and identity when the patch says null', async () => {
        const created = await tenant({ monthlyQuota: 10, appleIdentity: identity() });
        const name = uniqueName();
        await store.updateTenant(created.id, { name, monthlyQuota: null, appleIdentity: null, updatedAt: at(9) });
        expect(await store.findTenant(name)).toEqual({ ...created, name, monthlyQuota: null, appleIdentity: null, updatedAt: at(9) });
        expect(await store.findTenant(created.name)).toBeNull();
      });

      it('replaces an Apple identity', async () => {
        const created = await tenant({ appleIdentity: identity() });
        const replacement = identity({ certificatePem: 'NEW CERT', wwdrPem: 'NEW WWDR' });
        await store.updateTenant(created.id, { appleIdentity: replacement, updatedAt: at(9) });
        expect((await store.findTenant(created.id))?.appleIdentity).toEqual(replacement);
      });

      it('allows renaming a tenant to its own name', async () => {
        const created = await tenant();
        expect((await store.updateTenant(created.id, { name: created.name, updatedAt: at(9) }))?.name).toBe(created.name);
      });

      it('rejects renaming to a taken name with StoreConflictError and changes nothing', async () => {
        const first = await tenant();
        const second = await tenant({ monthlyQuota: 5 });
        await expect(store.updateTenant(second.id, { name: first.name, monthlyQuota: 99, updatedAt: at(9) })).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await store.findTenant(second.id)).toEqual({ ...second, updatedAt: second.createdAt });
      });
    });

    describe('API keys', () => {
      it('creates a key that is not revoked and finds it by hash with its tenant', async () => {
        const owner = await tenant();
        const key = newApiKey(owner.id, { label: 'ci' });
        expect(await store.createApiKey(key)).toEqual({ ...key, revokedAt: null });
        expect(await store.findApiKeyByHash(key.hash)).toEqual({
          key: { ...key, revokedAt: null },
          tenant: { ...owner, updatedAt: owner.createdAt },
        });
      });

      it('round-trips a null label', async () => {
        const owner = await tenant();
        const key = newApiKey(owner.id, { label: null });
        await store.createApiKey(key);
        expect((await store.findApiKeyByHash(key.hash))?.key.label).toBeNull();
      });

      it('returns null for an unknown hash', async () => {
        expect(await store.findApiKeyByHash(randomHex())).toBeNull();
      });

      it('rejects a second key with the same hash with StoreConflictError', async () => {
        const owner = await tenant();
        const key = newApiKey(owner.id);
        await store.createApiKey(key);
        await expect(store.createApiKey(newApiKey(owner.id, { hash: key.hash }))).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.listApiKeys(owner.id)).toHaveLength(1);
      });

      it("lists only the tenant's keys, in creation order", async () => {
        const owner = await tenant();
        const other = await tenant();
        // Ids sort against creation order, so an id ordering would show.
        const keys = [
          newApiKey(owner.id, { id: `z-${randomUUID()}`, createdAt: at(1) }),
          newApiKey(owner.id, { id: `a-${randomUUID()}`, createdAt: at(2) }),
        ];
        for (const key of keys) await store.createApiKey(key);
        await store.createApiKey(newApiKey(other.id));
        expect(await store.listApiKeys(owner.id)).toEqual(keys.map((key) => ({ ...key, revokedAt: null })));
      });

      it('lists no keys for a tenant without any', async () => {
        const owner = await tenant();
        expect(await store.listApiKeys(owner.id)).toEqual([]);
      });

      it('returns false when revoking an unknown key', async () => {
        expect(await store.revokeApiKey(`missing-${randomUUID()}`, at(5))).toBe(false);
      });

      it('revokes a key, which is still found by hash and listed, with its revokedAt', async () => {
        const owner = await tenant();
        const key = newApiKey(owner.id);
        await store.createApiKey(key);
        expect(await store.revokeApiKey(key.id, at(5))).toBe(true);
        expect((await store.findApiKeyByHash(key.hash))?.key.revokedAt).toBe(at(5));
        expect((await store.listApiKeys(owner.id))[0]?.revokedAt).toBe(at(5));
      });

      it('keeps the first revokedAt when revoked twice', async () => {
        const owner = await tenant();
        const key = newApiKey(owner.id);
        await store.createApiKey(key);
        await store.revokeApiKey(key.id, at(5));
        expect(await store.revokeApiKey(key.id, at(8))).toBe(true);
        expect((await store.findApiKeyByHash(key.hash))?.key.revokedAt).toBe(at(5));
      });
    });

    describe('passes', () => {
      it('inserts version 1 with updatedAt equal to createdAt', async () => {
        const owner = await tenant();
        const pass = newPass(owner.id);
        const expected = { ...pass, version: 1, updatedAt: pass.createdAt };
        expect(await store.insertPass(pass, unlimited)).toEqual({ ok: true, pass: expected });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(expected);
      });

      it('returns null for an unknown serial or the wrong tenant', async () => {
        const owner = await tenant();
        const other = await tenant();
        const pass = await insertedPass(owner.id);
        expect(await store.findPass(owner.id, `missing-${randomUUID()}`)).toBeNull();
        expect(await store.findPass(other.id, pass.serialNumber)).toBeNull();
      });

      it.each<[string, unknown]>([
        ['an object', { logoText: 'Bayroast', fields: [{ label: 'POINTS', value: 1250 }], nested: { ok: true, none: null } }],
        ['an array', [1, 'two', { three: 3 }]],
        ['a string', 'just text: "quoted" and ünïcödé ☕'],
        ['a number', 42.5],
        ['null', null],
      ])('round-trips %s as the body', async (_label, body) => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id, { body });
        expect((await store.findPass(owner.id, pass.serialNumber))?.body).toEqual(body);
      });

      it('round-trips the pkpass byte for byte', async () => {
        const owner = await tenant();
        const pkpass = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), randomBytes(256 * 1024)]);
        const pass = await insertedPass(owner.id, { pkpass });
        const found = await store.findPass(owner.id, pass.serialNumber);
        expect(Buffer.isBuffer(found?.pkpass)).toBe(true);
        expect(found?.pkpass.equals(pkpass)).toBe(true);
      });

      it('round-trips a voided pass', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id, { voided: true });
        expect((await store.findPass(owner.id, pass.serialNumber))?.voided).toBe(true);
      });

      it('records version 1 in the history', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const { serialNumber, body, canonicalHash, createdAt } = pass;
        expect(await store.listPassVersions(owner.id, serialNumber)).toEqual([
          { tenantId: owner.id, serialNumber, version: 1, body, canonicalHash, createdAt },
        ]);
      });

      it('lists no versions for an unknown pass or the wrong tenant', async () => {
        const owner = await tenant();
        const other = await tenant();
        const pass = await insertedPass(owner.id);
        expect(await store.listPassVersions(owner.id, `missing-${randomUUID()}`)).toEqual([]);
        expect(await store.listPassVersions(other.id, pass.serialNumber)).toEqual([]);
      });

      it('refuses a serial the tenant already used, writing nothing', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const usedBefore = await store.usage(owner.id, MONTH);
        const again = newPass(owner.id, { serialNumber: pass.serialNumber, canonicalHash: 'other' });
        expect(await store.insertPass(again, unlimited)).toEqual({ ok: false, reason: 'serial_taken' });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
        expect(await store.listPassVersions(owner.id, pass.serialNumber)).toHaveLength(1);
        expect(await store.usage(owner.id, MONTH)).toBe(usedBefore);
      });

      it('refuses a serial another tenant used', async () => {
        const owner = await tenant();
        const other = await tenant();
        const pass = await insertedPass(owner.id);
        expect(await store.insertPass(newPass(other.id, { serialNumber: pass.serialNumber }), unlimited)).toEqual({
          ok: false,
          reason: 'serial_taken',
        });
        expect(await store.findPass(other.id, pass.serialNumber)).toBeNull();
        expect(await store.usage(other.id, MONTH)).toBe(0);
      });
    });

    describe('updating passes', () => {
      it('replaces the pass and raises its version, keeping its token and createdAt', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const change = updateOf(pass, { voided: true });
        const expected: PassRecord = {
          tenantId: owner.id,
          serialNumber: pass.serialNumber,
          authenticationToken: pass.authenticationToken,
          body: change.body,
          canonicalHash: change.canonicalHash,
          pkpass: change.pkpass,
          passTypeIdentifier: change.passTypeIdentifier,
          voided: true,
          version: 2,
          createdAt: pass.createdAt,
          updatedAt: change.updatedAt,
        };
        expect(await store.updatePass(change, unlimited)).toEqual({ ok: true, pass: expected });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(expected);
      });

      it('appends each version to the history, oldest first', async () => {
        const owner = await tenant();
        const first = await insertedPass(owner.id);
        const second = await store.updatePass(updateOf(first), unlimited);
        if (!second.ok) throw new Error(second.reason);
        const third = await store.updatePass(updateOf(second.pass), unlimited);
        if (!third.ok) throw new Error(third.reason);
        const history = await store.listPassVersions(owner.id, first.serialNumber);
        expect(history.map(({ version, body, canonicalHash, createdAt }) => ({ version, body, canonicalHash, createdAt }))).toEqual(
          [first, second.pass, third.pass].map((pass) => ({
            version: pass.version,
            body: pass.body,
            canonicalHash: pass.canonicalHash,
            createdAt: pass.updatedAt,
          })),
        );
      });

      it('reports not_found for an unknown serial and for the wrong tenant', async () => {
        const owner = await tenant();
        const other = await tenant();
        const pass = await insertedPass(owner.id);
        expect(await store.updatePass(updateOf(pass, { serialNumber: `missing-${randomUUID()}` }), unlimited)).toEqual({
          ok: false,
          reason: 'not_found',
        });
        expect(await store.updatePass(updateOf(pass, { tenantId: other.id }), unlimited)).toEqual({ ok: false, reason: 'not_found' });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
      });

      it('reports version_conflict for a stale expectedVersion and writes nothing', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const usedBefore = await store.usage(owner.id, MONTH);
        for (const expectedVersion of [0, 2]) {
          expect(await store.updatePass(updateOf(pass, { expectedVersion }), unlimited)).toEqual({ ok: false, reason: 'version_conflict' });
        }
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
        expect(await store.listPassVersions(owner.id, pass.serialNumber)).toHaveLength(1);
        expect(await store.usage(owner.id, MONTH)).toBe(usedBefore);
      });

      it('lets only one of two writers at the same version win', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const results = await Promise.all([store.updatePass(updateOf(pass), unlimited), store.updatePass(updateOf(pass), unlimited)]);
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'version_conflict' }]);
        expect((await store.findPass(owner.id, pass.serialNumber))?.version).toBe(2);
      });
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

    describe('images', () => {
      it('stores an image and gets it back byte for byte', async () => {
        const image = newImage();
        await store.putImage(image);
        const found = await store.getImage(image.hash);
        expect(found).toEqual(image);
        expect(found?.bytes.equals(image.bytes)).toBe(true);
      });

      it('returns null for an unknown image hash', async () => {
        expect(await store.getImage(randomHex())).toBeNull();
      });

      it('keeps the first image stored under a hash', async () => {
        const image = newImage();
        await store.putImage(image);
        await expect(store.putImage({ ...image, bytes: randomBytes(64), width: 1, height: 1, createdAt: at(59) })).resolves.toBeUndefined();
        expect(await store.getImage(image.hash)).toEqual(image);
      });

      it('stores where a URL led and returns null for an unknown URL', async () => {
        const image = newImage();
        await store.putImage(image);
        const source = { url: `https://example.com/${randomUUID()}.png`, hash: image.hash, fetchedAt: at(3) };
        await store.putImageSource(source);
        expect(await store.findImageSource(source.url)).toEqual(source);
        expect(await store.findImageSource(`https://example.com/${randomUUID()}.png`)).toBeNull();
      });

      it('replaces the image source for a URL fetched again', async () => {
        const first = newImage();
        const second = newImage();
        await store.putImage(first);
        await store.putImage(second);
        const url = `https://example.com/${randomUUID()}.png`;
        await store.putImageSource({ url, hash: first.hash, fetchedAt: at(3) });
        await store.putImageSource({ url, hash: second.hash, fetchedAt: at(4) });
        expect(await store.findImageSource(url)).toEqual({ url, hash: second.hash, fetchedAt: at(4) });
      });
    });
  });
}

const MONTH = '2025-06';
const NEXT_MONTH = '2025-07';
const unlimited: WriteOptions = { month: MONTH, quota: null };

/** A fixed instant `seconds` after a base time; ISO strings compare like the instants. */
function at(seconds: number): string {
  return new Date(Date.UTC(2025, 5, 1, 12, 0, 0) + seconds * 1000).toISOString();
}

function randomHex(): string {
  return randomBytes(32).toString('hex');
}

function uniqueName(): string {
  return `tenant-${randomUUID()}`;
}

function identity(overrides: Partial<StoredAppleIdentity> = {}): StoredAppleIdentity {
  return {
    certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    privateKeyPem: 'placeholder key text: the store keeps it as an opaque string',
    ...overrides,
  };
}

function newTenant(overrides: Partial<NewTenant> = {}): NewTenant {
  return { id: randomUUID(), name: uniqueName(), monthlyQuota: 100, appleIdentity: null, createdAt: at(0), ...overrides };
}

function newApiKey(tenantId: string, overrides: Partial<NewApiKey> = {}): NewApiKey {
  const hash = randomHex();
  return { id: randomUUID(), tenantId, hash, prefix: `pm_live_${hash.slice(0, 4)}`, label: 'default', createdAt: at(0), ...overrides };
}

function newPass(tenantId: string, overrides: Partial<NewPass> = {}): NewPass {
  return {
    tenantId,
    serialNumber: `serial-${randomUUID()}`,
    authenticationToken: randomHex(),
    body: { logoText: 'Bayroast Coffee', primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }] },
    canonicalHash: randomHex(),
    pkpass: randomBytes(1024),
    passTypeIdentifier: 'pass.com.example.loyalty',
    voided: false,
    createdAt: at(0),
    ...overrides,
  };
}

function updateOf(pass: PassRecord, overrides: Partial<PassUpdate> = {}): PassUpdate {
  return {
    tenantId: pass.tenantId,
    serialNumber: pass.serialNumber,
    expectedVersion: pass.version,
    body: { logoText: 'Updated', points: pass.version * 100 },
    canonicalHash: randomHex(),
    pkpass: randomBytes(2048),
    passTypeIdentifier: 'pass.com.example.updated',
    voided: false,
    updatedAt: at(20 + pass.version),
    ...overrides,
  };
}

function newIdempotency(serialNumber: string, overrides: Partial<NewIdempotency> = {}): NewIdempotency {
  return {
    key: randomUUID(),
    fingerprint: randomHex(),
    response: { serialNumber, warnings: [], pkpass: randomBytes(256) },
    createdAt: at(10),
    notBefore: at(0),
    ...overrides,
  };
}

function quotaExceeded(used: number): InsertPassResult & UpdatePassResult {
  return { ok: false, reason: 'quota_exceeded', used };
}

function recordOf(tenantId: string, idempotency: NewIdempotency): IdempotencyRecord {
  const { key, fingerprint, response, createdAt } = idempotency;
  return { tenantId, key, fingerprint, response, createdAt };
}

function newImage(): ImageRecord {
  return { hash: randomHex(), bytes: randomBytes(4096), width: 160, height: 50, createdAt: at(2) };
}
