import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDevIdentity, parseSecretKey, secretKeyId } from '@passmint/engine';
import { runCli } from '../commands';
import { readEnv } from '../env';
import { createKeyFile, masterKeySource } from '../secrets/master-key';
import { countSecrets, resealSecrets } from '../secrets/secrets-at-rest';
import { openStore } from '../store/open-store';
import { quoteIdentifier } from '../store/postgres-migrations';
import type { SecretCell } from '../store/secret-columns';
import { putVaultSecret, readVaultSecret, vaultPlugin } from '../test-support/vault-plugin';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pems = createDevIdentity({ passTypeIdentifier: 'pass.com.cornerbakery.loyalty', teamIdentifier: 'BAKERY0001' });
const TOKEN = `shpat_${randomBytes(16).toString('hex')}`;
/** A plugin's secret column stands in for a shop's session. */
const PLUGINS = [vaultPlugin()];
const open = (env: Record<string, string>) => openStore(readEnv(env, PLUGINS), PLUGINS);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-rotate-'));
  writeFileSync(join(dir, 'cert.pem'), pems.certificatePem);
  writeFileSync(join(dir, 'key.pem'), pems.privateKeyPem);
  writeFileSync(join(dir, 'wwdr.pem'), pems.caCertificatePem);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    {
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
      env,
    },
    PLUGINS,
  );
  return { code, out, err };
}

/** A tenant with its own certificate and a plugin's secret: two secrets. */
async function storeSecrets(env: Record<string, string>): Promise<void> {
  const created = await cli(
    env,
    'tenants',
    'create',
    'Corner Bakery',
    '--apple-cert',
    join(dir, 'cert.pem'),
    '--apple-key',
    join(dir, 'key.pem'),
    '--apple-wwdr',
    join(dir, 'wwdr.pem'),
  );
  expect(created).toMatchObject({ code: 0, err: '' });
  const opened = await open(env);
  try {
    await putVaultSecret(opened, 'bayroast', JSON.stringify([['accessToken', TOKEN]]));
  } finally {
    await opened.store.close();
  }
}

/** What the database holds, opened with `env`'s key: the tenant's key, the plugin's secret, and the keys sealing them. */
async function readBack(
  env: Record<string, string>,
): Promise<{ privateKeyPem: string | undefined; session: string | null; byKey: Record<string, number> }> {
  const opened = await open(env);
  const { store } = opened;
  try {
    return {
      privateKeyPem: (await store.findTenant('Corner Bakery'))?.appleIdentity?.privateKeyPem,
      session: await readVaultSecret(opened, 'bayroast'),
      byKey: countSecrets(await store.listSecretCells()).byKey,
    };
  } finally {
    await store.close();
  }
}

/** The code openStore fails with; a store that opens after all is closed first, so the test fails cleanly. */
async function refusalCode(env: Record<string, string>): Promise<string | undefined> {
  try {
    await (await open(env)).store.close();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'opened';
}

const keyIdOf = (file: string) => secretKeyId(parseSecretKey(readFileSync(file, 'utf8')) as Buffer);

describe('passmint secrets rotate with the data dir key (SQLite)', () => {
  const env = () => ({ PASSMINT_DATA_DIR: join(dir, 'data') });
  const keyFile = () => join(dir, 'data', 'secret.key');

  it('re-seals every secret under a new secret.key; the old key opens nothing any more', async () => {
    await storeSecrets(env());
    const oldKey = readFileSync(keyFile(), 'utf8');
    const oldId = keyIdOf(keyFile());
    // A server on the same data dir, opened before the rotation, follows it.
    const running = await open(env());
    const rotated = await cli(env(), 'secrets', 'rotate');
    expect(rotated.code).toBe(0);
    const newId = keyIdOf(keyFile());
    expect(newId).not.toBe(oldId);
    expect(rotated.out).toContain(`Re-sealed 2 secrets under key ${newId} (the database was under ${oldId})`);
    expect(existsSync(`${keyFile()}.next`)).toBe(false);
    const after = await readBack(env());
    expect(after).toEqual({
      privateKeyPem: expect.stringContaining('PRIVATE KEY'),
      session: expect.stringContaining(TOKEN),
      byKey: { [newId]: 2 },
    });
    expect((await cli(env(), 'secrets', 'status')).out).toContain(`2 secrets sealed under key ${newId}\n`);
    try {
      await putVaultSecret(running, 'later', '["accessToken","later"]');
      expect((await running.store.findTenant('Corner Bakery'))?.appleIdentity?.privateKeyPem).toContain('PRIVATE KEY');
    } finally {
      await running.store.close();
    }
    expect((await readBack(env())).byKey).toEqual({ [newId]: 3 });
    expect(await refusalCode({ ...env(), PASSMINT_SECRET_KEY: oldKey.trim() })).toBe('secret_key_unknown');
  });

  it('changes nothing when one secret cannot be opened, and a run after a crash before the rename finishes the job', async () => {
    await storeSecrets(env());
    const oldId = keyIdOf(keyFile());
    const opened = await open(env());
    const before = await opened.store.listSecretCells();
    const damage = (cell: SecretCell) =>
      cell.column.column === 'secret' ? cell.value.replace(/\.([^.]+)$/, '.AAAAAAAAAAAAAAAAAAAAAA') : cell.value;
    await opened.store.rewriteSecretCells(damage);
    await opened.store.close();
    const failed = await cli(env(), 'secrets', 'rotate');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/failed its integrity check/);
    const stillThere = await open(env());
    const cells = await stillThere.store.listSecretCells();
    expect(cells.filter((cell) => cell.column.column !== 'secret')).toEqual(before.filter((cell) => cell.column.column !== 'secret'));
    expect(keyIdOf(keyFile())).toBe(oldId);
    // Repair the secret, then stand in for a rotation that committed and died before renaming secret.key.next.
    await stillThere.store.rewriteSecretCells(
      (cell) => before.find((old) => old.rowKey === cell.rowKey && old.column === cell.column)?.value ?? cell.value,
    );
    const source = masterKeySource(readEnv(env(), PLUGINS));
    const pendingKey = source.kind === 'file' ? createKeyFile(source.pending) : Buffer.alloc(0);
    await resealSecrets(stillThere.store, stillThere.keys, pendingKey);
    await stillThere.store.close();
    expect((await readBack(env())).byKey).toEqual({ [secretKeyId(pendingKey)]: 2 });
    const finished = await cli(env(), 'secrets', 'rotate');
    expect(finished.out).toContain(`Re-sealed 0 secrets under key ${secretKeyId(pendingKey)}`);
    expect(keyIdOf(keyFile())).toBe(secretKeyId(pendingKey));
    expect(existsSync(`${keyFile()}.next`)).toBe(false);
    expect((await readBack(env())).session).toContain(TOKEN);
  });
});

describe('passmint secrets rotate with PASSMINT_SECRET_KEY (needs PostgreSQL)', () => {
  let schema: string;
  const admin = new Client({ connectionString: DATABASE_URL });
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const env = (key: string) => ({
    PASSMINT_DATA_DIR: join(dir, 'data'),
    PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`,
    PASSMINT_SECRET_KEY: key,
  });
  const dump = () => execFileSync('pg_dump', ['--dbname', DATABASE_URL, '--schema', schema, '--data-only']).toString('utf8');

  beforeAll(() => admin.connect());
  afterAll(() => admin.end());
  beforeEach(() => {
    schema = `passmint_rotate_${randomBytes(4).toString('hex')}`;
  });
  afterEach(() => admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`));

  it('needs the new key, then re-seals everything under the key in --new-key-file', async () => {
    await storeSecrets(env(oldKey));
    const refused = await cli(env(oldKey), 'secrets', 'rotate');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('give the new key with --new-key-file');
    writeFileSync(join(dir, 'new.key'), `${newKey}\n`);
    const rotated = await cli(env(oldKey), 'secrets', 'rotate', '--new-key-file', join(dir, 'new.key'));
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('Now set PASSMINT_SECRET_KEY to the key in');
    const newId = secretKeyId(parseSecretKey(newKey) as Buffer);
    expect((await readBack(env(newKey))).byKey).toEqual({ [newId]: 2 });
    expect(await refusalCode(env(oldKey))).toBe('secret_key_unknown');
    const dumped = dump();
    expect(dumped).not.toContain('PRIVATE KEY');
    expect(dumped).not.toContain(TOKEN);
    expect(existsSync(join(dir, 'data', 'secret.key'))).toBe(false);
  });

  it('with "<new>,<old>" in PASSMINT_SECRET_KEY, finishes the move to the first key', async () => {
    await storeSecrets(env(oldKey));
    const both = env(`${newKey},${oldKey}`);
    const status = await cli(both, 'secrets', 'status');
    expect(status.out).toContain(
      `2 secrets sealed under key ${secretKeyId(parseSecretKey(oldKey) as Buffer)} (an older key: run passmint secrets rotate)`,
    );
    expect((await cli(both, 'secrets', 'rotate')).code).toBe(0);
    expect(await readBack(env(newKey))).toEqual({
      privateKeyPem: expect.stringContaining('PRIVATE KEY'),
      session: expect.stringContaining(TOKEN),
      byKey: { [secretKeyId(parseSecretKey(newKey) as Buffer)]: 2 },
    });
  });
});
