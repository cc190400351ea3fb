import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeOrderStoreConformance } from '@passmint/commerce/testing';
import { secretKeyId } from '@passmint/engine';
import { openStandaloneStore } from './standalone-store';

const TOKEN = `shpat_${randomBytes(16).toString('hex')}`;
const SESSION = JSON.stringify([
  ['id', 'offline_bayroast.myshopify.com'],
  ['accessToken', TOKEN],
]);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-standalone-'));
  file = join(dir, 'data', 'shopify-app.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The database file and its -wal, as bytes on disk. */
function onDisk(): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

describe('the standalone app keeps shop sessions sealed', () => {
  it('seals a saved session under a secret.key it makes (0600), in owner-only files', async () => {
    const store = openStandaloneStore(file);
    try {
      await store.saveShopSession('bayroast.myshopify.com', SESSION, '2026-01-01T00:00:00.000Z');
      expect(await store.findShopSession('bayroast.myshopify.com')).toBe(SESSION);
      expect(onDisk().includes(TOKEN)).toBe(false);
    } finally {
      store.close();
    }
    expect(onDisk().includes(TOKEN)).toBe(false);
    for (const path of [file, join(dir, 'data', 'secret.key')]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    const again = openStandaloneStore(file);
    expect(await again.findShopSession('bayroast.myshopify.com')).toBe(SESSION);
    again.close();
  });

  it('seals sessions an older release stored in clear, leaving no token on disk', async () => {
    openStandaloneStore(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO shop_sessions (shop, session, updated_at) VALUES (?, ?, ?)').run(
      'bayroast.myshopify.com',
      SESSION,
      '2025-01-01T00:00:00.000Z',
    );
    db.close();
    expect(onDisk().includes(TOKEN)).toBe(true);
    const store = openStandaloneStore(file);
    try {
      expect(onDisk().includes(TOKEN)).toBe(false);
      expect(await store.findShopSession('bayroast.myshopify.com')).toBe(SESSION);
    } finally {
      store.close();
    }
  });

  it('names the key when PASSMINT_SECRET_KEY is not the one the sessions were sealed with', async () => {
    const key = randomBytes(32);
    const store = openStandaloneStore(file, [key]);
    await store.saveShopSession('bayroast.myshopify.com', SESSION, '2026-01-01T00:00:00.000Z');
    store.close();
    const wrong = randomBytes(32);
    expect(() => openStandaloneStore(file, [wrong])).toThrow(
      expect.objectContaining({ code: 'secret_key_unknown', message: expect.stringContaining(secretKeyId(key)) }),
    );
    expect(() => openStandaloneStore(file)).toThrow(expect.objectContaining({ code: 'secret_key_missing' }));
    expect(existsSync(join(dir, 'data', 'secret.key'))).toBe(false);
    const right = openStandaloneStore(file, [key]);
    expect(await right.findShopSession('bayroast.myshopify.com')).toBe(SESSION);
    right.close();
  });

  it('moves the sessions to the first key of "<new>,<old>" at open, so the old key can then be dropped', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const store = openStandaloneStore(file, [oldKey]);
    await store.saveShopSession('bayroast.myshopify.com', SESSION, '2026-01-01T00:00:00.000Z');
    store.close();
    openStandaloneStore(file, [newKey, oldKey]).close();
    const moved = openStandaloneStore(file, [newKey]);
    expect(await moved.findShopSession('bayroast.myshopify.com')).toBe(SESSION);
    moved.close();
    expect(() => openStandaloneStore(file, [oldKey])).toThrow(expect.objectContaining({ code: 'secret_key_unknown' }));
  });
});

describeOrderStoreConformance('the standalone Shopify app (SQLite)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'passmint-standalone-'));
  const path = join(home, 'data', 'shopify-app.db');
  const store = openStandaloneStore(path, [randomBytes(32)]);
  const raw = new Database(path, { readonly: true });
  return {
    store,
    storedSession: async (shop) => (raw.prepare('SELECT session FROM shop_sessions WHERE shop = ?').pluck().get(shop) as string) ?? null,
    async cleanup() {
      raw.close();
      store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});
