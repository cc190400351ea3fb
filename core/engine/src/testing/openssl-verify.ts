import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

/** Runs `openssl cms -verify` on a pass's detached signature over its manifest. */
export function opensslVerifyPass(pkpass: Uint8Array, caPem: string): { ok: boolean; output: string } {
  const files = unzipSync(pkpass);
  const dir = mkdtempSync(join(tmpdir(), 'passmint-verify-'));
  try {
    writeFileSync(join(dir, 'manifest.json'), files['manifest.json'] ?? new Uint8Array());
    writeFileSync(join(dir, 'signature'), files['signature'] ?? new Uint8Array());
    writeFileSync(join(dir, 'ca.pem'), caPem);
    const args = [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'signature',
      '-content',
      'manifest.json',
      '-CAfile',
      'ca.pem',
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ];
    try {
      const output = execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, output };
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string };
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The signature's structure as `openssl cms -cmsout -print` shows it. */
export function opensslPrintSignature(pkpass: Uint8Array): string {
  const signature = unzipSync(pkpass)['signature'] ?? new Uint8Array();
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: signature, encoding: 'utf8' });
}
