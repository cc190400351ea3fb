import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { orderPassFromRow, type OrderPassRow, type OrderPassStore } from '@passmint/commerce';
import { createSecretBox, sealedKeyId, SecretKeyError, type NewOrderPass, type SecretBox } from '@passmint/engine';
import type { ShopifyAppStore } from '../shopify-app';
import { standaloneSecretKeys } from './standalone-secret-key';

/**
 * What the standalone app keeps on its own disk: which pass follows which order, and the webhook
 * deliveries it has seen. The passes themselves live in the remote Passmint. Same rules as
 * Passmint's own store: an order only moves forward, and a delivery is recorded once.
 */
export function openStandaloneStore(file: string, secretKeys?: Buffer[]): ShopifyAppStore & OrderPassStore & { close(): void } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Owner-only, and SQLite gives its -wal and -shm the database file's mode.
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS order_passes (
      shop TEXT NOT NULL, order_id TEXT NOT NULL, tenant_id TEXT NOT NULL, serial_number TEXT NOT NULL,
      order_updated_at TEXT NOT NULL, customer_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, linked_at TEXT,
      PRIMARY KEY (shop, order_id)
    );
    CREATE INDEX IF NOT EXISTS order_passes_customer ON order_passes (shop, customer_id);
    CREATE TABLE IF NOT EXISTS webhook_deliveries (source TEXT NOT NULL, id TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (source, id));
    CREATE TABLE IF NOT EXISTS shop_sessions (shop TEXT NOT NULL PRIMARY KEY, session TEXT NOT NULL, updated_at TEXT NOT NULL);
  `);
  const find = db.prepare('SELECT * FROM order_passes WHERE shop = ? AND order_id = ?');
  const save =
    db.prepare(`INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
    VALUES (@shop, @orderId, @tenantId, @serialNumber, @orderUpdatedAt, @customerId, @at, @at)
    ON CONFLICT (shop, order_id) DO UPDATE SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
    WHERE excluded.order_updated_at >= order_passes.order_updated_at`);
  const list = db.prepare(
    'SELECT * FROM order_passes WHERE shop = @shop AND (@customerId IS NULL OR customer_id = @customerId) ORDER BY created_at, order_id',
  );
  const remove = db.prepare('DELETE FROM order_passes WHERE shop = ? AND order_id = ?');
  const linked = db.prepare('UPDATE order_passes SET linked_at = ? WHERE shop = ? AND order_id = ?');
  const record = db.prepare('INSERT INTO webhook_deliveries (source, id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const forget = db.prepare('DELETE FROM webhook_deliveries WHERE source = ? AND id = ?');
  const saveSession = db.prepare(`INSERT INTO shop_sessions (shop, session, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`);
  const findSession = db.prepare('SELECT session FROM shop_sessions WHERE shop = ?');
  const deleteSession = db.prepare('DELETE FROM shop_sessions WHERE shop = ?');
  let box: SecretBox;
  try {
    box = sealSessions(db, secretKeys, join(dirname(file), 'secret.key'));
  } catch (error) {
    db.close();
    throw error;
  }
  const context = (shop: string) => `shop_sessions.session:${shop}`;

  return {
    async findOrderPass(shop, orderId) {
      const row = find.get(shop, orderId) as OrderPassRow | undefined;
      return row ? orderPassFromRow(row) : null;
    },
    async saveOrderPass(order: NewOrderPass) {
      return save.run(order).changes > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      linked.run(at, shop, orderId);
    },
    async listOrderPasses(shop, filter = {}) {
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return (list.all({ shop, customerId: filter.customerId ?? null }) as OrderPassRow[])
        .filter((row) => !wanted || wanted.has(row.order_id))
        .map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      return db.transaction(() => orderIds.reduce((gone, orderId) => gone + remove.run(shop, orderId).changes, 0))();
    },
    async recordWebhookDelivery(delivery) {
      return record.run(delivery.source, delivery.id, delivery.at).changes > 0;
    },
    async forgetWebhookDelivery(delivery) {
      forget.run(delivery.source, delivery.id);
    },
    async saveShopSession(shop, session, at) {
      saveSession.run(shop, box.seal(session, context(shop)), at);
    },
    async findShopSession(shop) {
      const row = findSession.get(shop) as { session: string } | undefined;
      return row ? box.open(row.session, context(shop)) : null;
    },
    async deleteShopSession(shop) {
      deleteSession.run(shop);
    },
    close: () => db.close(),
  };
}

/**
 * The shop sessions hold the offline Admin API token, so they are sealed (AES-256-GCM) like
 * Passmint's own secrets. Sessions an older release stored in clear, and sessions under an older
 * key of PASSMINT_SECRET_KEY ("<new>,<old>"), are sealed under the first key here, with
 * secure_delete on and a VACUUM after, so the token does not linger in free pages or the -wal.
 * @see https://www.sqlite.org/pragma.html#pragma_secure_delete
 */
function sealSessions(db: Database.Database, secretKeys: Buffer[] | undefined, keyFile: string): SecretBox {
  const rows = db.prepare('SELECT shop, session FROM shop_sessions').all() as { shop: string; session: string }[];
  const sealedUnder = [...new Set(rows.map((row) => sealedKeyId(row.session)).filter((id): id is string => id !== null))];
  const { keys, source } = standaloneSecretKeys(secretKeys, keyFile, sealedUnder);
  const box = createSecretBox(keys);
  const unknown = sealedUnder.filter((id) => !box.keyIds.includes(id));
  if (unknown.length > 0) {
    throw new SecretKeyError(
      'secret_key_unknown',
      `The shop sessions are sealed under key ${unknown.join(', ')}, but ${source} holds key ${box.keyIds.join(', ')}: set PASSMINT_SECRET_KEY to the key they were sealed with.`,
    );
  }
  // In clear (an older release), or under a key PASSMINT_SECRET_KEY lists after the first (a rotation).
  const stale = rows.filter((row) => sealedKeyId(row.session) !== box.keyId);
  if (stale.length > 0) {
    const update = db.prepare('UPDATE shop_sessions SET session = ? WHERE shop = ?');
    const context = (shop: string) => `shop_sessions.session:${shop}`;
    const previous = Number(db.pragma('secure_delete', { simple: true }));
    db.pragma('secure_delete = ON');
    db.transaction(() =>
      stale.forEach((row) => update.run(box.seal(box.open(row.session, context(row.shop)), context(row.shop)), row.shop)),
    )();
    db.pragma(`secure_delete = ${previous}`);
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return box;
}
