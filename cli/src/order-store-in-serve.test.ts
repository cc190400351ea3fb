import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteOrderStore } from '@passmint/commerce';
import { describeOrderStoreConformance } from '@passmint/commerce/testing';
import { createSecretBox, parseSecretKey } from '@passmint/engine';
import { request, startInProcess } from './testing';

// The order store beside the passes of `passmint serve`: its tables made by the plugins'
// migrations in the server's own database, orders pointing at passes the API issued, and
// forgetting an order leaves its pass alone.
describeOrderStoreConformance('inside passmint serve (SQLite)', async () => {
  const server = await startInProcess();
  const db = new Database(join(server.dataDir, 'passmint.db'));
  db.pragma('busy_timeout = 5000');
  const key = parseSecretKey(readFileSync(join(server.dataDir, 'secret.key'), 'utf8')) as Buffer;
  const tenantId = db.prepare('SELECT id FROM tenants').pluck().get() as string;
  return {
    store: createSqliteOrderStore(db, createSecretBox([key])),
    storedSession: async (shop) => (db.prepare('SELECT session FROM shop_sessions WHERE shop = ?').pluck().get(shop) as string) ?? null,
    passes: {
      async create() {
        const body = { barcodeValue: 'ORDER-1001', barcodeFormat: 'QR', logoText: 'Bayroast Coffee' };
        const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
        return { tenantId, serialNumber: (created.json as { serialNumber: string }).serialNumber };
      },
      async find(_tenantId, serialNumber) {
        return (await request(`${server.url}/api/passes/${serialNumber}`, { key: server.key })).status === 200 ? serialNumber : null;
      },
    },
    async cleanup() {
      db.close();
      await server.close();
      rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
});
