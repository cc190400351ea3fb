import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDevIdentity, secretKeyId } from '@passmint/engine';
import { readEnv, type PassmintEnv } from '../env';
import { openStore } from '../store/open-store';
import { migratePostgres, quoteIdentifier } from '../store/postgres-migrations';
import { migrate } from '../store/sqlite-migrations';
import { openSqliteDatabase } from '../store/sqlite-store';
import { readVaultSecret, vaultPlugin } from '../test-support/vault-plugin';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = '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';
const pems = createDevIdentity();
const appleIdentity = { certificatePem: pems.certificatePem, privateKeyPem: pems.privateKeyPem };
const googleIdentity = {
  issuerId: '3388000000012345678',
  serviceAccount: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: pems.privateKeyPem },
};
/** A plugin's secret column (a shop's session, say) stands in for the plugins' secrets. */
const PLUGINS = [vaultPlugin()];
const session = JSON.stringify([
  ['id', 'offline_bayroast'],
  ['accessToken', TOKEN],
]);

/** The rows a release before sealing left: identities and a plugin's secret in clear; an older identity and a deleted secret in free pages. */
const LEGACY_ROWS: [string, unknown[]][] = [
  [
    'INSERT INTO tenants (id, name, monthly_quota, apple_identity, google_identity, created_at, updated_at) VALUES ($1, $2, NULL, $3, $4, $5, $6)',
    [
      'ten_legacy',
      'Legacy',
      JSON.stringify({ ...appleIdentity, wwdrPem: pems.caCertificatePem }),
      JSON.stringify(googleIdentity),
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ],
  ],
  ['UPDATE tenants SET apple_identity = $1 WHERE id = $2', [JSON.stringify(appleIdentity), 'ten_legacy']],
  ['CREATE TABLE plugin_vault (id text NOT NULL PRIMARY KEY, secret text NOT NULL)', []],
  ['INSERT INTO plugin_vault (id, secret) VALUES ($1, $2)', ['bayroast', session]],
  ['INSERT INTO plugin_vault (id, secret) VALUES ($1, $2)', ['gone', `${session}${'-'.repeat(5000)}`]],
  ['DELETE FROM plugin_vault WHERE id = $1', ['gone']],
];

/** What a look at the raw bytes finds in clear: the PEM marker, the token, a line of the key's base64. */
function clearTextIn(bytes: Buffer): string[] {
  const needles: [string, string][] = [
    ['PRIVATE KEY', 'PRIVATE KEY'],
    [TOKEN, TOKEN],
    [pems.privateKeyPem.split(/\r?\n/)[1] as string, 'key body'],
  ];
  return needles.filter(([needle]) => bytes.includes(needle)).map(([, name]) => name);
}

/** The error openStore fails with; a store that opens after all is closed, and the test fails. */
async function refusal(env: PassmintEnv): Promise<{ code?: string; message: string }> {
  try {
    const opened = await openStore(env, PLUGINS);
    await opened.store.close();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('the store opened');
}

describe('secrets at rest on SQLite', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-secrets-'));
    file = join(dir, 'passmint.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeLegacyDatabase(): void {
    const db = openSqliteDatabase(file);
    try {
      migrate(db);
      for (const [sql, params] of LEGACY_ROWS) db.prepare(sql.replace(/\$\d/g, '?')).run(...params);
    } finally {
      db.close();
    }
  }

  const diskBytes = () =>
    Buffer.concat([
      readFileSync(file),
      ...['-wal', '-shm'].filter((suffix) => existsSync(`${file}${suffix}`)).map((suffix) => readFileSync(`${file}${suffix}`)),
    ]);

  it('seals plaintext rows at open, leaving no private key or token in the file or its -wal', async () => {
    writeLegacyDatabase();
    expect(clearTextIn(diskBytes())).toEqual(['PRIVATE KEY', TOKEN, 'key body']);
    const env = readEnv({ PASSMINT_DATA_DIR: dir });
    const opened = await openStore(env, PLUGINS);
    try {
      expect(opened.secrets).toMatchObject({ createdKey: true, sealedNow: 3, underOtherKeys: 0 });
      expect(clearTextIn(diskBytes())).toEqual([]);
      expect((await opened.store.findTenant('ten_legacy'))?.appleIdentity).toEqual(appleIdentity);
      expect(await readVaultSecret(opened, 'bayroast')).toBe(session);
    } finally {
      await opened.store.close();
    }
    expect(clearTextIn(diskBytes())).toEqual([]);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const again = await openStore(env, PLUGINS);
    expect(again.secrets).toMatchObject({ createdKey: false, sealedNow: 0, keyId: opened.secrets.keyId });
    await again.store.close();
  });

  it('stops with a message naming the keys when the key is wrong or missing, and creates no key then', async () => {
    writeLegacyDatabase();
    const first = await openStore(readEnv({ PASSMINT_DATA_DIR: dir }), PLUGINS);
    await first.store.close();
    const sealedUnder = first.secrets.keyId;

    const wrong = randomBytes(32);
    const wrongKey = await refusal(readEnv({ PASSMINT_DATA_DIR: dir, PASSMINT_SECRET_KEY: wrong.toString('base64') }));
    expect(wrongKey.code).toBe('secret_key_unknown');
    expect(wrongKey.message).toContain(`sealed under key ${sealedUnder}, but PASSMINT_SECRET_KEY holds key ${secretKeyId(wrong)}`);

    const key = readFileSync(join(dir, 'secret.key'));
    rmSync(join(dir, 'secret.key'));
    expect(await refusal(readEnv({ PASSMINT_DATA_DIR: dir }))).toMatchObject({
      code: 'secret_key_missing',
      message: expect.stringContaining('secret.key does not exist'),
    });
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);

    writeFileSync(join(dir, 'secret.key'), 'not a key\n');
    expect(await refusal(readEnv({ PASSMINT_DATA_DIR: dir }))).toMatchObject({ code: 'secret_key_invalid' });

    const restored = await openStore(readEnv({ PASSMINT_DATA_DIR: dir, PASSMINT_SECRET_KEY: key.toString('utf8').trim() }), PLUGINS);
    expect((await restored.store.findTenant('ten_legacy'))?.googleIdentity).toEqual(googleIdentity);
    await restored.store.close();
  });
});

describe('secrets at rest on PostgreSQL (needs PostgreSQL)', () => {
  const schema = `passmint_secrets_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  const key = randomBytes(32).toString('base64');
  const env = (secretKey = key) => readEnv({ PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`, PASSMINT_SECRET_KEY: secretKey });
  const dump = () => Buffer.from(execFileSync('pg_dump', ['--dbname', DATABASE_URL, '--schema', schema, '--data-only']));

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await admin.query(`SET search_path TO ${quoteIdentifier(schema)}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await admin.end();
  });

  it('seals plaintext rows at open: pg_dump of the schema shows no private key or token', async () => {
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
    try {
      await migratePostgres(pool, { schema });
      for (const [sql, params] of LEGACY_ROWS) await pool.query(sql, params);
    } finally {
      await pool.end();
    }
    expect(clearTextIn(dump())).toEqual(['PRIVATE KEY', TOKEN, 'key body']);
    const opened = await openStore(env(), PLUGINS);
    try {
      expect(opened.secrets).toMatchObject({ createdKey: false, sealedNow: 3, source: { kind: 'env' } });
      expect(clearTextIn(dump())).toEqual([]);
      expect((await opened.store.findTenant('ten_legacy'))?.appleIdentity).toEqual(appleIdentity);
      expect(await readVaultSecret(opened, 'bayroast')).toBe(session);
    } finally {
      await opened.store.close();
    }
  });

  it('stops with a message naming the keys when PASSMINT_SECRET_KEY is not the key', async () => {
    const wrong = randomBytes(32);
    expect(await refusal(env(wrong.toString('base64')))).toMatchObject({
      code: 'secret_key_unknown',
      message: expect.stringContaining(`PASSMINT_SECRET_KEY holds key ${secretKeyId(wrong)}`),
    });
  });
});
