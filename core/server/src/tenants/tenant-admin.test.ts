import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresStore } from '../store/postgres-store';
import { ensureDefaultTenant } from './tenant-admin';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

test('two processes first starting together on one empty database make one default tenant and one key (needs PostgreSQL)', async () => {
  const schema = `passmint_first_${randomBytes(4).toString('hex')}`;
  const stores = [
    createPostgresStore({ connectionString: DATABASE_URL, schema }),
    createPostgresStore({ connectionString: DATABASE_URL, schema }),
  ];
  try {
    await stores[0]!.migrate();
    await stores[1]!.migrate();
    const starts = await Promise.all(stores.map((store) => ensureDefaultTenant(store)));
    const made = starts.filter((start) => start !== null);
    expect(made).toHaveLength(1);
    const tenants = await stores[1]!.listTenants();
    expect(tenants.map((tenant) => tenant.id)).toEqual([made[0]!.tenant.id]);
    expect(await stores[0]!.listApiKeys(tenants[0]!.id)).toHaveLength(1);
    expect(await ensureDefaultTenant(stores[0]!)).toBeNull();
  } finally {
    for (const store of stores) await store.close();
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
});
