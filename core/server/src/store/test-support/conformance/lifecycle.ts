import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';

/** Opening, migrating and closing a store. */
export function describeLifecycleConformance(context: StoreUnderTest): void {
  const { open, tenant } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

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
}
