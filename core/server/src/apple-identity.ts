import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatePemOf, createDevIdentity, loadSigningIdentity, SigningIdentityError, type SigningIdentity } from '@passmint/engine';
import type { PassmintEnv } from './env';
import { ensurePrivateDir, tightenFile, writePrivateFile } from './secrets/private-files';

export interface DevCertPaths {
  dir: string;
  caCertificate: string;
  certificate: string;
  privateKey: string;
}

export function devCertPaths(dataDir: string): DevCertPaths {
  const dir = join(dataDir, 'dev-certs');
  return {
    dir,
    caCertificate: join(dir, 'dev-ca.pem'),
    certificate: join(dir, 'pass-certificate.pem'),
    privateKey: join(dir, 'pass-key.pem'),
  };
}

/** Writes a new development identity, every file readable by its owner only. */
export function writeDevIdentity(dataDir: string): DevCertPaths {
  const paths = devCertPaths(dataDir);
  const pems = createDevIdentity();
  ensurePrivateDir(paths.dir);
  writePrivateFile(paths.caCertificate, pems.caCertificatePem);
  writePrivateFile(paths.certificate, pems.certificatePem);
  writePrivateFile(paths.privateKey, pems.privateKeyPem);
  writePrivateFile(
    join(paths.dir, 'README.txt'),
    'Passmint development signing identity.\nPasses signed with it validate locally but will NOT install on a real iPhone:\n' +
      'Wallet only trusts pass certificates issued by Apple. Configure PASSMINT_APPLE_CERT and PASSMINT_APPLE_KEY\n(or PASSMINT_APPLE_P12) for production.\n',
  );
  return paths;
}

export type ConfiguredIdentity = { identity: SigningIdentity; source: string; created: boolean };

/**
 * The configured Apple identity, or else the development identity under the data dir (created
 * on first use). Problems with configured files name the variable and the file.
 */
export function loadConfiguredIdentity(env: PassmintEnv): ConfiguredIdentity {
  const wwdrPem = env.PASSMINT_APPLE_WWDR ? readCertificate('PASSMINT_APPLE_WWDR', env.PASSMINT_APPLE_WWDR, 'WWDR certificate') : undefined;
  const passphrase = env.PASSMINT_APPLE_KEY_PASSPHRASE;
  if (env.PASSMINT_APPLE_P12) {
    const p12 = readFileOf('PASSMINT_APPLE_P12', env.PASSMINT_APPLE_P12);
    return { identity: load(() => loadSigningIdentity({ p12, passphrase, wwdrPem })), source: env.PASSMINT_APPLE_P12, created: false };
  }
  if (env.PASSMINT_APPLE_CERT && env.PASSMINT_APPLE_KEY) {
    const certificatePem = readCertificate('PASSMINT_APPLE_CERT', env.PASSMINT_APPLE_CERT, 'pass certificate');
    const privateKeyPem = readConfigured('PASSMINT_APPLE_KEY', env.PASSMINT_APPLE_KEY);
    return {
      identity: load(() => loadSigningIdentity({ certificatePem, privateKeyPem, passphrase, wwdrPem })),
      source: env.PASSMINT_APPLE_CERT,
      created: false,
    };
  }
  const paths = devCertPaths(env.PASSMINT_DATA_DIR);
  const created = !existsSync(paths.certificate);
  if (created) writeDevIdentity(env.PASSMINT_DATA_DIR);
  // Identities written by releases before 0600 was the rule are tightened on their next use.
  for (const file of [paths.caCertificate, paths.certificate, paths.privateKey, join(paths.dir, 'README.txt')]) tightenFile(file);
  const identity = load(() =>
    loadSigningIdentity({
      certificatePem: readFileSync(paths.certificate, 'utf8'),
      privateKeyPem: readFileSync(paths.privateKey, 'utf8'),
      wwdrPem: readFileSync(paths.caCertificate, 'utf8'),
    }),
  );
  return { identity, source: paths.dir, created };
}

function load<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof SigningIdentityError) throw new SigningIdentityError(error.code, `Apple signing identity: ${error.message}`);
    throw error;
  }
}

/** PEM, or the DER `.cer` Apple's portal downloads. */
function readCertificate(variable: string, path: string, what: string): string {
  const contents = readFileOf(variable, path);
  return load(() => certificatePemOf(contents, `${what} in ${variable} (${path})`));
}

function readConfigured(variable: string, path: string): string {
  return readFileOf(variable, path).toString('utf8');
}

function readFileOf(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new SigningIdentityError('identity_file_unreadable', `${variable}: the file ${path} ${reason}.`);
  }
}
