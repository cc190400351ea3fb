import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../commands';
import { PASSMINT_BIN } from '../testing';
import { COMMAND_HELP } from './command-help';

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let dataDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-help-'));
  dataDir = join(dir, 'data');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The environment points at a data dir that does not exist and a database nobody listens on, so a
 * command that touched either would leave the dir behind or fail.
 */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    env: { PASSMINT_DATA_DIR: dataDir, PASSMINT_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
  });
  return { code, out, err };
}

test('every command answers --help and -h with its own usage, exit 0, touching no data dir or database', async () => {
  for (const name of Object.keys(COMMAND_HELP)) {
    for (const flag of ['--help', '-h']) {
      const answer = await cli([...name.split(' '), flag]);
      expect({ name, flag, code: answer.code, err: answer.err }).toEqual({ name, flag, code: 0, err: '' });
      expect(answer.out).toMatch(new RegExp(`^Usage: passmint ${name}\\b`));
    }
  }
  expect((await cli(['tenants', 'create', 'Corner Bakery', '--apple-cert', 'x.cer', '--help'])).out).toMatch(
    /^Usage: passmint tenants create/,
  );
  expect((await cli(['help', 'keys', 'create'])).out).toMatch(/^Usage: passmint keys create --tenant/);
  const group = await cli(['secrets', '--help']);
  expect(group.out).toContain('Usage: passmint secrets status');
  expect(group.out).toContain('Usage: passmint secrets rotate');
  expect(existsSync(dataDir)).toBe(false);
});

test('--version prints the package version; the bare command and help list every command', async () => {
  expect(await cli(['--version'])).toEqual({ code: 0, out: `passmint ${VERSION}\n`, err: '' });
  expect((await cli(['-v'])).out).toBe(`passmint ${VERSION}\n`);
  const help = await cli(['--help']);
  expect(help.code).toBe(0);
  for (const name of Object.keys(COMMAND_HELP)) expect(help.out).toContain(`  ${name}`);
  expect((await cli([])).code).toBe(2);
});

test("an unknown option or a stray argument exits 2 with that command's usage", async () => {
  for (const argv of [
    ['serve', '--port', '9'],
    ['tenants', 'create', 'X', '--bogus'],
    ['keys', 'list', 'extra'],
    ['secrets', 'rotate', '--new-key', 'k'],
    ['migrate', 'now'],
  ]) {
    const answer = await cli(argv);
    expect({ argv, code: answer.code }).toEqual({ argv, code: 2 });
    expect(answer.err).toContain(`Usage: passmint ${argv.slice(0, argv[0] === 'serve' || argv[0] === 'migrate' ? 1 : 2).join(' ')}`);
  }
  expect((await cli(['frobnicate'])).err).toContain('unknown command "frobnicate"');
  expect(existsSync(dataDir)).toBe(false);
});

test('`passmint serve --help` as a process prints its usage and exits by itself, without listening', async () => {
  const { stdout, stderr } = await run(process.execPath, [PASSMINT_BIN, 'serve', '--help'], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir, PASSMINT_PORT: '0' },
  });
  expect(stdout).toMatch(/^Usage: passmint serve\n/);
  expect(stderr).toBe('');
  expect(existsSync(dataDir)).toBe(false);
});
