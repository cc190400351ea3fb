import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSMINT_BIN } from './testing';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the installed command', () => {
  it('runs through the bin shim as its own process, with exit codes a script can use', () => {
    const bin = PASSMINT_BIN;
    const env = { ...process.env, PASSMINT_DATA_DIR: join(dir, 'data') };
    const demo = spawnSync(process.execPath, [bin, 'demo'], { env, encoding: 'utf8' });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain('validator: valid');
    const garbage = join(dir, 'garbage.pkpass');
    writeFileSync(garbage, 'not a zip');
    const invalid = spawnSync(process.execPath, [bin, 'validate', garbage], { env, encoding: 'utf8' });
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toContain('zip_unreadable');
  });

  it('says its version', () => {
    const version = spawnSync(process.execPath, [PASSMINT_BIN, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^passmint \d+\.\d+\.\d+\n$/);
  });
});
