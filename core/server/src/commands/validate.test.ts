import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepJsonZip, emptyObjectsBomb, sizeLiarBomb } from '@passmint/engine/testing';
import { PASSMINT_BIN } from '../testing';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-validate-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `passmint validate` as its own process, with a heap no bigger than a small VM would give it. */
function validateFile(name: string, bytes: Uint8Array | undefined, ...flags: string[]) {
  const file = join(dir, name);
  if (bytes !== undefined) writeFileSync(file, bytes);
  return spawnSync(process.execPath, ['--max-old-space-size=256', PASSMINT_BIN, 'validate', file, ...flags], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: join(dir, 'data') },
    encoding: 'utf8',
  });
}

describe('passmint validate on hostile files', () => {
  test.each([
    ['a pass.json declaring 100 bytes that inflates to 1 GiB', () => sizeLiarBomb(), 'zip_entry_size_mismatch'],
    ['a 16 MB pass.json of five million {}', () => emptyObjectsBomb(), 'zip_entry_too_large'],
  ])('%s: exit code 1 and the refusal, as text and as JSON', (_name, build, code) => {
    const bytes = build();
    const text = validateFile('bomb.pkpass', bytes);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`error    ${code}: `);
    const json = validateFile('bomb.pkpass', bytes, '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, refused: { code } });
  });

  test('pass.json nested 100,000 deep: the JSON report prints (nothing recurses that deep)', () => {
    const json = validateFile('deep.pkpass', deepJsonZip(100_000), '--json');
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, refused: { code: 'json_too_deep', file: 'pass.json' } });
  });

  test('a file over 65 MiB is refused without being read', () => {
    const file = join(dir, 'huge.pkpass');
    writeFileSync(file, '');
    truncateSync(file, 3 * 1024 * 1024 * 1024); // sparse: no disk used; reading it whole would need 3 GiB
    const json = validateFile('huge.pkpass', undefined, '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, refused: { code: 'zip_too_large' } });
  });
});
