import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { NewIdempotency, NewPass, PassUpdate } from '@passmint/engine';
import type { Store } from './store-port';
import { createSqliteStore, openSqliteDatabase } from './sqlite-store';
import { migrate, migrations } from './sqlite-migrations';
import { newPass, registrationOf, tenantIn, testSecretBox } from './test-support/store-builders';
import { describeStoreConformance } from './test-support/store-conformance';

describeStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-store-'));
  const store = createSqliteStore(join(dir, 'passmint.db'), { secrets: testSecretBox() });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

interface AppliedMigration {
  version: number;
  applied_at: string;
}

describe('SQLite store', () => {
  let dir: string;
  let file: string;
  const open: Store[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-store-'));
    file = join(dir, 'data', 'passmint.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openStore(): Promise<Store> {
    const store = createSqliteStore(file);
    open.push(store);
    await store.migrate();
    return store;
  }

  /** A second connection to the same file, to look at rows the way they are stored. */
  function inspect<T>(look: (db: Database.Database) => T): T {
    const db = new Database(file);
    try {
      return look(db);
    } finally {
      db.close();
    }
  }

  function appliedMigrations(): AppliedMigration[] {
    return inspect((db) => db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as AppliedMigration[]);
  }

  function rowsOf(tenantId: string): Record<string, number> {
    return inspect((db) => {
      const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table} WHERE tenant_id = ?`).pluck().get(tenantId) as number;
      const used = db.prepare('SELECT used FROM usage_counters WHERE tenant_id = ?').pluck().get(tenantId) as number | undefined;
      return { passes: count('passes'), versions: count('pass_versions'), idempotency: count('idempotency_records'), used: used ?? 0 };
    });
  }

  function idempotencyFor(serialNumber: string): NewIdempotency {
    return {
      key: randomUUID(),
      fingerprint: randomUUID(),
      response: { serialNumber, warnings: [], pkpass: randomBytes(16) },
      createdAt: '2025-06-02T00:00:00.000Z',
      notBefore: '2025-06-01T00:00:00.000Z',
    };
  }

  function updateOf(pass: NewPass): PassUpdate {
    return {
      tenantId: pass.tenantId,
      serialNumber: pass.serialNumber,
      expectedVersion: 1,
      body: { logoText: 'Changed' },
      canonicalHash: 'changed',
      pkpass: randomBytes(64),
      passTypeIdentifier: pass.passTypeIdentifier,
      voided: true,
      updatedAt: '2025-06-03T00:00:00.000Z',
    };
  }

  function fanOutRows(): number {
    return inspect((db) => db.prepare('SELECT COUNT(*) FROM push_fanouts').pluck().get() as number);
  }

  const options = { month: '2025-06', quota: null };

  describe('opening', () => {
    it('sets WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
      const db = openSqliteDatabase(file);
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db.pragma('synchronous', { simple: true })).toBe(2);
        expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
        expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      } finally {
        db.close();
      }
    });

    it('creates the missing parent directory and leaves the file in WAL mode', async () => {
      await openStore();
      expect(inspect((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    });
  });

  describe('durability', () => {
    it('keeps everything across close and reopen', async () => {
      const first = await openStore();
      const tenantId = await tenantIn(first);
      const pass = newPass(tenantId, { pkpass: randomBytes(10_000) });
      await first.insertPass(pass, options);
      const hash = 'a'.repeat(64);
      await first.createApiKey({ id: randomUUID(), tenantId, hash, prefix: 'pm_live_aaaa', label: null, createdAt: pass.createdAt });
      await first.close();

      const second = await openStore();
      expect((await second.findTenant(tenantId))?.id).toBe(tenantId);
      expect(await second.findPass(tenantId, pass.serialNumber)).toEqual({
        ...pass,
        version: 1,
        updatedAt: pass.createdAt,
        changeTag: '1',
      });
      expect((await second.findApiKeyByHash(hash))?.tenant.id).toBe(tenantId);
      expect(await second.usage(tenantId, options.month)).toBe(1);
    });
  });

  describe('migrations', () => {
    it('applies every migration once and nothing on a second run', () => {
      const db = openSqliteDatabase(file);
      try {
        expect(migrate(db)).toEqual(migrations.map((migration) => migration.version));
        expect(migrate(db)).toEqual([]);
      } finally {
        db.close();
      }
      expect(appliedMigrations().map((row) => row.version)).toEqual(migrations.map((migration) => migration.version));
    });

    it('does not migrate a reopened file again', async () => {
      const first = await openStore();
      await first.migrate();
      const applied = appliedMigrations();
      await first.close();

      await openStore();
      expect(appliedMigrations()).toEqual(applied);
    });

    it('applies only a migration added later', () => {
      const db = openSqliteDatabase(file);
      try {
        migrate(db);
        const later = [...migrations, { version: 1000, name: 'later', sql: 'CREATE TABLE later_table (id TEXT NOT NULL PRIMARY KEY)' }];
        expect(migrate(db, later)).toEqual([1000]);
        expect(migrate(db, later)).toEqual([]);
      } finally {
        db.close();
      }
    });

    it('rolls back every step of a run when one migration fails', () => {
      const db = openSqliteDatabase(file);
      try {
        const broken = [...migrations, { version: 1000, name: 'broken', sql: 'CREATE TABLE half_done (id TEXT); NOT SQL AT ALL' }];
        expect(() => migrate(db, broken)).toThrow();
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
        expect(tables).not.toContain('half_done');
        expect(tables).not.toContain('tenants');
      } finally {
        db.close();
      }
    });
  });

  // Errors raised by the native addon (a trigger's RAISE here) come from another vm realm once a
  // second test file has loaded the module, so they are matched on `message`/`code`, never with
  // `instanceof` or `toThrow(string)`.
  describe('atomic pass writes', () => {
    it('leaves nothing behind when the serial is taken', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      const other = await tenantIn(store);
      const pass = newPass(owner);
      await store.insertPass(pass, options);

      const taken = newPass(other, { serialNumber: pass.serialNumber });
      const result = await store.insertPass(taken, { ...options, idempotency: idempotencyFor(taken.serialNumber) });
      expect(result).toEqual({ ok: false, reason: 'serial_taken' });
      expect(rowsOf(other)).toEqual({ passes: 0, versions: 0, idempotency: 0, used: 0 });
      expect(rowsOf(owner)).toEqual({ passes: 1, versions: 1, idempotency: 0, used: 1 });
    });

    it('leaves nothing behind when the quota is exceeded', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      await store.insertPass(newPass(owner), options);

      const pass = newPass(owner);
      const result = await store.insertPass(pass, { month: '2025-06', quota: 1, idempotency: idempotencyFor(pass.serialNumber) });
      expect(result).toEqual({ ok: false, reason: 'quota_exceeded', used: 1 });
      expect(rowsOf(owner)).toEqual({ passes: 1, versions: 1, idempotency: 0, used: 1 });
    });

    it('rolls back an insert that fails at its last step', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      inspect((db) =>
        db.exec("CREATE TRIGGER fail_idempotency BEFORE INSERT ON idempotency_records BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"),
      );
      const pass = newPass(owner);
      await expect(store.insertPass(pass, { ...options, idempotency: idempotencyFor(pass.serialNumber) })).rejects.toMatchObject({
        message: 'disk on fire',
      });
      expect(rowsOf(owner)).toEqual({ passes: 0, versions: 0, idempotency: 0, used: 0 });

      inspect((db) => db.exec('DROP TRIGGER fail_idempotency'));
      expect((await store.insertPass(pass, { ...options, idempotency: idempotencyFor(pass.serialNumber) })).ok).toBe(true);
      expect(rowsOf(owner)).toEqual({ passes: 1, versions: 1, idempotency: 1, used: 1 });
    });

    it('rolls back an update that fails after replacing the pass', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      const pass = newPass(owner);
      await store.insertPass(pass, options);
      inspect((db) => db.exec("CREATE TRIGGER fail_version BEFORE INSERT ON pass_versions BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"));

      await expect(store.updatePass(updateOf(pass), options)).rejects.toMatchObject({ message: 'disk on fire' });
      expect(await store.findPass(owner, pass.serialNumber)).toEqual({ ...pass, version: 1, updatedAt: pass.createdAt, changeTag: '1' });
      expect(rowsOf(owner)).toEqual({ passes: 1, versions: 1, idempotency: 0, used: 1 });
    });

    it('rolls back an update that fails while queueing its pushes, tag and all', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      const pass = newPass(owner);
      await store.insertPass(pass, options);
      await store.registerDevice(registrationOf(pass));
      inspect((db) => db.exec("CREATE TRIGGER fail_push BEFORE INSERT ON push_fanouts BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"));

      await expect(store.updatePass(updateOf(pass), options)).rejects.toMatchObject({ message: 'disk on fire' });
      expect(await store.findPass(owner, pass.serialNumber)).toEqual({ ...pass, version: 1, updatedAt: pass.createdAt, changeTag: '1' });
      expect(rowsOf(owner)).toEqual({ passes: 1, versions: 1, idempotency: 0, used: 1 });
      expect(fanOutRows()).toBe(0);

      inspect((db) => db.exec('DROP TRIGGER fail_push'));
      const retried = await store.updatePass(updateOf(pass), options);
      expect(retried).toMatchObject({ ok: true, pass: { version: 2, changeTag: '2' }, queuedPushes: 1 });
      expect(fanOutRows()).toBe(1);
    });
  });

  describe('pass changes', () => {
    it('replace a pass without reading the body they replace: a stored body that is not JSON is no obstacle', async () => {
      const store = await openStore();
      const owner = await tenantIn(store);
      const pass = newPass(owner);
      await store.insertPass(pass, options);
      inspect((db) => db.prepare("UPDATE passes SET body = 'not JSON' WHERE serial_number = ?").run(pass.serialNumber));

      const { expectedVersion, ...update } = updateOf(pass);
      const result = await store.updatePass({ ...update, expectedVersion }, options);
      const expected = { ...pass, ...update, version: expectedVersion + 1, changeTag: '2' };
      expect(result).toMatchObject({ ok: true, pass: expected });
      expect(await store.findPass(owner, pass.serialNumber)).toEqual(expected);
    });
  });

  describe('change tags', () => {
    it('numbers the passes of an existing database in the order they last changed', async () => {
      const db = openSqliteDatabase(file);
      try {
        migrate(
          db,
          migrations.filter((migration) => migration.version === 1),
        );
        db.prepare("INSERT INTO tenants VALUES ('t', 't', NULL, NULL, 'x', 'x')").run();
        const insert = db.prepare(`INSERT INTO passes VALUES ('t', ?, 'token', '{}', 'hash', x'00', 'pass.com.example', 0, 1, ?, ?)`);
        for (const [serial, updatedAt] of [
          ['late', '2025-06-03'],
          ['early', '2025-06-01'],
          ['middle', '2025-06-02'],
        ]) {
          insert.run(serial, updatedAt, updatedAt);
        }
        expect(migrate(db)).toEqual(migrations.filter((migration) => migration.version > 1).map((migration) => migration.version));
      } finally {
        db.close();
      }

      const store = await openStore();
      const tags = await Promise.all(['early', 'middle', 'late'].map(async (serial) => (await store.findPassBySerial(serial))?.changeTag));
      expect(tags).toEqual(['1', '2', '3']);
      const inserted = await store.insertPass(newPass('t'), options);
      expect(inserted.ok && inserted.pass.changeTag).toBe('4');
    });
  });

  describe('push outbox', () => {
    it('marks the dead pushes of an existing database given up unless APNs said the device is gone, and dates their last attempt', async () => {
      const db = openSqliteDatabase(file);
      try {
        migrate(
          db,
          migrations.filter((migration) => migration.version <= 8),
        );
        db.prepare("INSERT INTO tenants (id, name, created_at, updated_at) VALUES ('t', 't', 'x', 'x')").run();
        db.prepare(
          `INSERT INTO passes (tenant_id, serial_number, authentication_token, body, canonical_hash, pkpass, pass_type_identifier, voided, version, created_at, updated_at)
            VALUES ('t', 's', 'token', '{}', 'hash', x'00', 'pass.com.example', 0, 1, '2025-06-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z')`,
        ).run();
        const push = db.prepare(
          `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at, finished_at, detail)
            VALUES (?, 't', 's', 'pass.com.example', ?, 'dead', 1, '2025-06-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', ?, ?)`,
        );
        push.run('gone', 'a', '2025-06-02T00:00:00.000Z', '410 Unregistered');
        push.run('bad-token', 'b', '2025-06-02T00:00:01.000Z', '400 BadDeviceToken');
        push.run('given-up', 'c', '2025-06-02T00:00:02.000Z', '503 ServiceUnavailable');
        expect(migrate(db)).toEqual(migrations.filter((migration) => migration.version > 8).map((migration) => migration.version));
      } finally {
        db.close();
      }

      const store = await openStore();
      const health = await store.outboxHealth('2025-06-03T00:00:00.000Z', '2025-06-01T00:00:00.000Z');
      expect(health).toMatchObject({
        givenUp: 1,
        lastGivenUp: { serialNumber: 's', at: '2025-06-02T00:00:02.000Z', detail: '503 ServiceUnavailable' },
      });
      expect((await store.pushSummary('s')).lastAttemptAt).toBe('2025-06-02T00:00:02.000Z');
    });

    it('never hands the same push to two connections', async () => {
      const first = await openStore();
      const second = await openStore();
      const owner = await tenantIn(first);
      const pass = newPass(owner);
      await first.insertPass(pass, options);
      for (let i = 0; i < 5; i++) await first.registerDevice(registrationOf(pass));
      await first.updatePass(updateOf(pass), options);

      const claim = (store: Store) =>
        store.claimPushes({ now: '2025-06-03T00:00:00.000Z', leaseUntil: '2025-06-03T00:01:00.000Z', limit: 2 });
      const claims = await Promise.all([claim(first), claim(second), claim(first), claim(second)]);
      const ids = claims.flat().map((job) => job.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
    });
  });
});
