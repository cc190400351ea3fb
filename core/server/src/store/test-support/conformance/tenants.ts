import { randomUUID } from 'node:crypto';
import { StoreConflictError } from '@passmint/engine';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, identity, newApiKey, newTenant, randomHex, uniqueName } from './fixtures';

/** Tenants and their API keys. */
export function describeTenantConformance(context: StoreUnderTest): void {
  const { tenant } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
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
}
