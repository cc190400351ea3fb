import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { PASSMINT_BIN, request, spawnServer, type SpawnedServer } from '../testing';

const run = promisify(execFile);
const BODY = { barcodeValue: 'MODES-1', barcodeFormat: 'QR', logoText: 'Bayroast' };

let parent: string;
let server: SpawnedServer | undefined;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'passmint-modes-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(parent, { recursive: true, force: true });
});

/** Every path under `dir` with its permission bits, as `relative path: mode`. */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = {};
  const visit = (path: string) => {
    const stat = lstatSync(path);
    modes[relative(dir, path) || '.'] = (stat.mode & 0o777).toString(8);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return modes;
}

test('a real start and a few requests leave a 0700 data dir whose every file (SQLite with -wal and -shm, keys, demo pass) is 0600', async () => {
  const dataDir = join(parent, 'data');
  server = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
  expect(server.stderr()).toMatch(
    new RegExp(`Secrets: +sealed with AES-256-GCM, key [0-9a-f]{16} from ${join(dataDir, 'secret.key')} \\(created now`),
  );
  expect(server.stderr()).not.toContain('other users can read');
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: BODY });
  expect(created.status).toBe(200);
  expect((await request(`${server.url}/api/passes/${created.json.serialNumber}`, { key: server.key })).status).toBe(200);
  const env = { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir };
  await run(process.execPath, [PASSMINT_BIN, 'demo'], { env });
  await run(process.execPath, [PASSMINT_BIN, 'tenants', 'create', 'Corner Bakery'], { env });

  const running = modesUnder(dataDir);
  expect(Object.keys(running)).toEqual(
    expect.arrayContaining(['passmint.db', 'passmint.db-wal', 'passmint.db-shm', 'secret.key', 'demo.pkpass', 'dev-certs/pass-key.pem']),
  );
  for (const [path, mode] of Object.entries(running))
    expect({ path, mode }).toEqual({ path, mode: lstatSync(join(dataDir, path)).isDirectory() ? '700' : '600' });

  await server.stop();
  server = undefined;
  for (const [path, mode] of Object.entries(modesUnder(dataDir)))
    expect({ path, mode }).toEqual({ path, mode: lstatSync(join(dataDir, path)).isDirectory() ? '700' : '600' });
});

test('a data dir that already exists with looser modes is named in the start-up report; the files Passmint writes are 0600 anyway', async () => {
  const dataDir = join(parent, 'shared');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, 'notes.txt'), 'left here by someone');
  chmodSync(join(dataDir, 'notes.txt'), 0o644);
  server = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
  expect(server.stderr()).toContain(
    `warning: other users can read ${dataDir} (0755), ${join(dataDir, 'notes.txt')} (0644): chmod 700 the data dir and 600 its files`,
  );
  const modes = modesUnder(dataDir);
  expect(modes).toMatchObject({
    '.': '755',
    'notes.txt': '644',
    'passmint.db': '600',
    'secret.key': '600',
    'dev-certs': '700',
    'dev-certs/pass-key.pem': '600',
  });
});
