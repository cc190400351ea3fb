import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteOrderStore, ORDER_STORE_MIGRATIONS, shopSessionContext, type OrderStore } from '@passmint/commerce';
import { createSecretBox, sealedKeyId, SecretKeyError, type SecretBox } from '@passmint/engine';
import { standaloneSecretKeys } from './standalone-secret-key';

/**
 * What the standalone app keeps on its own disk: which pass follows which order, and the webhook
 * deliveries it has seen. The passes themselves live in the remote Passmint. Same rules as
 * Passmint's own store: an order only moves forward, and a delivery is recorded once.
 */
export function openStandaloneStore(file: string, secretKeys?: Buffer[]): OrderStore & { close(): void } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Owner-only, and SQLite gives its -wal and -shm the database file's mode.
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Every step of the order store's schema is IF NOT EXISTS, so it runs at every start.
  for (const migration of ORDER_STORE_MIGRATIONS.sqlite) db.exec(migration.sql);
  let box: SecretBox;
  try {
    box = sealSessions(db, secretKeys, join(dirname(file), 'secret.key'));
  } catch (error) {
    db.close();
    throw error;
  }
  return { ...createSqliteOrderStore(db, box), close: () => db.close() };
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
    const previous = Number(db.pragma('secure_delete', { simple: true }));
    db.pragma('secure_delete = ON');
    db.transaction(() =>
      stale.forEach((row) =>
        update.run(box.seal(box.open(row.session, shopSessionContext(row.shop)), shopSessionContext(row.shop)), row.shop),
      ),
    )();
    db.pragma(`secure_delete = ${previous}`);
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return box;
}
