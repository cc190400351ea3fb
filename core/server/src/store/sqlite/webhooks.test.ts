import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { secretSealer } from '../secret-columns';
import { openSqliteDatabase } from '../sqlite-store';
import { migrate } from '../sqlite-migrations';
import { groupCommitOf } from './group-commit';
import { sqliteWebhooks } from './webhooks';

describe('SQLite webhook outbox', () => {
  let dir: string;
  let db: Database.Database;
  let syncs: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-webhooks-'));
    db = openSqliteDatabase(join(dir, 'test.db'));
    migrate(db);
    syncs = 0;
    // Registered before the store part asks for it, so every write's sync is counted here.
    groupCommitOf(db, {
      sync: async () => {
        syncs++;
      },
    });
  });
  afterEach(async () => {
    await groupCommitOf(db).close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a claim with nothing due without a write transaction or a sync of the log', async () => {
    const webhooks = sqliteWebhooks(db, secretSealer(undefined));
    const options = { now: '2030-01-01T00:00:00.000Z', leaseUntil: '2030-01-01T00:01:00.000Z', limit: 8 };
    for (let look = 0; look < 5; look++) expect(await webhooks.claimWebhookDeliveries(options)).toEqual([]);
    expect(syncs).toBe(0);
    await webhooks.pruneWebhookDeliveries('2029-01-01T00:00:00.000Z');
    expect(syncs).toBe(1);
  });
});
