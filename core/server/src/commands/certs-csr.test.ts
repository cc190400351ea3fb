import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningIdentity } from '@passmint/engine';
import { runCli } from '../commands';
import { readEnv } from '../env';
import { openStore } from '../store/open-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-csr-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { PASSMINT_DATA_DIR: join(dir, 'data') };
  const code = await runCli(argv, {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    env,
  });
  return { code, out, err };
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');

/**
 * Stands in for Apple's certificate service: a CA (the WWDR stand-in) signs the request and writes
 * the subject Apple writes (UID = pass type id, OU = team id), and both come back as DER `.cer`.
 */
function issueLikeApple(csr: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Test WWDR Stand-in/O=Passmint Tests',
  );
  openssl('x509', '-in', 'ca.pem', '-outform', 'DER', '-out', 'wwdr.cer');
  openssl(
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '0x5a5a01',
    '-days',
    '30',
    '-outform',
    'DER',
    '-out',
    'pass.cer',
    '-subj',
    '/UID=pass.com.example.loyalty/CN=Pass Type ID: pass.com.example.loyalty/OU=ABCDE12345/O=Example Coffee/C=US',
  );
}

test('certs csr writes a 0600 RSA-2048 key and a request openssl verifies; the DER certificate issued for it makes a tenant', async () => {
  const made = await cli(
    'certs',
    'csr',
    '--pass-type-id',
    'pass.com.example.loyalty',
    '--team-id',
    'ABCDE12345',
    '--out',
    join(dir, 'apple'),
  );
  expect(made.code).toBe(0);
  expect(made.out).toContain('upload');
  expect(made.out).toContain('--apple-cert pass.cer');
  const keyPath = join(dir, 'apple', 'pass.key');
  const csrPath = join(dir, 'apple', 'pass.certSigningRequest');
  expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  expect(readFileSync(csrPath, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
  expect(openssl('req', '-in', csrPath, '-noout', '-verify', '-subject')).toMatch(
    /subject=CN = pass\.com\.example\.loyalty, OU = ABCDE12345/,
  );
  expect(openssl('req', '-in', csrPath, '-noout', '-text')).toMatch(
    /Public-Key: \(2048 bit\)[\s\S]*Signature Algorithm: sha256WithRSAEncryption/,
  );
  expect(openssl('req', '-in', csrPath, '-noout', '-pubkey')).toBe(openssl('pkey', '-in', keyPath, '-pubout'));

  issueLikeApple(csrPath);
  const created = await cli(
    'tenants',
    'create',
    'Example Coffee',
    '--apple-cert',
    join(dir, 'pass.cer'),
    '--apple-key',
    keyPath,
    '--apple-wwdr',
    join(dir, 'wwdr.cer'),
  );
  expect(created).toMatchObject({ code: 0, err: '' });
  const { store } = await openStore(readEnv({ PASSMINT_DATA_DIR: join(dir, 'data') }));
  try {
    const stored = (await store.findTenant('Example Coffee'))?.appleIdentity;
    expect(stored?.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(loadSigningIdentity(stored as NonNullable<typeof stored>)).toMatchObject({
      passTypeIdentifier: 'pass.com.example.loyalty',
      teamIdentifier: 'ABCDE12345',
    });
  } finally {
    await store.close();
  }
});

test('the instance accepts the DER certificate too (PASSMINT_APPLE_CERT, PASSMINT_APPLE_WWDR)', async () => {
  await cli('certs', 'csr', '--pass-type-id', 'pass.com.example.loyalty', '--team-id', 'ABCDE12345', '--out', dir);
  issueLikeApple(join(dir, 'pass.certSigningRequest'));
  let out = '';
  const code = await runCli(['demo'], {
    out: { write: (text: string) => (out += text) },
    err: { write: () => undefined },
    env: {
      PASSMINT_DATA_DIR: join(dir, 'data'),
      PASSMINT_APPLE_CERT: join(dir, 'pass.cer'),
      PASSMINT_APPLE_KEY: join(dir, 'pass.key'),
      PASSMINT_APPLE_WWDR: join(dir, 'wwdr.cer'),
    },
  });
  expect(code).toBe(0);
  expect(out).toContain('signed as pass.com.example.loyalty (team ABCDE12345)');
  expect(out).toContain('validator: valid');
});

test('certs csr refuses bad ids and will not overwrite a key unless forced', async () => {
  expect((await cli('certs', 'csr', '--pass-type-id', 'com.example', '--team-id', 'ABCDE12345', '--out', dir)).err).toMatch(
    /pass type id reads like pass\./,
  );
  expect((await cli('certs', 'csr', '--pass-type-id', 'pass.com.example.x', '--team-id', 'abc', '--out', dir)).err).toMatch(
    /team id is 10 capital letters/,
  );
  expect((await cli('certs', 'csr', '--team-id', 'ABCDE12345')).code).toBe(1);
  expect((await cli('certs', 'csr', '--pass-type-id', 'pass.com.example.x', '--team-id', 'ABCDE12345', '--out', dir)).code).toBe(0);
  const key = readFileSync(join(dir, 'pass.key'), 'utf8');
  const again = await cli('certs', 'csr', '--pass-type-id', 'pass.com.example.x', '--team-id', 'ABCDE12345', '--out', dir);
  expect(again).toMatchObject({ code: 1, err: expect.stringContaining('already exist') });
  expect(readFileSync(join(dir, 'pass.key'), 'utf8')).toBe(key);
  expect((await cli('certs', 'csr', '--pass-type-id', 'pass.com.example.x', '--team-id', 'ABCDE12345', '--out', dir, '--force')).code).toBe(
    0,
  );
  expect(readFileSync(join(dir, 'pass.key'), 'utf8')).not.toBe(key);
  writeFileSync(join(dir, 'garbage.cer'), Buffer.from([0x30, 0x82, 0x05, 0x00, 0x01]));
  const unreadable = await cli(
    'tenants',
    'create',
    'Bad Cert',
    '--apple-cert',
    join(dir, 'garbage.cer'),
    '--apple-key',
    join(dir, 'pass.key'),
  );
  expect(unreadable).toMatchObject({ code: 1, err: expect.stringContaining('could not be read as a PEM or DER X.509 certificate') });
});

test('certs csr --help names the files the command writes', async () => {
  const made = await cli(
    'certs',
    'csr',
    '--pass-type-id',
    'pass.com.example.loyalty',
    '--team-id',
    'ABCDE12345',
    '--out',
    join(dir, 'apple'),
  );
  expect(made.code).toBe(0);
  const help = await cli('certs', 'csr', '--help');
  for (const file of readdirSync(join(dir, 'apple'))) expect(help.out).toContain(file);
});
