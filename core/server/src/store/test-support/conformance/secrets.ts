import { generateKeyPairSync } from 'node:crypto';
import { isSealed, SecretKeyError } from '@passmint/engine';
import type { SecretCell, SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, identity, newApiKey, uniqueName } from './fixtures';

/** Secret columns sealed at rest, and rewriting them. */
export function describeSecretConformance(context: StoreUnderTest): void {
  const { tenant } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('secrets at rest', () => {
    const KEY_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const googleIdentity = {
      issuerId: '3388000000087654321',
      serviceAccount: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: KEY_PEM },
    };
    const cellsOf = async (rowKey: string): Promise<SecretCell[]> =>
      (await store.listSecretCells()).filter((cell) => cell.rowKey === rowKey);

    // A plugin's secret columns (a shop's sessions) are tested with the plugin seam and the order store.
    it('seals identities as stored, and reads them back on every path', async () => {
      const created = await tenant({ appleIdentity: identity({ privateKeyPem: KEY_PEM }), googleIdentity });
      const key = newApiKey(created.id);
      await store.createApiKey(key);
      const cells = await cellsOf(created.id);
      expect(cells.map((cell) => `${cell.column.table}.${cell.column.column}`).sort()).toEqual([
        'tenants.apple_identity',
        'tenants.google_identity',
      ]);
      for (const cell of cells) {
        expect(isSealed(cell.value)).toBe(true);
        expect(cell.value).not.toMatch(/PRIVATE KEY/);
      }
      expect((await store.findTenant(created.id))?.appleIdentity?.privateKeyPem).toBe(KEY_PEM);
      expect((await store.findApiKeyByHash(key.hash))?.tenant.googleIdentity).toEqual(googleIdentity);
      expect((await store.listTenants()).find((listed) => listed.id === created.id)?.appleIdentity).toEqual(created.appleIdentity);
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
}
