import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { BenchFixture } from './bench-fixture';
import type { Workload } from './timing';

const MESSAGE_BYTES = 100;

/** The ceiling for any signer: one RSA-2048 SHA-256 signature per pass, nothing else. */
export function rsaWorkload(fixture: BenchFixture): Workload<Buffer> {
  const key = createPrivateKey(fixture.pems.privateKeyPem);
  return {
    prepare: () => randomBytes(MESSAGE_BYTES),
    run: (message) => sign('sha256', message, key),
    runAsync: (message) =>
      new Promise((resolve, reject) => sign('sha256', message, key, (error, signature) => (error ? reject(error) : resolve(signature)))),
  };
}
