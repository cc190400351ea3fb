import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { PassRecord, PassUpdate, WriteOptions } from '@passmint/engine';
import type { Store } from './store-port';
import { createPostgresStore } from './postgres-store';
import { migratePostgres, postgresMigrations, quoteIdentifier } from './postgres-migrations';
import { newPass, registrationOf, tenantIn, testSecretBox } from './test-support/store-builders';
import { describeStoreConformance } from './test-support/store-conformance';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own for each store under test, so test files and runs never share rows. */
function testSchema(): string {
  return `passmint_test_${randomBytes(6).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Waits until every transaction that began before now has ended, on the whole server (other test
 * files write to it meanwhile): the event log lists an event only then.
 */
async function earlierTransactionsEnded(client: Client): Promise<void> {
  const { rows } = await client.query<{ next: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ended = await client.query<{ ended: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS ended', [
      rows[0]?.next,
    ]);
    if (ended.rows[0]?.ended) return;
    if (Date.now() > deadline) throw new Error('a transaction older than the test stayed open for 30 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeStoreConformance('PostgreSQL (needs PostgreSQL)', async () => {
  const schema = testSchema();
  const store = createPostgresStore({ connectionString: DATABASE_URL, schema, secrets: testSecretBox() });
  // One connection for the block's waits, not one a listing.
  const watcher = new Client({ connectionString: DATABASE_URL });
  await watcher.connect();
  return {
    store,
    cleanup: async () => {
      await store.close();
      await watcher.end();
      await dropSchema(schema);
    },
    eventsListed: () => earlierTransactionsEnded(watcher),
  };
});

describe('PostgreSQL store (needs PostgreSQL)', () => {
  let schema: string;
  const opened: Store[] = [];
  const pools: Pool[] = [];

  beforeEach(() => {
    schema = testSchema();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const pool of pools.splice(0)) await pool.end();
    await dropSchema(schema);
  });

  function openStore(): Store {
    const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 4 });
    opened.push(store);
    return store;
  }

  /** A pool on the test schema, to run migrations directly and look at rows as they are stored. */
  function schemaPool(): Pool {
    const pool = new Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 2 });
    pools.push(pool);
    return pool;
  }

  async function appliedMigrations(): Promise<{ version: number; applied_at: string }[]> {
    const { rows } = await schemaPool().query<{ version: number; applied_at: string }>(
      'SELECT version, applied_at FROM schema_migrations ORDER BY version',
    );
    return rows;
  }

  function updateOf(pass: PassRecord): PassUpdate {
    return {
      tenantId: pass.tenantId,
      serialNumber: pass.serialNumber,
      expectedVersion: pass.version,
      body: { logoText: 'Changed' },
      canonicalHash: randomUUID(),
      pkpass: randomBytes(64),
      passTypeIdentifier: pass.passTypeIdentifier,
      voided: false,
      updatedAt: '2025-06-03T00:00:00.000Z',
    };
  }

  async function insertedPass(store: Store, tenantId: string): Promise<PassRecord> {
    const result = await store.insertPass(newPass(tenantId), options);
    if (!result.ok) throw new Error(`insertPass failed: ${result.reason}`);
    return result.pass;
  }

  const options: WriteOptions = { month: '2025-06', quota: null };
  const versions = postgresMigrations.map((migration) => migration.version);

  describe('migrations', () => {
    it('creates the schema, applies every migration once and nothing on a second run', async () => {
      const pool = schemaPool();
      expect(await migratePostgres(pool, { schema })).toEqual(versions);
      expect(await migratePostgres(pool, { schema })).toEqual([]);
      const applied = await appliedMigrations();
      expect(applied.map((row) => row.version)).toEqual(versions);

      const store = openStore();
      await store.migrate();
      expect(await appliedMigrations()).toEqual(applied);
    });

    it('applies only a migration added later', async () => {
      const pool = schemaPool();
      await migratePostgres(pool, { schema });
      const later = [
        ...postgresMigrations,
        { version: 1000, name: 'later', sql: 'CREATE TABLE later_table (id text NOT NULL PRIMARY KEY)' },
      ];
      expect(await migratePostgres(pool, { schema, list: later })).toEqual([1000]);
      expect(await migratePostgres(pool, { schema, list: later })).toEqual([]);
    });

    it('rolls back every step of a run when one migration fails', async () => {
      const pool = schemaPool();
      const broken = [...postgresMigrations, { version: 1000, name: 'broken', sql: 'CREATE TABLE half_done (id text); NOT SQL AT ALL' }];
      await expect(migratePostgres(pool, { schema, list: broken })).rejects.toThrow();
      const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toEqual([]);
    });

    it('lets two stores starting together on one schema both migrate, applying each step once', async () => {
      const stores = [openStore(), openStore(), openStore()];
      await Promise.all(stores.map((store) => store.migrate()));
      expect((await appliedMigrations()).map((row) => row.version)).toEqual(versions);
      const first = stores[0] as Store;
      expect(await first.findTenant(await tenantIn(stores[1] as Store))).not.toBeNull();
    });
  });

  describe('several processes on one database', () => {
    it('never lets an event committed late fall behind a cursor already handed out', async () => {
      const store = openStore();
      await store.migrate();
      const tenantId = await tenantIn(store);
      const first = await insertedPass(store, tenantId);
      // A transaction takes its id (xid) at its first write, then stays open while a later one commits.
      const slow = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        await slow.query(
          `INSERT INTO events (tenant_id, type, serial_number, data, created_at) VALUES ($1, 'pass.updated', $2, '{}', '2025-06-02T00:00:00.000Z')`,
          [tenantId, first.serialNumber],
        );
        await insertedPass(store, tenantId);
        const seen = await store.listEvents({ tenantId, after: null, limit: 100, types: null });
        expect(seen.map((event) => event.type)).toEqual(['pass.created']);
        await slow.query('COMMIT');
        const rest = await store.listEvents({ tenantId, after: seen[0]?.id ?? null, limit: 100, types: null });
        expect(rest.map((event) => event.type)).toEqual(['pass.updated', 'pass.created']);
      } finally {
        await slow.end();
      }
    });

    it('never hands the same push to two stores claiming at once', async () => {
      const first = openStore();
      const second = openStore();
      await first.migrate();
      const owner = await tenantIn(first);
      const pass = await insertedPass(first, owner);
      const devices = 12;
      for (let i = 0; i < devices; i++) await first.registerDevice(registrationOf(pass));
      await first.updatePass(updateOf(pass), options);

      const claim = (store: Store) =>
        store.claimPushes({ now: '2025-06-03T00:00:00.000Z', leaseUntil: '2025-06-03T00:01:00.000Z', limit: 2 });
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(i % 2 === 0 ? first : second)));
      // A claim skips the fan-out another is turning into pushes: what they left, claimed in turn.
      for (let claimed = claims.flat().length; claimed < devices; ) {
        const more = await Promise.all([claim(first), claim(second)]);
        if (more.flat().length === 0) break;
        claims.push(...more);
        claimed += more.flat().length;
      }
      const ids = claims.flat().map((job) => job.id);
      expect(ids).toHaveLength(devices);
      expect(new Set(ids).size).toBe(devices);
    });

    it('never hands the same webhook delivery to two stores claiming at once', async () => {
      const secrets = testSecretBox();
      const first = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 4, secrets });
      const second = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 4, secrets });
      opened.push(first, second);
      await first.migrate();
      const owner = await tenantIn(first);
      const endpoint = {
        tenantId: owner,
        url: 'https://hooks.example.com/x',
        secret: 'whsec_dGVzdA==',
        events: ['pass.created'] as const,
        description: null,
        createdAt: '2025-06-01T00:00:00.000Z',
      };
      await first.createWebhookEndpoint({ ...endpoint, id: 'whk_one' }, 10);
      await first.createWebhookEndpoint({ ...endpoint, id: 'whk_two' }, 10);
      for (let i = 0; i < 6; i++) await insertedPass(first, owner);

      const claim = (store: Store) =>
        store.claimWebhookDeliveries({ now: '2030-01-01T00:00:00.000Z', leaseUntil: '2030-01-01T00:01:00.000Z', limit: 2 });
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(i % 2 === 0 ? first : second)));
      const ids = claims.flat().map((job) => job.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);

      // A process without the key the secrets are sealed under still gets its deliveries, with no secret:
      // the sender refuses each one (recorded as a retry) rather than the whole claim failing.
      const keyless = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 2, secrets: testSecretBox() });
      opened.push(keyless);
      await insertedPass(first, owner);
      const jobs = await claim(keyless);
      expect(jobs.map((job) => job.secret)).toEqual(['', '']);
    });

    it('counts a quota exactly when stores insert at once', async () => {
      const first = openStore();
      const second = openStore();
      await first.migrate();
      const owner = await tenantIn(first);
      const limited: WriteOptions = { month: '2025-06', quota: 3 };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).insertPass(newPass(owner), limited)),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(3);
      expect(results.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 7 }, () => ({ ok: false, reason: 'quota_exceeded', used: 3 })),
      );
      expect(await first.usage(owner, '2025-06')).toBe(3);
    });

    it('lets one of several inserts with the same idempotency key through', async () => {
      const first = openStore();
      const second = openStore();
      await first.migrate();
      const owner = await tenantIn(first);
      const key = randomUUID();
      const attempt = (store: Store) => {
        const pass = newPass(owner);
        const response = { serialNumber: pass.serialNumber, warnings: [], pkpass: randomBytes(16) };
        return store.insertPass(pass, {
          ...options,
          idempotency: { key, fingerprint: 'same', response, createdAt: '2025-06-02T00:00:00.000Z', notBefore: '2025-06-01T00:00:00.000Z' },
        });
      };
      const results = await Promise.all([first, second, first, second].map(attempt));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.reason)).toEqual(
        Array(3).fill('idempotency_exists'),
      );
      expect(await first.usage(owner, '2025-06')).toBe(1);
    });

    it('answers serial_taken to the loser of two inserts of one serial', async () => {
      const first = openStore();
      const second = openStore();
      await first.migrate();
      const owner = await tenantIn(first);
      const pass = newPass(owner);
      const results = await Promise.all([first.insertPass(pass, options), second.insertPass(pass, options)]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'serial_taken' }]);
    });

    it('hands out change tags in commit order: a device never sees a tag before every smaller one is visible', async () => {
      const first = openStore();
      const second = openStore();
      await first.migrate();
      const owner = await tenantIn(first);
      const passes: PassRecord[] = [];
      for (let i = 0; i < 20; i++) passes.push(await insertedPass(first, owner));
      const device = randomUUID();
      for (const pass of passes) await first.registerDevice({ ...registrationOf(pass), deviceLibraryIdentifier: device });
      const baseline = passes.reduce((top, pass) => Math.max(top, Number(pass.changeTag)), 0);

      let writing = true;
      const writes = Promise.all(passes.map((pass, i) => (i % 2 === 0 ? first : second).updatePass(updateOf(pass), options))).finally(
        () => {
          writing = false;
        },
      );
      const polls: { serialNumbers: string[]; lastUpdated: string }[] = [];
      while (writing) {
        const seen = await second.listUpdatedSerials(device, 'pass.com.example', String(baseline));
        if (seen) polls.push(seen);
      }
      const updated = (await writes).map((result) => {
        if (!result.ok) throw new Error(result.reason);
        return result.pass;
      });

      expect(new Set(updated.map((pass) => pass.changeTag)).size).toBe(updated.length);
      for (const poll of polls) {
        const committedBefore = updated
          .filter((pass) => Number(pass.changeTag) <= Number(poll.lastUpdated))
          .map((pass) => pass.serialNumber);
        expect(poll.serialNumbers).toEqual(expect.arrayContaining(committedBefore));
      }
    });
  });

  describe('configuration', () => {
    it('refuses a schema name that would need quoting', () => {
      expect(() => createPostgresStore({ connectionString: DATABASE_URL, schema: 'Bad"; DROP' })).toThrow(
        expect.objectContaining({ code: 'invalid_config' }) as Error,
      );
    });
  });
});
