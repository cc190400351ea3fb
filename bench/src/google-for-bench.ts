import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServiceAccountKey, startFakeGoogle, type FakeGoogle } from '@passmint/e2e';

const ISSUER = '3388000000012345678';

export interface BenchGoogle {
  fake: FakeGoogle;
  /** The server's environment for Google Wallet against the fake. */
  env: Record<string, string>;
}

/**
 * The fake Google Wallet (REST API and OAuth token endpoint on loopback) and a service account
 * it trusts, written into `dataDir` as `passmint serve` reads it.
 */
export async function startBenchGoogle(dataDir: string): Promise<BenchGoogle> {
  const account = createServiceAccountKey({ email: 'passmint@bench-project.iam.gserviceaccount.com' });
  const fake = await startFakeGoogle({
    issuerId: ISSUER,
    serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
  });
  const accountPath = join(dataDir, 'service-account.json');
  writeFileSync(accountPath, JSON.stringify({ ...account.key, token_uri: fake.tokenUrl }));
  const env = {
    PASSMINT_GOOGLE_ISSUER_ID: ISSUER,
    PASSMINT_GOOGLE_SERVICE_ACCOUNT: accountPath,
    PASSMINT_GOOGLE_API_URL: fake.apiUrl,
    PASSMINT_GOOGLE_TOKEN_URL: fake.tokenUrl,
  };
  return { fake, env };
}
