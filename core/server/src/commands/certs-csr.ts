import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCertificateRequest, PassmintError } from '@passmint/engine';
import { ensurePrivateDir, writePrivateFile } from '../secrets/private-files';
import type { CliIo } from './io';

interface CsrOptions {
  'pass-type-id'?: string;
  'team-id'?: string;
  out?: string;
  force?: boolean;
}

/**
 * `passmint certs csr --pass-type-id … --team-id … [--out dir]`: the first step to a real Pass
 * Type ID certificate without a Mac: a private key that stays here, and the request to upload.
 */
export function certsCsrCommand(options: CsrOptions, io: CliIo): number {
  const passTypeIdentifier = options['pass-type-id'];
  const teamIdentifier = options['team-id'];
  if (!passTypeIdentifier || !teamIdentifier)
    throw new PassmintError('invalid_option', '--pass-type-id <pass.…> and --team-id <team id> are both required.');
  const dir = resolve(options.out ?? '.');
  const keyPath = join(dir, 'pass.key');
  const csrPath = join(dir, 'pass.certSigningRequest');
  const existing = [keyPath, csrPath].filter((path) => existsSync(path));
  if (existing.length > 0 && !options.force) {
    throw new PassmintError(
      'file_exists',
      `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''} (--force replaces them; a certificate already issued for the old key then needs that key).`,
    );
  }
  const request = createCertificateRequest({ passTypeIdentifier, teamIdentifier });
  ensurePrivateDir(dir);
  writePrivateFile(keyPath, request.privateKeyPem);
  writePrivateFile(csrPath, request.csrPem);
  io.out.write(
    [
      `Wrote the private key ${keyPath} (0600; keep it and back it up: Apple never sees it, and the certificate is useless without it)`,
      `and the certificate signing request ${csrPath} for ${passTypeIdentifier} (team ${teamIdentifier}).`,
      '',
      'Next, in the Apple Developer account (Certificates, Identifiers & Profiles):',
      `  1. Identifiers: register the Pass Type ID ${passTypeIdentifier} if it is not there yet.`,
      `  2. Certificates, +, Pass Type ID Certificate: choose ${passTypeIdentifier}, upload ${csrPath}, then Download (pass.cer).`,
      '  3. Give the certificate and this key to Passmint, for a tenant:',
      `       passmint tenants create "<name>" --apple-cert pass.cer --apple-key ${keyPath}`,
      `     or for the whole instance: PASSMINT_APPLE_CERT=pass.cer PASSMINT_APPLE_KEY=${keyPath}`,
      'The walk-through: docs/apple-certificates.md',
      '',
    ].join('\n'),
  );
  return 0;
}
