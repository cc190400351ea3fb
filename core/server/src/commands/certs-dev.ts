import { existsSync } from 'node:fs';
import { devCertPaths, writeDevIdentity } from '../apple-identity';
import { readEnv } from '../env';
import type { CliIo } from './io';

/** `passmint certs dev [--force]`: a throwaway signing identity for local work. */
export function certsDevCommand(args: { values: { force?: boolean } }, io: CliIo): number {
  const env = readEnv(io.env, io.plugins);
  const existing = devCertPaths(env.PASSMINT_DATA_DIR);
  if (existsSync(existing.certificate) && !args.values.force) {
    io.err.write(`A development identity already exists in ${existing.dir} (use --force to replace it).\n`);
    return 0;
  }
  const paths = writeDevIdentity(env.PASSMINT_DATA_DIR);
  io.out.write(
    [
      `Created a development signing identity in ${paths.dir}:`,
      `  pass certificate  ${paths.certificate}`,
      `  private key       ${paths.privateKey}`,
      `  stand-in WWDR CA  ${paths.caCertificate}`,
      'NOT FOR DEVICES: passes signed with it validate locally but will not install on a real iPhone.',
      '',
    ].join('\n'),
  );
  return 0;
}
