import { existsSync, readFileSync } from 'node:fs';
import { APPLE_ROOT_CA_PEM } from '@passmint/engine';
import { devCertPaths } from '../apple-identity';

/**
 * The roots a pass made here may chain to: Apple's, the local development CA when there is one
 * (so passes signed with `passmint certs dev` check out), and any `--trust` PEM files.
 */
export function trustedRoots(dataDir: string, trustFiles: readonly string[] = []): string[] {
  const devCa = devCertPaths(dataDir).caCertificate;
  const files = [...(existsSync(devCa) ? [devCa] : []), ...trustFiles];
  return [APPLE_ROOT_CA_PEM, ...files.map((path) => readFileSync(path, 'utf8'))];
}
