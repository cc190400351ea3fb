import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDevIdentity } from '@passmint/engine';
import { createTestTls, startFakeApns } from '@passmint/e2e';
import { PASS_TYPE_IDENTIFIER } from './device-registrations';
import type { FloorJob, FloorRun } from './http2-floor-client';

const CLIENT = join(__dirname, 'http2-floor-client.js');

export interface FloorResult extends FloorRun {
  /** Pushes the fake accepted (200): the client counts only answers. */
  accepted: number;
}

/**
 * The pushes of a fan-out without Passmint: the same number to the same kind of fake APNs (in this
 * process, as in the fan-out, with certificate auth), sent by Node's HTTP/2 client alone in a
 * process of its own with `concurrency` streams in flight. No Node sender does better on this
 * machine, so it is the limit the fan-out is measured against, as bare RSA is for signing.
 */
export async function measureHttp2Floor(pushes: number, concurrency: number): Promise<FloorResult> {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-bench-h2-'));
  const identity = createDevIdentity({ passTypeIdentifier: PASS_TYPE_IDENTIFIER });
  const tls = createTestTls();
  const fake = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: identity.caCertificatePem,
    topics: [PASS_TYPE_IDENTIFIER],
  });
  try {
    const job: FloorJob = {
      url: fake.url,
      caPem: tls.caPem,
      certPem: identity.certificatePem,
      keyPem: identity.privateKeyPem,
      topic: PASS_TYPE_IDENTIFIER,
      tokens: Array.from({ length: pushes }, () => randomBytes(32).toString('hex')),
      concurrency,
    };
    const jobFile = join(dir, 'job.json');
    writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
    const { stdout } = await promisify(execFile)(process.execPath, [CLIENT, jobFile]);
    return { ...(JSON.parse(stdout) as FloorRun), accepted: fake.pushes.length };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
