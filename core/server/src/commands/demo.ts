import { join, resolve } from 'node:path';
import { validatePkpass } from '@passmint/engine';
import { loadConfiguredIdentity } from '../apple-identity';
import { readEnv } from '../env';
import { issuePass } from '../issue-pass';
import { ensurePrivateDir, writePrivateFile } from '../secrets/private-files';
import type { CliIo } from './io';

/** The docs/api.md example, plus a few more of the fields a loyalty card uses. */
export const DEMO_BODY = {
  barcodeValue: 'LOYALTY-98765',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  organizationName: 'Bayroast Coffee',
  colorPreset: 'green',
  headerFields: [{ label: 'POINTS', value: '1,250', changeMessage: 'You now have %@ points' }],
  primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  secondaryFields: [{ label: 'MEMBER', value: 'Alex Morgan' }],
  backFields: [{ label: 'Terms', value: 'One free coffee for every 1,500 points. Made with Passmint.' }],
  locations: [{ latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' }],
  expirationDays: 365,
};

/** What `npm start` runs until the server exists: a demo pass to a file, checked by the validator. */
export async function demoCommand(io: CliIo): Promise<number> {
  const env = readEnv(io.env, io.plugins);
  const { identity, source, created } = loadConfiguredIdentity(env);
  if (created) io.out.write(`Created a development signing identity in ${source}\n`);
  ensurePrivateDir(env.PASSMINT_DATA_DIR);
  const output = resolve(join(env.PASSMINT_DATA_DIR, 'demo.pkpass'));
  const pass = issuePass(DEMO_BODY, {
    identity,
    organizationName: 'Bayroast Coffee',
    ...(env.PASSMINT_PUBLIC_URL === undefined ? {} : { publicUrl: env.PASSMINT_PUBLIC_URL }),
  });
  writePrivateFile(output, pass.pkpass);
  // A development pass is checked against its own stand-in CA; a real one against Apple's root.
  const report = validatePkpass(pass.pkpass, identity.isDevelopment ? { trustedRoots: [identity.wwdr.toString()] } : {});
  const errors = report.problems.filter((problem) => problem.severity === 'error');
  io.out.write(
    [
      `Issued a demo pass: ${output}`,
      `  serial ${pass.serialNumber}, ${pass.style} style, ${pass.pkpass.length} bytes, signed as ${identity.passTypeIdentifier} (team ${identity.teamIdentifier})`,
      `  validator: ${errors.length === 0 ? 'valid' : `${errors.length} error(s): ${errors.map((problem) => problem.code).join(', ')}`}`,
      ...identity.warnings.map((warning) => `  note: ${warning}`),
      'Next: make your own with `npx passmint pass create body.json -o my.pkpass`, check any pass with `npx passmint validate file.pkpass`.',
      '',
    ].join('\n'),
  );
  return errors.length === 0 ? 0 : 1;
}
