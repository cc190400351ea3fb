import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  isSealed,
  SecretKeyError,
  GOOGLE_SYNC_TOPIC,
  googleSyncToken,
  StoreConflictError,
  type IdempotencyRecord,
  type ImageRecord,
  type InsertPassResult,
  type NewApiKey,
  type NewIdempotency,
  type NewOrderPass,
  type NewPass,
  type NewRegistration,
  type NewTenant,
  type OutboxHealth,
  type PassRecord,
  type PassUpdate,
  type PushJob,
  type StoredAppleIdentity,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';
import type { SecretCell, SqlStore } from '../secret-columns';

export interface OpenedStore {
  store: SqlStore;
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
    let store: SqlStore;

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

    /** A successful update that keeps the pass type, so the pass keeps its registrations' topic. */
    async function changed(pass: PassRecord, overrides: Partial<PassUpdate> = {}): Promise<{ pass: PassRecord; queuedPushes: number }> {
      const result = await store.updatePass(updateOf(pass, { passTypeIdentifier: pass.passTypeIdentifier, ...overrides }), unlimited);
      if (!result.ok) throw new Error(`updatePass failed: ${result.reason}`);
      return result;
    }

    async function registered(pass: PassRecord, overrides: Partial<NewRegistration> = {}): Promise<NewRegistration> {
      const registration = newRegistration(pass, overrides);
      await store.registerDevice(registration);
      return registration;
    }

    /** Claims at `now` (seconds, see `at`), leasing for a minute. */
    function claim(now: number, limit = 100): Promise<PushJob[]> {
      return store.claimPushes({ now: at(now), leaseUntil: at(now + LEASE_SECONDS), limit });
    }

    /**
     * The outbox is shared by every test of the block: this leases whatever is already queued to
     * nobody, for good, so the claims of the test that calls it see only its own pushes.
     */
    async function drainOutbox(): Promise<void> {
      const batch = 1000;
      for (;;) {
        const claimed = await store.claimPushes({ now: END_OF_TIME, leaseUntil: END_OF_TIME, limit: batch });
        if (claimed.length < batch) return;
      }
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

      it('round-trips a Google identity, and an update can set and clear it', async () => {
        const googleIdentity = {
          issuerId: '3388000000012345678',
          serviceAccount: {
            client_email: 'a@b.iam.gserviceaccount.com',
            private_key: 'placeholder',
            token_uri: 'https://oauth2.example/token',
          },
        };
        const created = await store.createTenant(newTenant({ googleIdentity }));
        expect((await store.findTenant(created.id))?.googleIdentity).toEqual(googleIdentity);
        const plain = await store.createTenant(newTenant());
        expect((await store.findTenant(plain.id))?.googleIdentity ?? null).toBeNull();
        await store.updateTenant(plain.id, { googleIdentity, updatedAt: '2026-02-01T00:00:00.000Z' });
        expect((await store.findTenant(plain.id))?.googleIdentity).toEqual(googleIdentity);
        await store.updateTenant(plain.id, { name: `${plain.name}-renamed`, updatedAt: '2026-02-02T00:00:00.000Z' });
        expect((await store.findTenant(plain.id))?.googleIdentity).toEqual(googleIdentity);
        await store.updateTenant(plain.id, { googleIdentity: null, updatedAt: '2026-02-03T00:00:00.000Z' });
        expect((await store.findTenant(plain.id))?.googleIdentity ?? null).toBeNull();
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
        const expected = { ...pass, version: 1, updatedAt: pass.createdAt, changeTag: expect.stringMatching(DECIMAL) as string };
        const result = await store.insertPass(pass, unlimited);
        expect(result).toEqual({ ok: true, pass: expected });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(result.ok ? result.pass : null);
      });

      it("pages through every tenant's passes in serial order, each once", async () => {
        const mine = [
          await insertedPass((await tenant()).id),
          await insertedPass((await tenant()).id),
          await insertedPass((await tenant()).id),
        ];
        const seen: PassRecord[] = [];
        for (
          let page = await store.listPassesAfter(null, 7);
          page.length > 0;
          page = await store.listPassesAfter(seen[seen.length - 1]?.serialNumber ?? null, 7)
        ) {
          expect(page.length).toBeLessThanOrEqual(7);
          seen.push(...page);
        }
        const serials = serialsOf(seen);
        expect(serials).toEqual([...serials].sort());
        expect(new Set(serials).size).toBe(serials.length);
        for (const pass of mine) expect(seen.find((record) => record.serialNumber === pass.serialNumber)).toEqual(pass);
      });

      it('reads a pass without its signed file, for its own tenant only', async () => {
        const owner = await tenant();
        const { pkpass: _signed, ...head } = await changed(await insertedPass(owner.id)).then((result) => result.pass);
        expect(await store.findPassHead(owner.id, head.serialNumber)).toEqual(head);
        expect(await store.findPassHead((await tenant()).id, head.serialNumber)).toBeNull();
        expect(await store.findPassHead(owner.id, `missing-${randomUUID()}`)).toBeNull();
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
          changeTag: expect.stringMatching(DECIMAL) as string,
        };
        const result = await store.updatePass(change, unlimited);
        expect(result).toEqual({ ok: true, pass: expected, queuedPushes: 0 });
        expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(result.ok ? result.pass : null);
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

    describe('change tags', () => {
      it('gives every insert and update a decimal tag above every tag before it', async () => {
        const owner = await tenant();
        const first = await insertedPass(owner.id);
        const second = await insertedPass((await tenant()).id);
        const third = (await changed(first)).pass;
        const fourth = (await changed(third)).pass;
        const tags = [first, second, third, fourth].map((pass) => pass.changeTag);
        for (const tag of tags) expect(tag).toMatch(DECIMAL);
        for (let i = 1; i < tags.length; i++) expect(Number(tags[i])).toBeGreaterThan(Number(tags[i - 1]));
        expect((await store.findPass(owner.id, first.serialNumber))?.changeTag).toBe(fourth.changeTag);
      });

      it('keeps the tag when an update is refused', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        await store.updatePass(updateOf(pass, { expectedVersion: 5 }), unlimited);
        await store.updatePass(updateOf(pass), { month: MONTH, quota: 0 });
        expect((await store.findPass(owner.id, pass.serialNumber))?.changeTag).toBe(pass.changeTag);
      });

      it("finds a pass by its serial alone, whichever tenant's it is", async () => {
        const pass = (await changed(await insertedPass((await tenant()).id))).pass;
        expect(await store.findPassBySerial(pass.serialNumber)).toEqual(pass);
        expect(await store.findPassBySerial(`missing-${randomUUID()}`)).toBeNull();
      });
    });

    describe('device registrations', () => {
      it('registers a device once and says so, then reports the repeat as existing', async () => {
        const pass = await insertedPass((await tenant()).id);
        const registration = newRegistration(pass);
        expect(await store.registerDevice(registration)).toBe('created');
        expect(await store.registerDevice(registration)).toBe('existing');
        expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 1, android: 0 });
      });

      it('refreshes the push token, client and time of a repeat registration', async () => {
        const pass = await insertedPass((await tenant()).id);
        const first = await registered(pass, { at: at(5) });
        const again = { ...first, pushToken: randomHex(), client: 'android' as const, clientName: 'WalletPasses', at: at(9) };
        expect(await store.registerDevice(again)).toBe('existing');
        expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 0, android: 1 });
        expect(await store.removeRegistrations(first.pushToken, pass.passTypeIdentifier, at(99))).toBe(0);
        expect(await store.removeRegistrations(again.pushToken, pass.passTypeIdentifier, at(9))).toBe(0);
        expect(await store.removeRegistrations(again.pushToken, pass.passTypeIdentifier, at(10))).toBe(1);
      });

      it('keeps one registration per device and pass, and one device apart from another', async () => {
        const pass = await insertedPass((await tenant()).id);
        const mine = await registered(pass);
        await registered(pass, { pushToken: mine.pushToken, at: at(6) });
        await store.registerDevice({ ...mine, at: at(7) });
        expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 2, android: 0 });
      });

      it('unregisters a device and says whether it was registered', async () => {
        const pass = await insertedPass((await tenant()).id);
        const registration = await registered(pass);
        expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber)).toBe(true);
        expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber)).toBe(false);
        expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 0, android: 0 });
      });

      it('counts the registrations of a pass by client, and zeros for a pass without any', async () => {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        const other = await insertedPass(owner.id);
        await registered(pass);
        await registered(pass);
        await registered(pass, { client: 'android', clientName: 'Pass2U' });
        await registered(other);
        expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 2, android: 1 });
        expect(await store.countRegistrations(`missing-${randomUUID()}`)).toEqual({ apple: 0, android: 0 });
      });

      it('removes only the dead token’s registrations for that topic made before the given time', async () => {
        const owner = await tenant();
        const passes = await Promise.all([0, 1, 2, 3].map(() => insertedPass(owner.id)));
        const [first, second, renewed, otherTopic] = passes as [PassRecord, PassRecord, PassRecord, PassRecord];
        const pushToken = randomHex();
        const deviceLibraryIdentifier = `device-${randomUUID()}`;
        const device = { pushToken, deviceLibraryIdentifier };
        await registered(first, { ...device, at: at(5) });
        await registered(second, { ...device, at: at(6) });
        await registered(renewed, { ...device, at: at(30) });
        await registered(otherTopic, { ...device, passTypeIdentifier: OTHER_PASS_TYPE, at: at(5) });
        await registered(first, { at: at(5) });

        expect(await store.removeRegistrations(pushToken, first.passTypeIdentifier, at(20))).toBe(2);
        expect(await store.countRegistrations(first.serialNumber)).toEqual({ apple: 1, android: 0 });
        expect(await store.countRegistrations(second.serialNumber)).toEqual({ apple: 0, android: 0 });
        expect(await store.countRegistrations(renewed.serialNumber)).toEqual({ apple: 1, android: 0 });
        expect(await store.countRegistrations(otherTopic.serialNumber)).toEqual({ apple: 1, android: 0 });
        expect(await store.removeRegistrations(pushToken, first.passTypeIdentifier, at(20))).toBe(0);
      });
    });

    describe('updated serials', () => {
      /** A device registered for three passes of one type (serials that sort against creation order) and one of another. */
      async function deviceWithPasses(): Promise<{ device: string; passes: PassRecord[] }> {
        const owner = await tenant();
        const device = `device-${randomUUID()}`;
        const passes: PassRecord[] = [];
        for (const letter of ['c', 'a', 'b']) {
          const pass = await insertedPass(owner.id, { serialNumber: `serial-${letter}-${randomUUID()}` });
          await registered(pass, { deviceLibraryIdentifier: device });
          passes.push(pass);
        }
        const otherType = await insertedPass(owner.id, { passTypeIdentifier: OTHER_PASS_TYPE });
        await registered(otherType, { deviceLibraryIdentifier: device });
        await registered(await insertedPass(owner.id));
        return { device, passes };
      }

      it('returns null for a device without registrations', async () => {
        expect(await store.listUpdatedSerials(`device-${randomUUID()}`, PASS_TYPE, null)).toBeNull();
      });

      it("lists all the device's serials of the pass type, sorted, with their highest tag, when since is null", async () => {
        const { device, passes } = await deviceWithPasses();
        expect(await store.listUpdatedSerials(device, PASS_TYPE, null)).toEqual({
          serialNumbers: serialsOf(passes),
          lastUpdated: highestTag(passes),
        });
      });

      it('lists only the passes changed after since', async () => {
        const { device, passes } = await deviceWithPasses();
        const [first, second, third] = passes as [PassRecord, PassRecord, PassRecord];
        expect(await store.listUpdatedSerials(device, PASS_TYPE, first.changeTag)).toEqual({
          serialNumbers: serialsOf([second, third]),
          lastUpdated: third.changeTag,
        });
        const firstAgain = (await changed(first)).pass;
        expect(await store.listUpdatedSerials(device, PASS_TYPE, third.changeTag)).toEqual({
          serialNumbers: [first.serialNumber],
          lastUpdated: firstAgain.changeTag,
        });
        expect(await store.listUpdatedSerials(device, PASS_TYPE, firstAgain.changeTag)).toBeNull();
      });

      it('compares tags as numbers, not as strings', async () => {
        const owner = await tenant();
        let pass = await insertedPass(owner.id);
        while (Number(pass.changeTag) < 10) pass = await insertedPass(owner.id);
        const registration = await registered(pass);
        const digits = pass.changeTag.length;
        const list = (since: string) => store.listUpdatedSerials(registration.deviceLibraryIdentifier, PASS_TYPE, since);
        // '99' sorts after '150' and '1000' before it; as numbers it is the other way round.
        expect((await list('9'.repeat(digits - 1)))?.serialNumbers).toEqual([pass.serialNumber]);
        expect(await list(`1${'0'.repeat(digits)}`)).toBeNull();
      });

      it('treats a since that is not a tag like null', async () => {
        const { device, passes } = await deviceWithPasses();
        expect((await store.listUpdatedSerials(device, PASS_TYPE, 'yesterday'))?.serialNumbers).toEqual(serialsOf(passes));
      });

      it('stops listing a serial once the device unregisters from it', async () => {
        const { device, passes } = await deviceWithPasses();
        const [first, ...rest] = passes as [PassRecord, ...PassRecord[]];
        await store.unregisterDevice(device, first.serialNumber);
        expect((await store.listUpdatedSerials(device, PASS_TYPE, null))?.serialNumbers).toEqual(serialsOf(rest));
      });
    });

    describe('push outbox', () => {
      beforeEach(drainOutbox);

      /** A pass with `apple` Apple Wallet registrations and `android` Android ones. */
      async function registeredPass(apple: number, android = 0): Promise<{ pass: PassRecord; apple: NewRegistration[] }> {
        const pass = await insertedPass((await tenant()).id);
        const registrations: NewRegistration[] = [];
        for (let i = 0; i < apple; i++) registrations.push(await registered(pass));
        for (let i = 0; i < android; i++) await registered(pass, { client: 'android', clientName: 'WalletPasses' });
        return { pass, apple: registrations };
      }

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

      it('counts share page views per pass', async () => {
        const { pass } = await registeredPass(0);
        expect(await store.countPassViews(pass.serialNumber)).toBe(0);
        await store.recordPassView(pass.serialNumber);
        await store.recordPassView(pass.serialNumber);
        expect(await store.countPassViews(pass.serialNumber)).toBe(2);
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

      it('merges a retry into a push queued meanwhile for the same token and topic, losing nothing', async () => {
        const { pass, apple } = await registeredPass(1);
        const [registration] = apple as [NewRegistration];
        const second = (await changed(pass, { updatedAt: at(100) })).pass;
        const [job] = (await claim(100)) as [PushJob];
        await changed(second, { updatedAt: at(120) });
        await store.retryPush(job.id, { availableAt: at(105), detail: '429 TooManyRequests' });
        // The device is pushed no later than the retry was due, and once.
        expect(await claim(105)).toEqual([jobFor(pass, registration, at(120))]);
        expect(await claim(105 + LEASE_SECONDS)).toEqual([]);
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

    describe('commerce orders', () => {
      const shop = () => `shop-${randomUUID()}.myshopify.com`;

      async function orderPass(overrides: Partial<NewOrderPass> = {}): Promise<NewOrderPass> {
        const owner = await tenant();
        const pass = await insertedPass(owner.id);
        return {
          shop: shop(),
          orderId: randomUUID(),
          tenantId: owner.id,
          serialNumber: pass.serialNumber,
          orderUpdatedAt: at(10),
          customerId: 'customer-1',
          at: at(11),
          ...overrides,
        };
      }

      it('saves the pass that follows an order and finds it by shop and order', async () => {
        const record = await orderPass();
        expect(await store.saveOrderPass(record)).toBe('saved');
        expect(await store.findOrderPass(record.shop, record.orderId)).toEqual({
          shop: record.shop,
          orderId: record.orderId,
          tenantId: record.tenantId,
          serialNumber: record.serialNumber,
          orderUpdatedAt: at(10),
          customerId: 'customer-1',
          createdAt: at(11),
          updatedAt: at(11),
          linkedAt: null,
        });
        expect(await store.findOrderPass(record.shop, randomUUID())).toBeNull();
        expect(await store.findOrderPass(shop(), record.orderId)).toBeNull();
      });

      it('moves an order forward, refuses an older version as stale and accepts the same version again', async () => {
        const record = await orderPass();
        await store.saveOrderPass(record);
        expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(20), at: at(21) })).toBe('saved');
        expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(15), at: at(22) })).toBe('stale');
        expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(20), at: at(23) })).toBe('saved');
        const found = await store.findOrderPass(record.shop, record.orderId);
        expect(found).toMatchObject({ orderUpdatedAt: at(20), createdAt: at(11), updatedAt: at(23), serialNumber: record.serialNumber });
      });

      it('keeps the first pass of an order: a later save cannot point the order at another pass', async () => {
        const record = await orderPass();
        await store.saveOrderPass(record);
        const other = await insertedPass(record.tenantId);
        await store.saveOrderPass({ ...record, serialNumber: other.serialNumber, orderUpdatedAt: at(30) });
        expect((await store.findOrderPass(record.shop, record.orderId))?.serialNumber).toBe(record.serialNumber);
      });

      it('marks the link written, lists by customer or order ids and forgets orders', async () => {
        const first = await orderPass();
        const sameShop = { shop: first.shop };
        const second = await orderPass({ ...sameShop, customerId: 'customer-2', at: at(12) });
        const third = await orderPass({ ...sameShop, customerId: null, at: at(13) });
        for (const record of [first, second, third]) await store.saveOrderPass(record);
        await store.markOrderPassLinked(first.shop, first.orderId, at(40));
        expect((await store.findOrderPass(first.shop, first.orderId))?.linkedAt).toBe(at(40));

        expect((await store.listOrderPasses(first.shop)).map((record) => record.orderId)).toEqual([
          first.orderId,
          second.orderId,
          third.orderId,
        ]);
        expect((await store.listOrderPasses(first.shop, { customerId: 'customer-2' })).map((record) => record.orderId)).toEqual([
          second.orderId,
        ]);
        expect((await store.listOrderPasses(first.shop, { orderIds: [third.orderId, 'unknown'] })).map((record) => record.orderId)).toEqual(
          [third.orderId],
        );
        expect(await store.listOrderPasses(shop())).toEqual([]);

        expect(await store.deleteOrderPasses(first.shop, [first.orderId, second.orderId, 'unknown'])).toBe(2);
        expect((await store.listOrderPasses(first.shop)).map((record) => record.orderId)).toEqual([third.orderId]);
        expect(await store.findPass(first.tenantId, first.serialNumber)).not.toBeNull();
      });

      it('records a webhook delivery once per source and id', async () => {
        const id = randomUUID();
        expect(await store.recordWebhookDelivery({ source: 'shopify:a', id, at: at(1) })).toBe(true);
        expect(await store.recordWebhookDelivery({ source: 'shopify:a', id, at: at(2) })).toBe(false);
        expect(await store.recordWebhookDelivery({ source: 'shopify:b', id, at: at(2) })).toBe(true);
      });

      it('keeps one session per shop: saved, replaced, found, deleted', async () => {
        const name = shop();
        expect(await store.findShopSession(name)).toBeNull();
        await store.saveShopSession(name, '{"token":"first"}', at(1));
        await store.saveShopSession(name, '{"token":"second"}', at(2));
        expect(await store.findShopSession(name)).toBe('{"token":"second"}');
        expect(await store.findShopSession(shop())).toBeNull();
        await store.deleteShopSession(name);
        expect(await store.findShopSession(name)).toBeNull();
      });

      it('forgets a delivery whose processing failed, so its retry counts as new', async () => {
        const delivery = { source: 'shopify:c', id: randomUUID() };
        await store.recordWebhookDelivery({ ...delivery, at: at(1) });
        await store.forgetWebhookDelivery(delivery);
        expect(await store.recordWebhookDelivery({ ...delivery, at: at(2) })).toBe(true);
        await store.forgetWebhookDelivery({ source: 'shopify:c', id: 'never-seen' });
      });
    });

    describe('secrets at rest', () => {
      const KEY_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const googleIdentity = {
        issuerId: '3388000000087654321',
        serviceAccount: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: KEY_PEM },
      };
      const cellsOf = async (rowKey: string): Promise<SecretCell[]> =>
        (await store.listSecretCells()).filter((cell) => cell.rowKey === rowKey);

      it('seals identities and shop sessions as stored, and reads them back on every path', async () => {
        const created = await tenant({ appleIdentity: identity({ privateKeyPem: KEY_PEM }), googleIdentity });
        const key = newApiKey(created.id);
        await store.createApiKey(key);
        const name = `shop-${randomUUID()}.myshopify.com`;
        await store.saveShopSession(name, '["accessToken","shpat_0123456789abcdef"]', at(1));
        const cells = [...(await cellsOf(created.id)), ...(await cellsOf(name))];
        expect(cells.map((cell) => `${cell.column.table}.${cell.column.column}`).sort()).toEqual([
          'shop_sessions.session',
          'tenants.apple_identity',
          'tenants.google_identity',
        ]);
        for (const cell of cells) {
          expect(isSealed(cell.value)).toBe(true);
          expect(cell.value).not.toMatch(/PRIVATE KEY|shpat_/);
        }
        expect((await store.findTenant(created.id))?.appleIdentity?.privateKeyPem).toBe(KEY_PEM);
        expect((await store.findApiKeyByHash(key.hash))?.tenant.googleIdentity).toEqual(googleIdentity);
        expect((await store.listTenants()).find((listed) => listed.id === created.id)?.appleIdentity).toEqual(created.appleIdentity);
        expect(await store.findShopSession(name)).toBe('["accessToken","shpat_0123456789abcdef"]');
        await store.updateTenant(created.id, { name: uniqueName(), updatedAt: at(2) });
        expect((await store.findTenant(created.id))?.googleIdentity).toEqual(googleIdentity);
      });

      it('refuses a sealed value copied into another row', async () => {
        const source = await tenant({ appleIdentity: identity({ privateKeyPem: KEY_PEM }) });
        const target = await tenant({ appleIdentity: identity() });
        const appleCellOf = async (id: string) => (await cellsOf(id)).find((cell) => cell.column.column === 'apple_identity') as SecretCell;
        const [copied, original] = [(await appleCellOf(source.id)).value, (await appleCellOf(target.id)).value];
        const putInTarget = (value: string) => (cell: SecretCell) =>
          cell.rowKey === target.id && cell.column.column === 'apple_identity' ? value : cell.value;
        await store.rewriteSecretCells(putInTarget(copied));
        try {
          await expect(store.findTenant(target.id)).rejects.toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
        } finally {
          await store.rewriteSecretCells(putInTarget(original));
        }
        expect((await store.findTenant(target.id))?.appleIdentity).toEqual(target.appleIdentity);
      });

      it('rewrites every secret or none', async () => {
        const created = await tenant({ appleIdentity: identity({ privateKeyPem: KEY_PEM }), googleIdentity });
        const before = await store.listSecretCells();
        let seen = 0;
        const failing = (cell: SecretCell): string => {
          seen += 1;
          if (cell.rowKey === created.id && cell.column.column === 'google_identity') throw new SecretKeyError('secret_unreadable', 'stop');
          return `${cell.value}x`;
        };
        await expect(store.rewriteSecretCells(failing)).rejects.toThrow('stop');
        expect(seen).toBeGreaterThan(1);
        expect(await store.listSecretCells()).toEqual(before);
        expect((await store.findTenant(created.id))?.appleIdentity?.privateKeyPem).toBe(KEY_PEM);
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
const PASS_TYPE = 'pass.com.example.loyalty';
const OTHER_PASS_TYPE = 'pass.com.example.other';
const DECIMAL = /^[0-9]+$/;
const LEASE_SECONDS = 60;
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
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
    passTypeIdentifier: PASS_TYPE,
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

function newRegistration(pass: PassRecord, overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    deviceLibraryIdentifier: `device-${randomUUID()}`,
    serialNumber: pass.serialNumber,
    passTypeIdentifier: pass.passTypeIdentifier,
    tenantId: pass.tenantId,
    pushToken: randomHex(),
    client: 'apple',
    clientName: null,
    at: at(5),
    ...overrides,
  };
}

function serialsOf(passes: PassRecord[]): string[] {
  return passes.map((pass) => pass.serialNumber).sort();
}

function highestTag(passes: PassRecord[]): string {
  return String(Math.max(...passes.map((pass) => Number(pass.changeTag))));
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
