import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { createDevIdentity, validatePkpass } from '@passmint/engine';
import { PASSMINT_BIN, request, spawnServer, tempDataDir, type SpawnedServer } from '../testing';

const BIN = PASSMINT_BIN;
const run = promisify(execFile);

let dataDir: string;
let server: SpawnedServer;

async function passmint(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const BODY = { barcodeValue: 'ADMIN-1', barcodeFormat: 'QR' };

test('tenants create prints the tenant id alone; keys create prints the key alone, and it works at once', async () => {
  const tenant = await passmint('tenants', 'create', 'Corner Bakery', '--quota', '100');
  expect(tenant.code).toBe(0);
  expect(tenant.stdout).toMatch(/^ten_[A-Za-z0-9_-]+\n$/);
  const key = await passmint('keys', 'create', '--tenant', 'Corner Bakery');
  expect(key.stdout).toMatch(/^pm_live_[A-Za-z0-9_-]{43}\n$/);
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: key.stdout.trim(), body: BODY });
  expect(created.status).toBe(200);
  const passJson = JSON.parse(Buffer.from(unzipSync(Buffer.from(created.json.applePass, 'base64'))['pass.json']!).toString());
  expect(passJson.organizationName).toBe('Corner Bakery');
  const usage = await request(`${server.url}/api/auth/usage`, { key: key.stdout.trim() });
  expect(usage.json).toMatchObject({ used: 1, limit: 100, remaining: 99 });
});

test('a revoked key is refused on the next request; listings never show a key', async () => {
  const key = (await passmint('keys', 'create', '--tenant', 'Corner Bakery', '--label', 'till 2')).stdout.trim();
  expect((await request(`${server.url}/api/auth/usage`, { key })).status).toBe(200);
  const listing = (await passmint('keys', 'list', '--tenant', 'Corner Bakery')).stdout;
  expect(listing).not.toContain(key);
  const id =
    listing
      .split('\n')
      .find((line) => line.includes('till 2'))
      ?.split('\t')[0] ?? '';
  expect((await passmint('keys', 'revoke', id)).code).toBe(0);
  const refused = await request(`${server.url}/api/auth/usage`, { key });
  expect(refused.status).toBe(401);
  expect(refused.json.code).toBe('revoked_api_key');
  expect((await passmint('keys', 'list', '--tenant', 'Corner Bakery')).stdout).toMatch(/revoked/);
});

test('keys are stored only as hashes', async () => {
  const key = (await passmint('keys', 'create', '--tenant', 'Corner Bakery')).stdout.trim();
  const database = readFileSync(join(dataDir, 'passmint.db'));
  const wal = (() => {
    try {
      return readFileSync(join(dataDir, 'passmint.db-wal'));
    } catch {
      return Buffer.alloc(0);
    }
  })();
  expect(database.includes(key)).toBe(false);
  expect(wal.includes(key)).toBe(false);
});

test('a tenant that brings its own certificate signs with it; others keep the instance identity', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-byoc-'));
  try {
    const pems = createDevIdentity({ passTypeIdentifier: 'pass.com.cornerbakery.loyalty', teamIdentifier: 'BAKERY0001' });
    writeFileSync(join(dir, 'cert.pem'), pems.certificatePem);
    writeFileSync(join(dir, 'key.pem'), pems.privateKeyPem);
    writeFileSync(join(dir, 'wwdr.pem'), pems.caCertificatePem);
    const created = await passmint(
      'tenants',
      'create',
      'Own Cert Shop',
      '--apple-cert',
      join(dir, 'cert.pem'),
      '--apple-key',
      join(dir, 'key.pem'),
      '--apple-wwdr',
      join(dir, 'wwdr.pem'),
    );
    expect(created.code).toBe(0);
    const key = (await passmint('keys', 'create', '--tenant', 'Own Cert Shop')).stdout.trim();
    const issued = await request(`${server.url}/api/passes?format=pkpass`, { method: 'POST', key, body: BODY });
    const report = validatePkpass(issued.bytes, { trustedRoots: [pems.caCertificatePem] });
    expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(report.passJson).toMatchObject({ passTypeIdentifier: 'pass.com.cornerbakery.loyalty', teamIdentifier: 'BAKERY0001' });
    const instance = await request(`${server.url}/api/passes?format=pkpass`, { method: 'POST', key: server.key, body: BODY });
    expect(validatePkpass(instance.bytes).passJson).toMatchObject({ passTypeIdentifier: 'pass.dev.passmint.local' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a certificate whose key does not match is refused when the tenant is created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-byoc-'));
  try {
    const one = createDevIdentity();
    const two = createDevIdentity();
    writeFileSync(join(dir, 'cert.pem'), one.certificatePem);
    writeFileSync(join(dir, 'key.pem'), two.privateKeyPem);
    writeFileSync(join(dir, 'wwdr.pem'), one.caCertificatePem);
    const result = await passmint(
      'tenants',
      'create',
      'Broken Cert',
      '--apple-cert',
      join(dir, 'cert.pem'),
      '--apple-key',
      join(dir, 'key.pem'),
      '--apple-wwdr',
      join(dir, 'wwdr.pem'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not match/);
    expect((await passmint('tenants', 'list')).stdout).not.toContain('Broken Cert');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors and unknown tenants exit non-zero with a message', async () => {
  expect((await passmint('keys', 'create')).code).toBe(1);
  const unknown = await passmint('keys', 'create', '--tenant', 'Nobody');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/No tenant named/);
  expect((await passmint('tenants', 'create', 'Corner Bakery')).code).toBe(1);
  expect((await passmint('tenants', 'create', 'X', '--quota', 'lots')).code).toBe(1);
  expect((await passmint('tenants')).code).toBe(2);
});
