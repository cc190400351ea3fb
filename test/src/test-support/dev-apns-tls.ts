import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTls, type TestTls } from '../fakes/test-tls';
import { passmintCli } from './processes';

/**
 * The development signing identity in `dataDir` (its CA is what a fake APNs demands of clients),
 * and a server certificate for the fake APNs whose CA is written to `caFile`, for the server's
 * NODE_EXTRA_CA_CERTS.
 */
export function devIdentityAndApnsTls(dataDir: string): { devCaPem: string; tls: TestTls; caFile: string } {
  passmintCli(dataDir, 'certs', 'dev');
  const devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const tls = createTestTls();
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  return { devCaPem, tls, caFile };
}
