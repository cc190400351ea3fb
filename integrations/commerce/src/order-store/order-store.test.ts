import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { createSecretBox, type SecretBox } from '@passmint/engine';
import { describeOrderStoreConformance } from '../testing';
import { createPostgresOrderStore, createSqliteOrderStore, ORDER_STORE_MIGRATIONS } from './index';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const testBox = (): SecretBox => createSecretBox([randomBytes(32)]);

function sqliteDatabase(): { db: Database.Database; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-orders-'));
  const db = new Database(join(dir, 'orders.db'));
  return {
    db,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function migrateSqlite(db: Database.Database): void {
  for (const migration of ORDER_STORE_MIGRATIONS.sqlite) db.exec(migration.sql);
}

/** A schema of its own for each run, dropped after it. */
async function postgresSchema(): Promise<{ pool: Pool; cleanup(): Promise<void> }> {
  const schema = `passmint_orders_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 4 });
  return {
    pool,
    async cleanup() {
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function migratePostgres(pool: Pool): Promise<void> {
  for (const migration of ORDER_STORE_MIGRATIONS.postgres) await pool.query(migration.sql);
}

describeOrderStoreConformance('SQLite', async () => {
  const { db, cleanup } = sqliteDatabase();
  migrateSqlite(db);
  return {
    store: createSqliteOrderStore(db, testBox()),
    storedSession: async (shop) => (db.prepare('SELECT session FROM shop_sessions WHERE shop = ?').pluck().get(shop) as string) ?? null,
    cleanup: async () => cleanup(),
  };
});

describeOrderStoreConformance('PostgreSQL (needs PostgreSQL)', async () => {
  const { pool, cleanup } = await postgresSchema();
  await migratePostgres(pool);
  return {
    store: createPostgresOrderStore(pool, testBox()),
    storedSession: async (shop) =>
      (await pool.query<{ session: string }>('SELECT session FROM shop_sessions WHERE shop = $1', [shop])).rows[0]?.session ?? null,
    cleanup,
  };
});

/**
 * The tables as the server's own migrations 7 and 8 made them before the plugins owned them
 * (a database of an older release), trimmed to the two tables their foreign keys point at.
 */
const OLD_SERVER_SCHEMA = {
  sqlite: `
    CREATE TABLE tenants (id TEXT NOT NULL PRIMARY KEY);
    CREATE TABLE passes (serial_number TEXT NOT NULL PRIMARY KEY);
    CREATE TABLE order_passes (
      shop TEXT NOT NULL, order_id TEXT NOT NULL, tenant_id TEXT NOT NULL REFERENCES tenants (id),
      serial_number TEXT NOT NULL REFERENCES passes (serial_number), order_updated_at TEXT NOT NULL, customer_id TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, linked_at TEXT, PRIMARY KEY (shop, order_id)
    );
    CREATE INDEX order_passes_customer ON order_passes (shop, customer_id);
    CREATE TABLE webhook_deliveries (source TEXT NOT NULL, id TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (source, id));
    CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
    CREATE TABLE shop_sessions (shop TEXT NOT NULL PRIMARY KEY, session TEXT NOT NULL, updated_at TEXT NOT NULL);
  `,
  postgres: `
    CREATE TABLE tenants (id text COLLATE "C" NOT NULL PRIMARY KEY);
    CREATE TABLE passes (serial_number text COLLATE "C" NOT NULL PRIMARY KEY);
    CREATE TABLE order_passes (
      shop text COLLATE "C" NOT NULL, order_id text COLLATE "C" NOT NULL, tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
      serial_number text COLLATE "C" NOT NULL REFERENCES passes (serial_number), order_updated_at text COLLATE "C" NOT NULL,
      customer_id text COLLATE "C", created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, linked_at text COLLATE "C",
      PRIMARY KEY (shop, order_id)
    );
    CREATE INDEX order_passes_customer ON order_passes (shop, customer_id);
    CREATE TABLE webhook_deliveries (source text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, received_at text COLLATE "C" NOT NULL, PRIMARY KEY (source, id));
    CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
    CREATE TABLE shop_sessions (shop text COLLATE "C" NOT NULL PRIMARY KEY, session text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL);
  `,
};

const OLD_ROWS = [
  "INSERT INTO tenants (id) VALUES ('tenant-1')",
  "INSERT INTO passes (serial_number) VALUES ('serial-1')",
  `INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
    VALUES ('old.myshopify.com', '1001', 'tenant-1', 'serial-1', '2025-01-01T00:00:00.000Z', NULL, '2025-01-01T00:00:01.000Z', '2025-01-01T00:00:01.000Z')`,
  "INSERT INTO webhook_deliveries (source, id, received_at) VALUES ('shopify:old.myshopify.com', 'delivery-1', '2025-01-01T00:00:01.000Z')",
];

describe('a database an older release made, with the tables in the server migrations', () => {
  it('upgrades cleanly on SQLite: rows, keys and indexes stay, and the store works on them', async () => {
    const { db, cleanup } = sqliteDatabase();
    try {
      db.exec(OLD_SERVER_SCHEMA.sqlite);
      for (const row of OLD_ROWS) db.exec(row);
      migrateSqlite(db);
      const store = createSqliteOrderStore(db, testBox());
      expect(await store.findOrderPass('old.myshopify.com', '1001')).toMatchObject({ tenantId: 'tenant-1', serialNumber: 'serial-1' });
      expect(await store.recordWebhookDelivery({ source: 'shopify:old.myshopify.com', id: 'delivery-1', at: 'x' })).toBe(false);
      expect(db.prepare("SELECT COUNT(*) FROM pragma_foreign_key_list('order_passes')").pluck().get()).toBe(2);
      await store.saveShopSession('old.myshopify.com', 'session', '2025-01-02T00:00:00.000Z');
      expect(await store.findShopSession('old.myshopify.com')).toBe('session');
    } finally {
      cleanup();
    }
  });

  it('upgrades cleanly on PostgreSQL (needs PostgreSQL)', async () => {
    const { pool, cleanup } = await postgresSchema();
    try {
      await pool.query(OLD_SERVER_SCHEMA.postgres);
      for (const row of OLD_ROWS) await pool.query(row);
      await migratePostgres(pool);
      const store = createPostgresOrderStore(pool, testBox());
      expect(await store.findOrderPass('old.myshopify.com', '1001')).toMatchObject({ tenantId: 'tenant-1', serialNumber: 'serial-1' });
      expect(await store.recordWebhookDelivery({ source: 'shopify:old.myshopify.com', id: 'delivery-1', at: 'x' })).toBe(false);
      const keys = await pool.query("SELECT conname FROM pg_constraint WHERE conrelid = 'order_passes'::regclass AND contype = 'f'");
      expect(keys.rowCount).toBe(2);
      await store.saveOrderPass({
        shop: 'old.myshopify.com',
        orderId: randomUUID(),
        tenantId: 'tenant-1',
        serialNumber: 'serial-1',
        orderUpdatedAt: '2025-01-02T00:00:00.000Z',
        customerId: null,
        at: '2025-01-02T00:00:00.000Z',
      });
      expect(await store.listOrderPasses('old.myshopify.com')).toHaveLength(2);
    } finally {
      await cleanup();
    }
  });
});
