import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readEnv } from '../env';
import { availableParallelism } from 'node:os';
import { describeStoreLocation, openStore, postgresOptions, storeLocation } from './open-store';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

test('PASSMINT_DATABASE_URL chooses the store: the data dir SQLite file by default, sqlite:<file>, or PostgreSQL', () => {
  expect(storeLocation(readEnv({ PASSMINT_DATA_DIR: '/srv/passmint' }))).toEqual({ kind: 'sqlite', file: '/srv/passmint/passmint.db' });
  expect(storeLocation(readEnv({ PASSMINT_DATABASE_URL: 'sqlite:///var/lib/passmint.db' }))).toEqual({
    kind: 'sqlite',
    file: '/var/lib/passmint.db',
  });
  const postgres = storeLocation(readEnv({ PASSMINT_DATABASE_URL: 'postgres://passmint:s3cret@db.internal:5432/passmint?schema=eu' }));
  expect(postgres.kind).toBe('postgres');
  expect(describeStoreLocation(postgres)).toBe('PostgreSQL postgres://passmint:***@db.internal:5432/passmint?schema=eu');
});

test('the PostgreSQL pool has twice the CPUs in connections unless PASSMINT_DATABASE_POOL_SIZE says otherwise', () => {
  const url = 'postgres://passmint@db.internal:5432/passmint?schema=eu';
  expect(postgresOptions(url, readEnv({}))).toEqual({
    connectionString: 'postgres://passmint@db.internal:5432/passmint',
    schema: 'eu',
    poolSize: 2 * availableParallelism(),
  });
  expect(postgresOptions(url, readEnv({ PASSMINT_DATABASE_POOL_SIZE: '25' })).poolSize).toBe(25);
  expect(() => readEnv({ PASSMINT_DATABASE_POOL_SIZE: '0' })).toThrow(/PASSMINT_DATABASE_POOL_SIZE/);
});

test('a postgres:// URL with ?schema= opens a migrated PostgreSQL store in that schema (needs PostgreSQL)', async () => {
  const schema = `passmint_open_${randomBytes(4).toString('hex')}`;
  const { store, location } = await openStore(
    readEnv({ PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`, PASSMINT_SECRET_KEY: randomBytes(32).toString('base64') }),
  );
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    expect(location.kind).toBe('postgres');
    await store.createTenant({
      id: 'tenant-1',
      name: 'Open Store Test',
      monthlyQuota: null,
      appleIdentity: null,
      createdAt: new Date().toISOString(),
    });
    const tables = await admin.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(tables.rows[0].n).toBeGreaterThan(10);
    expect((await store.findTenant('tenant-1'))?.name).toBe('Open Store Test');
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
});
